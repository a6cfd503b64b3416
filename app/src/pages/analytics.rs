//! The analytics page (`/analytics?days=7|30|90`): the signed-in streamer's redemptions, points
//! spent, active VIPs, refunds and top viewers per UTC day, as SVG charts with tables beside them.
//! The server computes everything (see `ssr::analytics`); the page only draws it. The window is
//! chosen with links, so the page works without JavaScript.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{BarList, BarRow, ColumnChart, PageError, Series, StepChart, CARD};
use crate::model::{grouped, Analytics, DayStats, ANALYTICS_WINDOWS};
use crate::server_fns::get_analytics;

const WINDOW_LINK: &str =
    "rounded-md px-3 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-violet-500";

/// Rendered on the server only: nothing on it runs in the browser.
#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let days = use_query_map().with_untracked(|q| q.get("days"));
    let data = Resource::new(move || days.clone(), get_analytics);
    let texts = crate::i18n::use_texts();
    view! {
        <Title text=texts.analytics.title />
        <main class="mx-auto max-w-5xl px-4 py-8">
            <Transition fallback=|| {
                view! { <p class="text-zinc-400">{texts.common.loading}</p> }
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(analytics) => {
                            Either::Left(
                                // `Either` rather than `into_any`: the report's view type is too deep to erase.
                                view! { <Report analytics /> },
                            )
                        }
                        Err(error) => {
                            let pitch = texts.analytics.pitch;
                            Either::Right(
                                view! {
                                    <PageError error what=texts.errors.what_analytics pitch>
                                        <h1 class="text-2xl font-bold">
                                            {texts.analytics.heading}
                                        </h1>
                                        <WindowNav current=0 />
                                    </PageError>
                                },
                            )
                        }
                    }
                })}
            </Transition>
        </main>
    }
}

/// Links to the windows the page offers; the current one is marked.
#[component]
fn WindowNav(current: u32) -> impl IntoView {
    let t = &crate::i18n::use_texts().analytics;
    view! {
        <nav
            aria-label=t.time_window
            class="mt-3 inline-flex gap-1 rounded-lg border border-zinc-800 bg-zinc-900 p-1"
        >
            {ANALYTICS_WINDOWS
                .into_iter()
                .map(|d| {
                    let selected = d == current;
                    let class = if selected {
                        format!("{WINDOW_LINK} bg-violet-600 font-medium text-white")
                    } else {
                        format!("{WINDOW_LINK} text-zinc-300 hover:bg-zinc-800")
                    };
                    view! {
                        <a
                            href=format!("/analytics?days={d}")
                            class=class
                            aria-current=selected.then_some("page")
                        >
                            {(t.days)(d)}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// A headline number.
#[component]
fn Stat(id: &'static str, label: &'static str, value: String, note: String) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-zinc-800 bg-zinc-900 p-4">
            <dt class="text-sm text-zinc-400">{label}</dt>
            <dd id=id class="mt-1 text-2xl font-semibold tabular-nums">
                {value}
            </dd>
            <dd class="text-xs text-zinc-400">{note}</dd>
        </div>
    }
}

/// A card with a heading, labelling its section. Typed children: no type-erased view in the bundle.
#[component]
fn Card<T: IntoView + 'static>(
    id: &'static str,
    heading: &'static str,
    children: TypedChildren<T>,
) -> impl IntoView {
    let children = children.into_inner();
    view! {
        <section aria-labelledby=format!("{id}-heading") class=format!("{CARD} min-w-0")>
            <h2 id=format!("{id}-heading") class="mb-3 font-semibold">
                {heading}
            </h2>
            {children()}
        </section>
    }
}

/// A count in words: `words` gets the grouped number and the count.
fn plural(n: u64, words: fn(&str, u64) -> String) -> String {
    words(&grouped(n), n)
}

/// `2026-11-06` as the language writes a day (`6 Nov`); `None` for a date it cannot read.
fn day_in_words(date: &str, words: fn(u32, u32) -> String) -> Option<String> {
    let (_, month, day) = ymd(date)?;
    Some(words(day, month))
}

/// The window as the language writes it: `6 Nov 2026 – 5 Dec 2026 (UTC)`.
fn range_in_words(a: &Analytics, words: fn(u32, u32, i32) -> String) -> Option<String> {
    let (y1, m1, d1) = ymd(&a.series.first()?.date)?;
    let (y2, m2, d2) = ymd(&a.series.last()?.date)?;
    let zone = if a.zone.is_empty() { "UTC" } else { &a.zone };
    Some(format!(
        "{} – {} ({zone})",
        words(d1, m1, y1),
        words(d2, m2, y2)
    ))
}

/// `YYYY-MM-DD` as its numbers.
fn ymd(date: &str) -> Option<(i32, u32, u32)> {
    let mut parts = date.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// A refund reason's code (`slots_full`) as the reason; `None` for a code this version does not
/// know.
fn refund_reason_code(code: &str) -> Option<crate::model::RefundReason> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

#[component]
fn Report(analytics: Analytics) -> impl IntoView {
    let a = analytics;
    let t = a.totals.clone();
    let w = &crate::i18n::use_texts().analytics;
    let window = (w.window)(a.days);
    let dates: Vec<String> = a.series.iter().map(|d| d.date.clone()).collect();
    let common = &crate::i18n::use_texts().common;
    let labels: Vec<String> = a
        .series
        .iter()
        .map(|d| day_in_words(&d.date, common.day_month).unwrap_or_else(|| d.label.clone()))
        .collect();
    let range = range_in_words(&a, common.day_month_year).unwrap_or_else(|| a.range.clone());
    let summary = &crate::i18n::use_texts().summary;
    let column = |f: fn(&DayStats) -> u64| a.series.iter().map(f).collect::<Vec<u64>>();
    let redemptions = u64::from(t.fulfilled) + u64::from(t.refunded);
    let redemptions_chart = view! {
        <ColumnChart
            id="chart-redemptions"
            title=(w.redemptions_title)(&window)
            summary=(w
                .redemptions_summary)(
                &plural(redemptions, w.redemptions_n),
                &window,
                &grouped(t.fulfilled.into()),
                &grouped(t.refunded.into()),
            )
            dates=dates.clone()
            labels=labels.clone()
            series=vec![
                Series {
                    name: w.fulfilled,
                    fill: "fill-violet-500",
                    swatch: "bg-violet-500",
                    values: column(|d| u64::from(d.fulfilled)),
                },
                Series {
                    name: w.refunded,
                    fill: "fill-rose-400",
                    swatch: "bg-rose-400",
                    values: column(|d| u64::from(d.refunded)),
                },
            ]
        />
    };
    let points_chart = view! {
        <ColumnChart
            id="chart-points"
            title=(w.points_title)(&window)
            summary=(w.points_summary)(&plural(t.points_spent, w.points_n), &window)
            dates=dates.clone()
            labels=labels.clone()
            series=vec![
                Series {
                    name: w.points,
                    fill: "fill-amber-400",
                    swatch: "bg-amber-400",
                    values: column(|d| d.points),
                },
            ]
        />
    };
    let active_chart = view! {
        <StepChart
            id="chart-active"
            title=(w.active_title)(&window)
            summary=(w
                .active_summary)(&grouped(a.active_at_start.into()), &grouped(a.active_now.into()))
            dates
            labels
            ends=column(|d| u64::from(d.active_end))
            peaks=column(|d| u64::from(d.active_peak))
        />
    };
    let refund_rows: Vec<BarRow> = a
        .refunds
        .iter()
        .map(|r| BarRow {
            label: refund_reason_code(&r.reason).map_or_else(
                || r.label.clone(),
                |reason| (summary.refund_reason)(reason).into(),
            ),
            note: String::new(),
            value: u64::from(r.count),
            shown: grouped(u64::from(r.count)),
            key: r.reason.clone(),
        })
        .collect();
    let by_points = a.top_viewers.iter().any(|v| v.points > 0);
    let viewer_rows: Vec<BarRow> = a
        .top_viewers
        .iter()
        .map(|v| BarRow {
            label: format!("{}. {}", v.rank, v.display_name),
            note: format!(
                "{} · {}",
                plural(u64::from(v.redemptions), w.redemptions_n),
                plural(u64::from(v.grants), w.grants_n)
            ),
            value: if by_points {
                v.points
            } else {
                u64::from(v.grants)
            },
            shown: plural(v.points, w.points_n),
            key: v.login.clone(),
        })
        .collect();
    let reasons = a.refunds.len() as u64;
    view! {
        <div class="flex flex-wrap items-end justify-between gap-2">
            <div>
                <h1 class="text-2xl font-bold">{w.heading}</h1>
                <p class="text-sm text-zinc-400" id="analytics-range">
                    {range}
                </p>
            </div>
            <WindowNav current=a.days />
        </div>
        {a
            .partial
            .then(|| {
                view! {
                    <p
                        class="mt-4 rounded-lg border border-amber-700 bg-amber-950 p-3 text-sm text-amber-200"
                        role="note"
                    >
                        {w.partial}
                    </p>
                }
            })}
        <dl class="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Stat
                id="total-redemptions"
                label=w.stat_redemptions
                value=grouped(redemptions)
                note=(w
                    .stat_redemptions_note)(
                    &grouped(t.fulfilled.into()),
                    &grouped(t.refunded.into()),
                )
            />
            <Stat
                id="total-points"
                label=w.stat_points
                value=grouped(t.points_spent)
                note=(w.stat_points_note)(&plural(t.points_refunded, w.points_n))
            />
            <Stat
                id="total-refunds"
                label=w.stat_refunds
                value=grouped(t.refunded.into())
                note=plural(reasons, w.reasons_n)
            />
            <Stat
                id="active-now"
                label=w.stat_active
                value=grouped(a.active_now.into())
                note=(w.stat_active_note)(&grouped(a.active_at_start.into()))
            />
        </dl>
        <div class="mt-6 grid gap-6">
            <Card id="redemptions" heading=w.card_redemptions>
                {redemptions_chart}
            </Card>
            <Card id="points" heading=w.card_points>
                {points_chart}
            </Card>
            <Card id="active" heading=w.card_active>
                {active_chart}
            </Card>
            <div class="grid gap-6 md:grid-cols-2">
                <Card id="refunds" heading=w.card_refunds>
                    <BarList
                        id="refund-reasons"
                        label=w.refunds_label
                        rows=refund_rows
                        fill="fill-rose-400"
                        empty=w.no_refunds
                    />
                </Card>
                <Card id="viewers" heading=w.card_viewers>
                    <BarList
                        id="top-viewers"
                        label=w.viewers_label
                        rows=viewer_rows
                        fill="fill-emerald-400"
                        empty=w.no_viewers
                    />
                </Card>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn days_and_the_window_are_written_in_the_pages_language() {
        let de = &Lang::De.texts().common;
        let ja = &Lang::Ja.texts().common;
        assert_eq!(day_in_words("2026-11-06", de.day_month).unwrap(), "6. Nov.");
        assert_eq!(day_in_words("2026-03-01", ja.day_month).unwrap(), "3月1日");
        assert_eq!(day_in_words("2026-13-01", de.day_month), None);
        let a = Analytics {
            days: 2,
            range: "English".into(),
            zone: "Europe/Berlin".into(),
            series: ["2026-12-31", "2027-01-01"]
                .map(|date| DayStats {
                    date: date.into(),
                    ..DayStats::default()
                })
                .into(),
            active_at_start: 0,
            active_now: 0,
            refunds: Vec::new(),
            top_viewers: Vec::new(),
            totals: Default::default(),
            partial: false,
        };
        assert_eq!(
            range_in_words(&a, Lang::Fr.texts().common.day_month_year).unwrap(),
            "31 déc. 2026 – 1 janv. 2027 (Europe/Berlin)"
        );
        assert_eq!(
            refund_reason_code("slots_full"),
            Some(crate::model::RefundReason::SlotsFull)
        );
        assert_eq!(refund_reason_code("no_such_reason"), None);
    }
}
