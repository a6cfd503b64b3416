//! The dashboard's first-five-minutes checklist: each step with its live state and the one
//! action that fixes it, shown until every step is done; in demo mode, a button that simulates a
//! redemption through the simulated Twitch (a plain form, so it works without JavaScript).

use leptos::prelude::*;

use super::fields::{CARD, PRIMARY};
use super::local_time;
use crate::error::AppError;
use crate::i18n::keys::Texts;
use crate::i18n::use_texts;
use crate::model::{CommunityState, EventSubConnection, FirstStep, FirstSteps};

/// What a step shows, in the language of `t`: its title, what is known, and the action that fixes
/// it (words, link). Pure.
fn describe(
    t: &'static Texts,
    step: &FirstStep,
) -> (&'static str, String, Option<(&'static str, String)>) {
    let text = &t.first_steps;
    match step {
        FirstStep::Login {
            needs_reauth,
            missing,
        } => {
            let said = if *needs_reauth {
                text.login_reauth.to_owned()
            } else if missing.is_empty() {
                String::new()
            } else {
                (text.missing)(&missing.join(", "))
            };
            let fix = (text.login_fix, "/api/auth/login?force=true".to_owned());
            (text.login, said, Some(fix))
        }
        FirstStep::Reward { rewards, enabled } => {
            let said = match (rewards, enabled) {
                (0, _) => text.reward_none.to_owned(),
                (_, 0) => text.reward_off.to_owned(),
                (all, on) => (text.rewards)(*on, *all),
            };
            (
                text.reward,
                said,
                Some((text.reward_fix, "/settings".to_owned())),
            )
        }
        FirstStep::EventSub {
            connection,
            transport,
            subscriptions,
            enabled,
        } => {
            let said = connection.as_ref().map_or_else(
                || text.eventsub_none.to_owned(),
                |c| {
                    (text.eventsub_state)(
                        connection_label(t, c),
                        transport,
                        *enabled,
                        *subscriptions,
                    )
                },
            );
            (
                text.eventsub,
                said,
                Some((text.eventsub_fix, "/account".to_owned())),
            )
        }
        FirstStep::Chat { enabled, missing } => {
            let said = if !enabled {
                text.chat_off.to_owned()
            } else if missing.is_empty() {
                String::new()
            } else {
                (text.missing)(&missing.join(", "))
            };
            let fix = if *enabled && !missing.is_empty() {
                (text.login_fix, "/api/auth/login?force=true".to_owned())
            } else {
                (text.chat_fix, "/settings".to_owned())
            };
            (text.chat, said, Some(fix))
        }
        FirstStep::BuildACommunity { state } => {
            let said = match state {
                CommunityState::Done => text.community_done.to_owned(),
                CommunityState::Required(at) => (text.community_required)(&local_time(*at)),
                CommunityState::Unknown => text.community_unknown.to_owned(),
            };
            let fix = matches!(state, CommunityState::Required(_)).then(|| {
                (
                    text.community_fix,
                    "https://dashboard.twitch.tv/".to_owned(),
                )
            });
            (text.community, said, fix)
        }
    }
}

/// The connection's state in the words of the account page.
fn connection_label(t: &Texts, connection: &EventSubConnection) -> &'static str {
    let a = &t.account;
    match connection {
        EventSubConnection::Connecting => a.conn_connecting,
        EventSubConnection::Connected => a.conn_connected,
        EventSubConnection::Reconnecting => a.conn_reconnecting,
        EventSubConnection::Failed(_) => a.conn_failed,
        EventSubConnection::NeedsReauth => a.needs_reauth,
        EventSubConnection::Standby => a.conn_standby,
    }
}

/// The checklist (until every step is done) and, in demo mode, the simulate button, from the
/// data the page read with its own (a live change refreshes the rendered checklist in the browser:
/// `LiveRefresh`). Without its data the card is left out: the rest of the page still serves.
#[component]
pub fn FirstStepsCard(data: Result<FirstSteps, AppError>) -> impl IntoView {
    data.ok().map(|list| view! { <Checklist list /> })
}

#[component]
fn Checklist(list: FirstSteps) -> impl IntoView {
    let t = use_texts();
    let text = &t.first_steps;
    let can_simulate = list
        .steps
        .iter()
        .any(|s| matches!(s, FirstStep::Reward { enabled, .. } if *enabled > 0));
    let simulate = list.demo.then(|| view! { <Simulate can_simulate /> });
    let steps = (!list.all_done()).then(|| {
        let items = list
            .steps
            .iter()
            .map(|step| {
                let (title, said, fix) = describe(t, step);
                let done = step.done();
                let (badge, class) = match done {
                    Some(true) => (text.done, "bg-emerald-900 text-emerald-100"),
                    Some(false) => (text.todo, "bg-amber-900 text-amber-100"),
                    None => (text.unknown, "bg-zinc-800 text-zinc-100"),
                };
                let fix = fix.filter(|_| done != Some(true)).map(|(words, href)| {
                    let external = href.starts_with("http");
                    view! {
                        <a
                            href=href
                            class="text-sm text-violet-300 underline"
                            rel=if external { "external noopener" } else { "external" }
                        >
                            {words}
                        </a>
                    }
                });
                view! {
                    <li
                        class="flex flex-wrap items-start gap-x-3 gap-y-1 py-2"
                        data-done=done.map(|d| d.to_string()).unwrap_or_default()
                    >
                        <span class=format!("rounded px-2 py-0.5 text-xs {class}")>{badge}</span>
                        <div class="min-w-0 flex-1">
                            <p class="font-medium">{title}</p>
                            <p class="text-sm text-zinc-300">{said}</p>
                            {fix}
                        </div>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section
                class=format!("{CARD} mt-6")
                aria-labelledby="first-steps-title"
                id="first-steps"
            >
                <h2 id="first-steps-title" class="text-lg font-semibold">
                    {text.title}
                </h2>
                <p class="text-sm text-zinc-300">{text.intro}</p>
                <ol class="mt-2 divide-y divide-zinc-800">{items}</ol>
            </section>
        }
    });
    view! {
        {steps}
        {simulate}
    }
}

#[component]
fn Simulate(can_simulate: bool) -> impl IntoView {
    let text = &use_texts().first_steps;
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="simulate-title" id="simulate">
            <h2 id="simulate-title" class="text-lg font-semibold">
                {text.simulate_title}
            </h2>
            {if can_simulate {
                view! {
                    <form
                        method="post"
                        action="/api/demo/redeem"
                        class="mt-2 flex flex-wrap items-center gap-3"
                    >
                        <button type="submit" id="simulate-redemption" class=PRIMARY>
                            {text.simulate}
                        </button>
                        <p class="text-sm text-zinc-300">{text.simulate_help}</p>
                    </form>
                }
                    .into_any()
            } else {
                view! { <p class="mt-2 text-sm text-zinc-300">{text.simulate_needs_reward}</p> }
                    .into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn each_step_is_described_in_the_language_served() {
        let en = Lang::En.texts();
        let eventsub = FirstStep::EventSub {
            connection: Some(EventSubConnection::Connected),
            transport: "websocket".into(),
            subscriptions: 4,
            enabled: 3,
        };
        let (title, said, fix) = describe(en, &eventsub);
        assert_eq!(title, "Twitch's events reach the app (EventSub)");
        assert_eq!(
            said,
            "connected over websocket; 3 of 4 subscriptions enabled."
        );
        assert_eq!(fix, Some(("See the connection", "/account".to_owned())));
        let rewards = FirstStep::Reward {
            rewards: 2,
            enabled: 1,
        };
        assert_eq!(describe(en, &rewards).1, "1 of 2 switched on.");

        let de = Lang::De.texts();
        let (title, said, _) = describe(de, &eventsub);
        assert_eq!(title, de.first_steps.eventsub);
        assert_eq!(
            said, "verbunden über websocket; 3 von 4 Abonnements aktiv.",
            "the connection's state is translated too"
        );
        assert_eq!(describe(de, &rewards).1, "1 von 2 aktiv.");
    }
}
