//! Lets a streamer try out VIP durations: type an amount and a unit, or pick a preset.
//! Without JavaScript it is a GET form the server answers; hydrated, the preview is live.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::model::{DurationUnit, VipDuration};

/// (query value, label)
const PRESETS: [&str; 4] = ["30m", "1h", "1d", "7d"];

/// A preset's label in the served language.
fn preset_label(t: &crate::i18n::keys::Home, preset: &str) -> &'static str {
    match preset {
        "30m" => t.preset_30m,
        "1h" => t.preset_1h,
        "1d" => t.preset_1d,
        _ => t.preset_7d,
    }
}

/// `"30m"` → (`"30"`, minutes).
fn parse_preset(preset: &str) -> Option<(String, DurationUnit)> {
    let split = preset.find(|c: char| !c.is_ascii_digit())?;
    let (amount, unit) = preset.split_at(split);
    Some((amount.to_owned(), unit.parse().ok()?))
}

/// The planner, started from the query the server was asked with (a preset, or an amount and a
/// unit); the rest is an island.
#[component]
pub fn DurationPlanner() -> impl IntoView {
    let (amount, unit) = use_query_map().with_untracked(|q| {
        q.get("preset")
            .and_then(|p| parse_preset(&p))
            .unwrap_or_else(|| {
                (
                    q.get("amount").unwrap_or_else(|| "2".into()),
                    q.get("unit")
                        .and_then(|u| u.parse().ok())
                        .unwrap_or(DurationUnit::Hours),
                )
            })
    });
    // Erased: the island's whole view in the page's type is too deep for the compiler.
    view! { <PlannerIsland amount unit /> }.into_any()
}

#[island(lazy)]
fn PlannerIsland(amount: String, unit: DurationUnit) -> impl IntoView {
    crate::hydrated::island_ready();
    let amount = RwSignal::new(amount);
    let unit = RwSignal::new(unit);
    let parsed = Memo::new(move |_| VipDuration::from_amount(&amount.get(), unit.get()));
    let texts = crate::i18n::use_texts();
    let t = &texts.home;

    view! {
        <form
            method="get"
            action="/"
            class="rounded-xl border border-zinc-800 bg-zinc-900 p-5"
            aria-labelledby="planner-title"
            on:submit=|ev| ev.prevent_default()
        >
            <h2 id="planner-title" class="text-lg font-semibold">
                {t.planner_title}
            </h2>
            <div class="mt-4 flex flex-wrap gap-2">
                {PRESETS
                    .into_iter()
                    .map(|value| {
                        view! {
                            <button
                                type="submit"
                                name="preset"
                                value=value
                                class="rounded-lg bg-zinc-800 px-3 py-2 text-sm hover:bg-zinc-700 focus:outline-none focus:ring-2 focus:ring-violet-500"
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    if let Some((n, u)) = parse_preset(value) {
                                        amount.set(n);
                                        unit.set(u);
                                    }
                                }
                            >
                                {preset_label(t, value)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="mt-4 flex flex-wrap gap-2">
                <label class="sr-only" for="planner-amount">
                    {t.amount}
                </label>
                <input
                    id="planner-amount"
                    name="amount"
                    class="w-24 rounded-lg border border-zinc-700 bg-zinc-950 px-3 py-2"
                    inputmode="numeric"
                    value=amount.get_untracked()
                    prop:value=amount
                    on:input=move |ev| amount.set(event_target_value(&ev))
                />
                <label class="sr-only" for="planner-unit">
                    {texts.dashboard.unit}
                </label>
                <select
                    id="planner-unit"
                    name="unit"
                    class="rounded-lg border border-zinc-700 bg-zinc-950 px-3 py-2"
                    on:change=move |ev| {
                        if let Ok(u) = event_target_value(&ev).parse() {
                            unit.set(u);
                        }
                    }
                >
                    {DurationUnit::ALL
                        .into_iter()
                        .map(|u| {
                            view! {
                                <option value=u.as_str() selected=move || unit.get() == u>
                                    {super::vip_actions::unit_name(&texts.common, u)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button
                    type="submit"
                    class="rounded-lg border border-zinc-700 px-3 py-2 text-sm hover:bg-zinc-800"
                >
                    {t.preview}
                </button>
            </div>
            <p id="planner-result" class="mt-4 text-zinc-300" aria-live="polite">
                {move || match parsed.get() {
                    Ok(d) => (t.planner_result)(&d.to_string(), d.as_secs()),
                    Err(e) => (t.duration_error)(&e),
                }}
            </p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_into_amount_and_unit() {
        assert_eq!(
            parse_preset("30m"),
            Some(("30".into(), DurationUnit::Minutes))
        );
        assert_eq!(parse_preset("7d"), Some(("7".into(), DurationUnit::Days)));
        assert_eq!(parse_preset("7"), None);
        assert_eq!(parse_preset("7w"), None);
        for value in PRESETS {
            assert!(parse_preset(value).is_some(), "{value}");
        }
    }
}
