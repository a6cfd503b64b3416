//! Pieces every chart shares: gridlines and scale values over the plot, day labels under it, and
//! the table of the same numbers folded away under "Show the numbers".

use leptos::prelude::*;

use super::charts_scale::{labelled_columns, HEIGHT, WIDTH};
use crate::model::grouped;

/// Column labels under the plot, positioned over their columns.
#[component]
pub fn Axis(labels: Vec<String>) -> impl IntoView {
    let n = labels.len();
    let shown = labelled_columns(n);
    view! {
        <div class="relative mt-1 h-4 text-xs text-zinc-400" aria-hidden="true">
            {shown
                .into_iter()
                .map(|i| {
                    let style = if i == 0 {
                        "left: 0".to_owned()
                    } else if i + 1 == n {
                        "right: 0".to_owned()
                    } else {
                        format!("left: calc(100% * {} / {})", 2 * i + 1, 2 * n)
                    };
                    let class = if i == 0 || i + 1 == n {
                        "absolute whitespace-nowrap"
                    } else {
                        "absolute -translate-x-1/2 whitespace-nowrap"
                    };
                    view! {
                        <span class=class style=style>
                            {labels[i].clone()}
                        </span>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The scale's top and middle values over the plot, and its gridlines.
#[component]
pub fn Scale(top: u64) -> impl IntoView {
    let mid = HEIGHT / 2;
    view! {
        <span
            class="absolute left-0 top-0 z-10 rounded bg-zinc-900/80 px-1 text-xs text-zinc-400"
            aria-hidden="true"
        >
            {grouped(top)}
        </span>
        {top
            .is_multiple_of(2)
            .then(|| {
                view! {
                    <span
                        class="absolute left-0 top-1/2 z-10 -translate-y-1/2 rounded bg-zinc-900/80 px-1 text-xs text-zinc-400"
                        aria-hidden="true"
                    >
                        {grouped(top / 2)}
                    </span>
                }
            })}
        <Gridlines mid />
    }
}

#[component]
fn Gridlines(mid: u64) -> impl IntoView {
    view! {
        <svg
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            preserveAspectRatio="none"
            class="pointer-events-none absolute inset-0 h-full w-full"
            aria-hidden="true"
        >
            {[0, mid, HEIGHT]
                .into_iter()
                .map(|y| {
                    view! {
                        <line
                            x1="0"
                            x2=WIDTH
                            y1=y
                            y2=y
                            class="stroke-zinc-800"
                            stroke-width="1"
                            vector-effect="non-scaling-stroke"
                        />
                    }
                })
                .collect_view()}
        </svg>
    }
}

/// Days and values as a table, folded away under "Show the numbers".
#[component]
pub fn NumbersTable(
    caption: String,
    labels: Vec<String>,
    columns: Vec<(&'static str, Vec<u64>)>,
) -> impl IntoView {
    let t = &crate::i18n::use_texts().analytics;
    view! {
        <details class="mt-3 text-sm">
            <summary class="cursor-pointer rounded text-violet-300 hover:text-violet-200 focus:outline-none focus:ring-2 focus:ring-violet-500">
                {t.show_numbers}
            </summary>
            <div class="mt-2 max-h-80 overflow-auto">
                <table class="w-full text-left tabular-nums">
                    <caption class="sr-only">{caption}</caption>
                    <thead class="text-zinc-400">
                        <tr>
                            <th scope="col" class="py-1 pr-4 font-medium">
                                {t.day}
                            </th>
                            {columns
                                .iter()
                                .map(|(name, _)| {
                                    view! {
                                        <th scope="col" class="py-1 pr-4 font-medium">
                                            {*name}
                                        </th>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-zinc-800">
                        {labels
                            .into_iter()
                            .enumerate()
                            .map(|(i, label)| {
                                view! {
                                    <tr>
                                        <th scope="row" class="py-1 pr-4 font-normal text-zinc-300">
                                            {label}
                                        </th>
                                        {columns
                                            .iter()
                                            .map(|(_, values)| {
                                                view! {
                                                    <td class="py-1 pr-4">
                                                        {values.get(i).copied().unwrap_or(0).to_string()}
                                                    </td>
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
