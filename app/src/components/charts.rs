//! Charts drawn as plain SVG: columns per day (stacked when there are several series) and a step
//! line. Every coordinate is an integer in the `viewBox`, so the browser formats no floats; the SVG
//! stretches to the card's width and carries no text (axis labels are HTML, readable at any width).
//! Each chart has a `<title>` and `<desc>`, a `<title>` per column for pointer users, and a
//! `<details>` table with the same numbers for keyboard and screen-reader users.

use leptos::prelude::*;

use super::charts_parts::{Axis, NumbersTable, Scale};
use super::charts_scale::{bar_height, nice_ceiling, slot, step_path, HEIGHT};

/// One series of a column chart.
#[derive(Clone)]
pub struct Series {
    /// For the legend and the table.
    pub name: &'static str,
    /// Tailwind fill class of its columns, e.g. `fill-violet-500`.
    pub fill: &'static str,
    /// Tailwind background class of its legend swatch, e.g. `bg-violet-500`.
    pub swatch: &'static str,
    /// One value per column.
    pub values: Vec<u64>,
}

/// Columns per day, stacked when there are several series, with a legend and a table.
#[component]
pub fn ColumnChart(
    /// Element id of the chart (its title and description ids derive from it).
    id: &'static str,
    /// The SVG's accessible name.
    #[prop(into)]
    title: String,
    /// One sentence with the totals, for the SVG's description.
    #[prop(into)]
    summary: String,
    /// Full day labels (`2026-03-04`), one per column: column tooltips and the table.
    dates: Vec<String>,
    /// Short day labels (`4 Mar`) for the axis.
    labels: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let n = dates.len();
    let totals: Vec<u64> = (0..n)
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let top = nice_ceiling(totals.iter().copied().max().unwrap_or(0));
    let w = slot(n);
    let gap = if w >= 8 { w / 8 } else { 0 };
    let columns = (0..n)
        .map(|i| {
            let x = w * u64::try_from(i).unwrap_or(0) + gap;
            let mut base = HEIGHT;
            let parts: Vec<String> = series
                .iter()
                .map(|s| {
                    let v = s.values.get(i).copied().unwrap_or(0);
                    format!("{v} {}", s.name.to_lowercase())
                })
                .collect();
            let tooltip = format!("{}: {}", dates[i], parts.join(", "));
            let rects = series
                .iter()
                .map(|s| {
                    let h = bar_height(s.values.get(i).copied().unwrap_or(0), top);
                    base -= h.min(base);
                    (h > 0).then(|| {
                        view! { <rect x=x y=base width=w - 2 * gap height=h class=s.fill /> }
                    })
                })
                .collect_view();
            view! {
                <g>
                    <title>{tooltip}</title>
                    // A full-height target so the tooltip shows over empty days too.
                    <rect
                        x=w * u64::try_from(i).unwrap_or(0)
                        y="0"
                        width=w
                        height=HEIGHT
                        fill="transparent"
                    />
                    {rects}
                </g>
            }
        })
        .collect_view();
    let legend = (series.len() > 1).then(|| {
        view! {
            <ul
                class="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-300"
                aria-hidden="true"
            >
                {series
                    .iter()
                    .map(|s| {
                        view! {
                            <li class="flex items-center gap-1">
                                <span class=format!(
                                    "inline-block h-2.5 w-2.5 rounded-sm {}",
                                    s.swatch,
                                )></span>
                                {s.name}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    let mut table: Vec<(&'static str, Vec<u64>)> =
        series.iter().map(|s| (s.name, s.values.clone())).collect();
    if series.len() > 1 {
        table.push((crate::i18n::use_texts().analytics.total, totals));
    }
    view! {
        <ChartFrame id title=title.clone() summary top width=w * slots(n)>
            {columns}
        </ChartFrame>
        <Axis labels />
        {legend}
        <NumbersTable caption=title labels=dates columns=table />
    }
}

/// A count over time as a step line (its value at each day's end) over faint columns (each day's
/// peak), with a table.
#[component]
pub fn StepChart(
    id: &'static str,
    #[prop(into)] title: String,
    #[prop(into)] summary: String,
    dates: Vec<String>,
    labels: Vec<String>,
    /// The value at the end of each day.
    ends: Vec<u64>,
    /// The highest value during each day.
    peaks: Vec<u64>,
) -> impl IntoView {
    let n = dates.len();
    let top = nice_ceiling(peaks.iter().chain(&ends).copied().max().unwrap_or(0));
    let w = slot(n);
    let path = step_path(&ends, w, top);
    let area = format!("{path} V{HEIGHT} H0 Z");
    let t = &crate::i18n::use_texts().analytics;
    let peak_columns = peaks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = w * u64::try_from(i).unwrap_or(0);
            let tooltip = (t.step_tooltip)(&dates[i], ends.get(i).copied().unwrap_or(0), *p);
            let h = bar_height(*p, top);
            let peak = (h > 0).then(|| {
                view! { <rect x=x y=HEIGHT - h width=w height=h class="fill-sky-400/15" /> }
            });
            view! {
                <g>
                    <title>{tooltip}</title>
                    <rect x=x y="0" width=w height=HEIGHT fill="transparent" />
                    {peak}
                </g>
            }
        })
        .collect_view();
    view! {
        // The line's stroke may stand over the frame's edge at the top.
        <ChartFrame id title=title.clone() summary top width=w * slots(n) overflow_visible=true>
            {peak_columns}
            <path d=area class="fill-sky-400/10" />
            <path
                d=path
                class="fill-none stroke-sky-300"
                stroke-width="2"
                vector-effect="non-scaling-stroke"
            />
        </ChartFrame>
        <Axis labels />
        <ul class="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-300" aria-hidden="true">
            <li class="flex items-center gap-1">
                <span class="inline-block h-0.5 w-3 bg-sky-300"></span>
                {t.end_of_day}
            </li>
            <li class="flex items-center gap-1">
                <span class="inline-block h-2.5 w-2.5 rounded-sm bg-sky-400/30"></span>
                {t.peak_of_day}
            </li>
        </ul>
        <NumbersTable
            caption=title
            labels=dates
            columns=vec![(t.at_days_end, ends), (t.peak, peaks)]
        />
    }
}

/// The frame both charts share: the scale over the plot, and an SVG `width` wide in the `viewBox`
/// with its accessible name (`{id}-title`) and description (`{id}-desc`) around the chart's body.
#[component]
fn ChartFrame(
    id: &'static str,
    title: String,
    summary: String,
    /// The scale's top value.
    top: u64,
    width: u64,
    /// Lets the body draw over the SVG's edges.
    #[prop(optional)]
    overflow_visible: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="relative">
            <Scale top />
            <svg
                id=id
                viewBox=format!("0 0 {width} {HEIGHT}")
                preserveAspectRatio="none"
                overflow=overflow_visible.then_some("visible")
                class="relative block h-40 w-full sm:h-48"
                role="img"
                aria-labelledby=format!("{id}-title")
                aria-describedby=format!("{id}-desc")
            >
                <title id=format!("{id}-title")>{title}</title>
                <desc id=format!("{id}-desc")>{summary}</desc>
                {children()}
            </svg>
        </div>
    }
}

/// How many column slots the `viewBox` holds for `n` days (at least one, so it is never empty).
fn slots(n: usize) -> u64 {
    u64::try_from(n.max(1)).unwrap_or(1)
}
