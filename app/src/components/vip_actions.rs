//! Forms that change VIPs. They are plain HTML forms posting to server functions; each post lands
//! back at its result (`server_fns::landing`).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;
use crate::i18n::keys::{Common, Errors};
use crate::model::{DurationUnit, STREAM_END};
use crate::server_fns::{ExtendVip, GrantVip, RevokeVip};

const FIELD: &str = "rounded-lg border border-zinc-700 bg-zinc-950 px-3 py-2";

fn describe<T>(
    t: &Errors,
    result: Option<Result<T, AppError>>,
    ok: impl Fn(T) -> String,
) -> String {
    match result {
        Some(Ok(v)) => ok(v),
        Some(Err(e)) => e.in_language(t),
        None => String::new(),
    }
}

/// A duration unit's name in the served language (the form still posts `u.as_str()`).
pub(super) fn unit_name(t: &Common, unit: DurationUnit) -> &'static str {
    match unit {
        DurationUnit::Minutes => t.minutes,
        DurationUnit::Hours => t.hours,
        DurationUnit::Days => t.days,
    }
}

/// The grant form; `granted` says what the grant posted just before this page did.
#[component]
pub fn GrantForm(action: ServerAction<GrantVip>, granted: Option<String>) -> impl IntoView {
    let texts = crate::i18n::use_texts();
    let result = move || match action.value().get() {
        None => granted.clone().unwrap_or_default(),
        posted => describe(&texts.errors, posted, |msg| msg),
    };
    let failed = move || matches!(action.value().get(), Some(Err(_)));
    let t = &texts.dashboard;
    view! {
        <section
            class="rounded-xl border border-zinc-800 bg-zinc-900 p-4"
            aria-labelledby="grant-title"
        >
            <h2 id="grant-title" class="text-lg font-semibold">
                {t.grant_heading}
            </h2>
            <ActionForm action=action>
                <div class="mt-3 flex flex-wrap items-end gap-2">
                    <label class="flex flex-col gap-1 text-sm">
                        {t.viewer}
                        <input
                            name="login"
                            id="grant-login"
                            class=FIELD
                            required
                            autocomplete="off"
                            placeholder=t.viewer_placeholder
                        />
                    </label>
                    <label class="flex flex-col gap-1 text-sm">
                        {t.duration_for}
                        <input
                            name="amount"
                            id="grant-amount"
                            class=format!("{FIELD} w-20")
                            value="1"
                            inputmode="numeric"
                        />
                    </label>
                    <label class="flex flex-col gap-1 text-sm">
                        <span class="sr-only">{t.unit}</span>
                        <select name="unit" id="grant-unit" class=FIELD>
                            {DurationUnit::ALL
                                .into_iter()
                                .map(|u| {
                                    view! {
                                        <option value=u.as_str() selected=u == DurationUnit::Hours>
                                            {unit_name(&texts.common, u)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                            <option value=STREAM_END>{t.until_stream_end_option}</option>
                        </select>
                    </label>
                    <button
                        type="submit"
                        class="rounded-lg bg-violet-600 px-4 py-2 font-medium hover:bg-violet-500 focus:outline-none focus:ring-2 focus:ring-violet-300"
                    >
                        {t.grant_button}
                    </button>
                </div>
            </ActionForm>
            <p
                id="grant-result"
                role="status"
                class="mt-2 text-sm"
                class:text-red-400=failed
                class:text-emerald-400=move || !failed()
            >
                {result}
            </p>
        </section>
    }
}

/// Extend by one hour, or revoke, one VIP the app granted.
///
/// One plain form a row rather than `ActionForm`s: the list is rendered on the server only (outside
/// any island), where an `ActionForm`'s submit handler and signals are never used, and the list
/// repeats this markup once a VIP. The form posts to extend; the revoke button posts the same fields
/// to revoke instead (`formaction`), which reads only `viewer_id`. The actions' results are still
/// read from `extend` and `revoke` by [`RowActionErrors`]. The classes are in `style/main.css`.
#[component]
pub fn VipRowActions(viewer_id: String) -> impl IntoView {
    let t = &crate::i18n::use_texts().dashboard;
    view! {
        <form class="vip-actions" action=ExtendVip::url() method="post">
            <input type="hidden" name="viewer_id" value=viewer_id />
            <input type="hidden" name="amount" value="1" />
            <input type="hidden" name="unit" value="hours" />
            <button type="submit" class="row-button">
                {t.extend_button}
            </button>
            <button type="submit" class="row-button text-red-300" formaction=RevokeVip::url()>
                {t.revoke_button}
            </button>
        </form>
    }
}

/// The outcome of the last extend or revoke, when it failed.
#[component]
pub fn RowActionErrors(
    extend: ServerAction<ExtendVip>,
    revoke: ServerAction<RevokeVip>,
) -> impl IntoView {
    let t = &crate::i18n::use_texts().errors;
    let error = move || {
        [
            describe(t, extend.value().get(), |()| String::new()),
            describe(t, revoke.value().get(), |()| String::new()),
        ]
        .into_iter()
        .find(|m| !m.is_empty())
    };
    view! {
        <p role="alert" class="mt-2 text-sm text-red-400">
            {error}
        </p>
    }
}
