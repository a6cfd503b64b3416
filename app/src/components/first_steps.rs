//! The dashboard's first-five-minutes checklist: each step with its live state and the one
//! action that fixes it, shown until every step is done; in demo mode, a button that simulates a
//! redemption through the simulated Twitch (a plain form, so it works without JavaScript).

use leptos::prelude::*;

use super::fields::{CARD, PRIMARY};
use crate::model::{format_time, CommunityState, FirstStep, FirstSteps};
use crate::server_fns::get_first_steps;

/// Every word this component shows, in one place.
mod text {
    pub const TITLE: &str = "First steps";
    pub const INTRO: &str = "What the app needs before viewers can buy VIP. This list goes away once every step is done.";
    pub const DONE: &str = "done";
    pub const TODO: &str = "to do";
    pub const UNKNOWN: &str = "not known yet";
    pub const LOGIN: &str = "Logged in with every permission the app needs";
    pub const LOGIN_REAUTH: &str = "Twitch no longer accepts the app's authorisation.";
    pub const LOGIN_FIX: &str = "Log in again";
    pub const REWARD: &str = "A VIP reward made by this app, switched on";
    pub const REWARD_NONE: &str = "No reward yet.";
    pub const REWARD_OFF: &str = "Every reward is switched off.";
    pub const REWARD_FIX: &str = "Create or switch on a reward";
    pub const EVENTSUB: &str = "Twitch's events reach the app (EventSub)";
    pub const EVENTSUB_NONE: &str = "This server is not watching the channel.";
    pub const EVENTSUB_FIX: &str = "See the connection";
    pub const CHAT: &str = "Chat messages set up";
    pub const CHAT_OFF: &str = "Chat messages are off.";
    pub const CHAT_FIX: &str = "Chat settings";
    pub const COMMUNITY: &str = "Twitch's Build a Community achievement (needed to add VIPs)";
    pub const COMMUNITY_DONE: &str = "Twitch has added VIPs for the app.";
    pub const COMMUNITY_UNKNOWN: &str =
        "Known after the first VIP: Twitch says so only when it refuses one.";
    pub const COMMUNITY_FIX: &str = "Finish it on Twitch: Creator Dashboard, Achievements";
    pub const SIMULATE_TITLE: &str = "Demo";
    pub const SIMULATE: &str = "Simulate a redemption";
    pub const SIMULATE_HELP: &str =
        "A demo viewer redeems your reward on the simulated Twitch; it arrives through EventSub like a real one.";
    pub const SIMULATE_NEEDS_REWARD: &str = "Create a reward first to simulate a redemption.";
    pub fn missing(scopes: &str) -> String {
        format!("Missing: {scopes}.")
    }
    pub fn rewards(enabled: usize, all: usize) -> String {
        format!("{enabled} of {all} switched on.")
    }
    pub fn eventsub(state: &str, transport: &str, enabled: usize, all: usize) -> String {
        format!("{state} over {transport}; {enabled} of {all} subscriptions enabled.")
    }
    pub fn community_required(at: &str) -> String {
        format!("Twitch refused a VIP with 425 (Build a Community not done) at {at}.")
    }
}

/// What a step shows: its title, what is known, and the action that fixes it (words, link).
fn describe(step: &FirstStep) -> (&'static str, String, Option<(&'static str, String)>) {
    match step {
        FirstStep::Login {
            needs_reauth,
            missing,
        } => {
            let said = if *needs_reauth {
                text::LOGIN_REAUTH.to_owned()
            } else if missing.is_empty() {
                String::new()
            } else {
                text::missing(&missing.join(", "))
            };
            let fix = (text::LOGIN_FIX, "/api/auth/login?force=true".to_owned());
            (text::LOGIN, said, Some(fix))
        }
        FirstStep::Reward { rewards, enabled } => {
            let said = match (rewards, enabled) {
                (0, _) => text::REWARD_NONE.to_owned(),
                (_, 0) => text::REWARD_OFF.to_owned(),
                (all, on) => text::rewards(*on, *all),
            };
            (
                text::REWARD,
                said,
                Some((text::REWARD_FIX, "/settings".to_owned())),
            )
        }
        FirstStep::EventSub {
            connection,
            transport,
            subscriptions,
            enabled,
        } => {
            let said = connection.as_ref().map_or_else(
                || text::EVENTSUB_NONE.to_owned(),
                |c| text::eventsub(c.label(), transport, *enabled, *subscriptions),
            );
            (
                text::EVENTSUB,
                said,
                Some((text::EVENTSUB_FIX, "/account".to_owned())),
            )
        }
        FirstStep::Chat { enabled, missing } => {
            let said = if !enabled {
                text::CHAT_OFF.to_owned()
            } else if missing.is_empty() {
                String::new()
            } else {
                text::missing(&missing.join(", "))
            };
            let fix = if *enabled && !missing.is_empty() {
                (text::LOGIN_FIX, "/api/auth/login?force=true".to_owned())
            } else {
                (text::CHAT_FIX, "/settings".to_owned())
            };
            (text::CHAT, said, Some(fix))
        }
        FirstStep::BuildACommunity { state } => {
            let said = match state {
                CommunityState::Done => text::COMMUNITY_DONE.to_owned(),
                CommunityState::Required(at) => text::community_required(&format_time(*at)),
                CommunityState::Unknown => text::COMMUNITY_UNKNOWN.to_owned(),
            };
            let fix = matches!(state, CommunityState::Required(_)).then(|| {
                (
                    text::COMMUNITY_FIX,
                    "https://dashboard.twitch.tv/".to_owned(),
                )
            });
            (text::COMMUNITY, said, fix)
        }
    }
}

/// The checklist (until every step is done) and, in demo mode, the simulate button.
#[component]
pub fn FirstStepsCard(live: ReadSignal<u32>) -> impl IntoView {
    let data = Resource::new(move || live.get(), |_| get_first_steps());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <Checklist list /> }.into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Checklist(list: FirstSteps) -> impl IntoView {
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
                let (title, said, fix) = describe(step);
                let done = step.done();
                let (badge, class) = match done {
                    Some(true) => (text::DONE, "bg-emerald-900 text-emerald-100"),
                    Some(false) => (text::TODO, "bg-amber-900 text-amber-100"),
                    None => (text::UNKNOWN, "bg-zinc-800 text-zinc-100"),
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
                    {text::TITLE}
                </h2>
                <p class="text-sm text-zinc-300">{text::INTRO}</p>
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
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="simulate-title" id="simulate">
            <h2 id="simulate-title" class="text-lg font-semibold">
                {text::SIMULATE_TITLE}
            </h2>
            {if can_simulate {
                view! {
                    <form
                        method="post"
                        action="/api/demo/redeem"
                        class="mt-2 flex flex-wrap items-center gap-3"
                    >
                        <button type="submit" id="simulate-redemption" class=PRIMARY>
                            {text::SIMULATE}
                        </button>
                        <p class="text-sm text-zinc-300">{text::SIMULATE_HELP}</p>
                    </form>
                }
                    .into_any()
            } else {
                view! { <p class="mt-2 text-sm text-zinc-300">{text::SIMULATE_NEEDS_REWARD}</p> }
                    .into_any()
            }}
        </section>
    }
}
