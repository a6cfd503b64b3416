//! Form building blocks of the settings page: labelled inputs, duration pickers, checkboxes, the
//! outcome line of an action and the page-level error view. Plain HTML underneath, so every form
//! that uses them works without JavaScript.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{split_duration, DurationUnit, VipDuration, STREAM_END};

/// Text inputs, selects and text areas.
pub const INPUT: &str = "w-full rounded-lg border border-zinc-700 bg-zinc-950 px-3 py-2 text-zinc-100 focus:border-violet-500 focus:outline-none focus:ring-2 focus:ring-violet-500/40";
/// The main button of a form.
pub const PRIMARY: &str = "rounded-lg bg-violet-600 px-4 py-2 font-medium text-white hover:bg-violet-500 focus:outline-none focus:ring-2 focus:ring-violet-300";
/// Small secondary buttons.
pub const SECONDARY: &str = "rounded-md border border-zinc-700 px-3 py-1.5 text-sm hover:bg-zinc-800 focus:outline-none focus:ring-2 focus:ring-violet-500";
/// A bordered group of fields.
pub const CARD: &str = "rounded-xl border border-zinc-800 bg-zinc-900 p-4";

/// An amount and a unit, labelled as a group.
#[component]
pub fn DurationFields(
    /// Form names of the amount and the unit, e.g. `form[default_amount]`, `form[default_unit]`.
    names: (&'static str, &'static str),
    /// The id the amount input gets (the unit gets `{id}-unit`).
    #[prop(into)]
    id: String,
    label: &'static str,
    value: Option<VipDuration>,
    /// Offers "until the stream ends" (unit `stream_end`) too; `Some(true)`: it is chosen.
    #[prop(optional)]
    stream_end: Option<bool>,
) -> AnyView {
    let (amount, unit) = value.map_or((String::new(), DurationUnit::Hours), |d| {
        let (n, u) = split_duration(d);
        (n.to_string(), u)
    });
    let until_end = stream_end == Some(true);
    let texts = crate::i18n::use_texts();
    view! {
        <div role="group" aria-labelledby=format!("{id}-label") class="flex flex-col gap-1 text-sm">
            <span id=format!("{id}-label") class="text-zinc-300">
                {label}
            </span>
            <div class="flex gap-2">
                <input
                    id=id.clone()
                    name=names.0
                    class=format!("{INPUT} w-24")
                    inputmode="numeric"
                    aria-label=(texts.settings.amount_of)(label)
                    value=amount
                />
                <select
                    id=format!("{id}-unit")
                    name=names.1
                    class=format!("{INPUT} w-32")
                    aria-label=(texts.settings.unit_of)(label)
                >
                    {DurationUnit::ALL
                        .into_iter()
                        .map(|u| {
                            view! {
                                <option value=u.as_str() selected=!until_end && u == unit>
                                    {super::vip_actions::unit_name(&texts.common, u)}
                                </option>
                            }
                        })
                        .collect_view()}
                    {stream_end
                        .map(|chosen| {
                            view! {
                                <option value=STREAM_END selected=chosen>
                                    {texts.common.until_stream_end}
                                </option>
                            }
                        })}
                </select>
            </div>
        </div>
    }
    .into_any()
}

/// A checkbox with its label and an optional line of explanation.
#[component]
pub fn Checkbox(
    name: &'static str,
    #[prop(into)] id: String,
    label: &'static str,
    checked: bool,
    #[prop(optional)] hint: &'static str,
) -> AnyView {
    view! {
        <div class="flex items-start gap-3">
            <input
                type="checkbox"
                id=id.clone()
                name=name
                checked=checked
                class="mt-1 h-4 w-4 shrink-0 accent-violet-500"
                aria-describedby=(!hint.is_empty()).then(|| format!("{id}-hint"))
            />
            <div class="text-sm">
                <label for=id.clone() class="font-medium">
                    {label}
                </label>
                {(!hint.is_empty())
                    .then(|| {
                        view! {
                            <p id=format!("{id}-hint") class="text-zinc-400">
                                {hint}
                            </p>
                        }
                    })}
            </div>
        </div>
    }
    .into_any()
}

/// The outcome of an action as text: `Ok` with `ok` once it succeeded, `Err` with its error.
pub fn outcome<T: 'static>(
    value: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    ok: &'static str,
) -> Signal<Option<Result<String, String>>> {
    let t = &crate::i18n::use_texts().errors;
    Signal::derive(move || value().map(|r| r.map(|_| ok.to_owned()).map_err(|e| e.in_language(t))))
}

/// The line that reports an [`outcome`]: errors in red, success in green.
#[component]
pub fn ActionResult(
    #[prop(into)] outcome: Signal<Option<Result<String, String>>>,
    id: &'static str,
) -> AnyView {
    let failed = move || outcome.with(|v| matches!(v, Some(Err(_))));
    let text = move || match outcome.get() {
        Some(Ok(t) | Err(t)) => t,
        None => String::new(),
    };
    view! {
        <p
            id=id
            role="status"
            aria-live="polite"
            class="min-h-5 text-sm"
            class:text-red-400=failed
            class:text-emerald-400=move || !failed()
        >
            {text}
        </p>
    }
    .into_any()
}
