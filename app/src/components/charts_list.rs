//! A ranked list with a horizontal SVG bar per row: the label and the number are text (read by
//! screen readers and at any width), the bar is decoration sized against the largest value.

use leptos::either::Either;
use leptos::prelude::*;

/// One row of a [`BarList`].
#[derive(Clone)]
pub struct BarRow {
    /// Left of the bar, e.g. a reason or a viewer's name.
    pub label: String,
    /// Under the label, smaller (may be empty).
    pub note: String,
    /// Sizes the bar.
    pub value: u64,
    /// The number shown, e.g. `3` or `1,200 points`.
    pub shown: String,
    /// `data-key` of the row, for tests and styling.
    pub key: String,
}

/// The bar's length out of 100 for `value` against the largest `max`; at least 1 when non-zero.
pub fn bar_length(value: u64, max: u64) -> u64 {
    if value == 0 || max == 0 {
        return 0;
    }
    let len = (value as f64 * 100.0 / max as f64) as u64;
    len.clamp(1, 100)
}

/// Rows with a bar each, largest value setting the full length.
#[component]
pub fn BarList(
    id: &'static str,
    /// The list's accessible name.
    #[prop(into)]
    label: String,
    rows: Vec<BarRow>,
    /// Tailwind fill class of the bars.
    fill: &'static str,
    /// Shown instead of an empty list.
    #[prop(into)]
    empty: String,
) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(view! {
            <p
                id=id
                class="rounded-lg border border-dashed border-zinc-700 p-4 text-center text-sm text-zinc-400"
            >
                {empty}
            </p>
        });
    }
    let max = rows.iter().map(|r| r.value).max().unwrap_or(0);
    Either::Right(view! {
        <ol id=id aria-label=label class="space-y-3">
            {rows
                .into_iter()
                .map(|row| {
                    let len = bar_length(row.value, max);
                    let note = (!row.note.is_empty())
                        .then(|| {
                            view! { <span class="block text-xs text-zinc-400">{row.note}</span> }
                        });
                    view! {
                        <li data-key=row.key>
                            <div class="flex items-baseline justify-between gap-3 text-sm">
                                <span class="min-w-0 break-words">{row.label} {note}</span>
                                <span class="shrink-0 font-medium tabular-nums text-zinc-100">
                                    {row.shown}
                                </span>
                            </div>
                            <svg
                                viewBox="0 0 100 4"
                                preserveAspectRatio="none"
                                class="mt-1 block h-2 w-full"
                                aria-hidden="true"
                            >
                                <rect
                                    x="0"
                                    y="0"
                                    width="100"
                                    height="4"
                                    rx="1"
                                    class="fill-zinc-800"
                                />
                                <rect x="0" y="0" width=len height="4" rx="1" class=fill />
                            </svg>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_a_share_of_the_largest_and_never_vanish() {
        assert_eq!(bar_length(50, 100), 50);
        assert_eq!(bar_length(100, 100), 100);
        assert_eq!(bar_length(1, 1_000), 1);
        assert_eq!(bar_length(0, 1_000), 0);
        assert_eq!(bar_length(u64::MAX, u64::MAX), 100);
    }
}
