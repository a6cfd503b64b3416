//! Every VIP slot in view: the slots used against the capacity learned from Twitch, the actions on
//! a VIP the app does not time (protect it, or give it a deadline), and the exclusion list. Plain
//! forms posting to server functions, so they work without JavaScript.

use leptos::either::Either;
use leptos::prelude::*;

use super::fields::{CARD, INPUT, SECONDARY};
use super::local_time;
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::{DurationUnit, Roster};
use crate::server_fns::{ExcludeViewer, GiveVipDeadline, ProtectVip, ReadmitViewer};

/// The actions of this component, shared by the dashboard (which reloads when they complete).
#[derive(Clone, Copy)]
pub struct RosterActions {
    pub protect: ServerAction<ProtectVip>,
    pub deadline: ServerAction<GiveVipDeadline>,
    pub exclude: ServerAction<ExcludeViewer>,
    pub readmit: ServerAction<ReadmitViewer>,
}

impl RosterActions {
    /// Makes the actions and provides them to the components below.
    pub fn provide() -> Self {
        let actions = Self {
            protect: ServerAction::new(),
            deadline: ServerAction::new(),
            exclude: ServerAction::new(),
            readmit: ServerAction::new(),
        };
        provide_context(actions);
        actions
    }

    /// The error of the last action that failed, if the last one of its kind did.
    fn error(&self) -> Option<String> {
        fn failed<T>(r: Option<Result<T, AppError>>) -> Option<String> {
            r.and_then(|r| r.err()).map(|e| e.to_string())
        }
        failed(self.protect.value().get())
            .or_else(|| failed(self.deadline.value().get()))
            .or_else(|| failed(self.exclude.value().get()))
            .or_else(|| failed(self.readmit.value().get()))
    }
}

/// Protect (or unprotect) a VIP the app does not time, or give it a deadline.
#[component]
pub fn PermanentVipActions(viewer_id: String, name: String, protected: bool) -> impl IntoView {
    let t = use_texts();
    let text = &t.vip_slots;
    let actions = expect_context::<RosterActions>();
    let (value, label, aria) = if protected {
        ("false", text.unprotect, (text.unprotect_label)(&name))
    } else {
        ("true", text.protect, (text.protect_label)(&name))
    };
    let deadline_id = viewer_id.clone();
    let deadline = (!protected).then(move || {
        let viewer_id = deadline_id;
        let amount_id = format!("deadline-{viewer_id}");
        let aria = (text.give_deadline_label)(&name);
        view! {
            <ActionForm action=actions.deadline attr:class="flex items-center gap-1">
                <input type="hidden" name="viewer_id" value=viewer_id.clone() />
                <label for=amount_id.clone() class="sr-only">
                    {text.deadline_amount}
                </label>
                <input
                    id=amount_id.clone()
                    name="amount"
                    value="1"
                    inputmode="numeric"
                    class="w-14 rounded-md border border-zinc-700 bg-zinc-950 px-2 py-1 text-sm"
                />
                <label for=format!("{amount_id}-unit") class="sr-only">
                    {text.deadline_unit}
                </label>
                <select
                    id=format!("{amount_id}-unit")
                    name="unit"
                    class="rounded-md border border-zinc-700 bg-zinc-950 px-2 py-1 text-sm"
                >
                    {DurationUnit::ALL
                        .into_iter()
                        .map(|u| {
                            view! {
                                <option value=u.as_str() selected=u == DurationUnit::Days>
                                    {super::vip_actions::unit_name(&t.common, u)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class=SECONDARY aria-label=aria>
                    {text.give_deadline}
                </button>
            </ActionForm>
        }
    });
    view! {
        <div class="flex flex-wrap items-center gap-2">
            {protected
                .then(|| {
                    view! {
                        <span class="rounded bg-emerald-900 px-2 py-0.5 text-xs text-emerald-100">
                            {text.protected}
                        </span>
                    }
                })} <ActionForm action=actions.protect>
                <input type="hidden" name="viewer_id" value=viewer_id.clone() />
                <input type="hidden" name="protect" value=value />
                <button type="submit" class=SECONDARY aria-label=aria>
                    {label}
                </button>
            </ActionForm> {deadline}
        </div>
    }
}

/// The slots used against the capacity, and the exclusion list with its forms, from the data the
/// page read with its own (a live change refreshes the rendered panel in the browser:
/// `LiveRefresh`).
#[component]
pub fn SlotsPanel(roster: Result<Roster, AppError>) -> impl IntoView {
    let text = &use_texts().vip_slots;
    let actions = expect_context::<RosterActions>();
    view! {
        <section class=CARD aria-labelledby="slots-title" id="vip-slots">
            <h2 id="slots-title" class="text-lg font-semibold">
                {text.title}
            </h2>
            {match roster {
                Ok(r) => Either::Left(view! { <RosterView roster=r actions /> }),
                Err(e) => Either::Right(view! { <p class="text-red-300">{e.to_string()}</p> }),
            }}
            <p role="alert" class="mt-2 text-sm text-red-300">
                {move || actions.error()}
            </p>
        </section>
    }
}

#[component]
fn RosterView(roster: Roster, actions: RosterActions) -> impl IntoView {
    let text = &use_texts().vip_slots;
    let used = match roster.shown_capacity() {
        Some(capacity) => (text.used)(roster.used, capacity),
        None => (text.used_unknown)(roster.used),
    };
    let unknown = roster.capacity.is_none().then(|| {
        view! { <p class="mt-1 text-sm text-zinc-300">{text.unknown_capacity}</p> }
    });
    let meter = roster.shown_capacity().map(|capacity| {
        view! {
            <meter
                class="mt-2 h-2 w-full"
                min="0"
                max=capacity.to_string()
                value=roster.used.to_string()
                aria-label=text.title
            />
        }
    });
    let excluded = if roster.excluded.is_empty() {
        view! { <p class="text-sm text-zinc-300">{text.excluded_none}</p> }.into_any()
    } else {
        view! {
            <ul id="excluded-list" class="divide-y divide-zinc-800">
                {roster
                    .excluded
                    .into_iter()
                    .map(|e| {
                        let since = (text.excluded_since)(&local_time(e.excluded_at));
                        let label = (text.readmit_label)(&e.viewer.display_name);
                        view! {
                            <li
                                class="flex items-center justify-between gap-2 py-2"
                                data-excluded=e.viewer.login.clone()
                            >
                                <span>
                                    <span class="font-medium">{e.viewer.display_name.clone()}</span>
                                    " "
                                    <span class="text-xs text-zinc-300">{since}</span>
                                </span>
                                <ActionForm action=actions.readmit>
                                    <input type="hidden" name="viewer_id" value=e.viewer.id />
                                    <button type="submit" class=SECONDARY aria-label=label>
                                        {text.readmit}
                                    </button>
                                </ActionForm>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <p id="slots-used" class="mt-2 font-mono text-lg tabular-nums">
            {used}
        </p>
        {meter}
        {unknown}
        <h3 class="mt-4 font-semibold">{text.excluded_title}</h3>
        <p class="text-sm text-zinc-300">{text.excluded_help}</p>
        {excluded}
        <ActionForm action=actions.exclude attr:class="mt-2 flex flex-wrap items-end gap-2">
            <label class="flex flex-col gap-1 text-sm">
                {text.exclude_label}
                <input
                    id="exclude-login"
                    name="login"
                    required
                    autocomplete="off"
                    class=format!("{INPUT} w-48")
                />
            </label>
            <button type="submit" class=SECONDARY>
                {text.exclude}
            </button>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    #[test]
    fn every_language_counts_the_slots_and_names_the_viewer() {
        let en = &Lang::En.texts().vip_slots;
        assert_eq!((en.used)(3, 5), "3 of 5 used");
        assert_eq!((en.used_unknown)(0), "0 used");
        assert_eq!((en.protect_label)("Ann"), "Protect Ann");
        for lang in Lang::ALL {
            let t = &lang.texts().vip_slots;
            let used = (t.used)(3, 5);
            assert!(used.contains('3') && used.contains('5'), "{lang:?}: {used}");
            for label in [
                t.protect_label,
                t.unprotect_label,
                t.give_deadline_label,
                t.readmit_label,
            ] {
                assert!(label("Ann").contains("Ann"), "{lang:?}");
            }
        }
    }
}
