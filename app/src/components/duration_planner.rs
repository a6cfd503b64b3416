//! Lets a streamer try out VIP durations: type an amount and a unit, or pick a preset.

use leptos::prelude::*;

use crate::model::{DurationUnit, VipDuration};

const PRESETS: [(&str, DurationUnit); 4] = [
    ("30", DurationUnit::Minutes),
    ("1", DurationUnit::Hours),
    ("1", DurationUnit::Days),
    ("7", DurationUnit::Days),
];

#[component]
pub fn DurationPlanner() -> impl IntoView {
    let amount = RwSignal::new(String::from("2"));
    let unit = RwSignal::new(DurationUnit::Hours);
    let parsed = Memo::new(move |_| VipDuration::from_amount(&amount.get(), unit.get()));

    view! {
        <section class="rounded-xl border border-zinc-800 bg-zinc-900 p-5" aria-labelledby="planner-title">
            <h2 id="planner-title" class="text-lg font-semibold">"How long should VIP last?"</h2>
            <div class="mt-4 flex flex-wrap gap-2">
                {PRESETS
                    .into_iter()
                    .map(|(n, u)| {
                        let label = format!("{n} {}", u.as_str());
                        view! {
                            <button
                                type="button"
                                class="rounded-lg bg-zinc-800 px-3 py-2 text-sm hover:bg-zinc-700 focus:outline-none focus:ring-2 focus:ring-violet-500"
                                on:click=move |_| {
                                    amount.set(n.to_owned());
                                    unit.set(u);
                                }
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="mt-4 flex gap-2">
                <label class="sr-only" for="planner-amount">"Amount"</label>
                <input
                    id="planner-amount"
                    class="w-24 rounded-lg border border-zinc-700 bg-zinc-950 px-3 py-2"
                    inputmode="numeric"
                    prop:value=amount
                    on:input=move |ev| amount.set(event_target_value(&ev))
                />
                <label class="sr-only" for="planner-unit">"Unit"</label>
                <select
                    id="planner-unit"
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
                                    {u.as_str()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <p id="planner-result" class="mt-4 text-zinc-300" aria-live="polite">
                {move || match parsed.get() {
                    Ok(d) => format!("VIP for {d} ({} seconds)", d.as_secs()),
                    Err(e) => e.to_string(),
                }}
            </p>
        </section>
    }
}
