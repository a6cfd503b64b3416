use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    use_live_updates, FirstStepsCard, GrantForm, PageError, RosterActions, RowActionErrors,
    SlotsPanel, VipList,
};
use crate::model::Dashboard;
use crate::server_fns::{get_dashboard, ExtendVip, GrantVip, RevokeVip};

/// The actions of the dashboard, shared by its forms.
#[derive(Clone, Copy)]
struct Actions {
    grant: ServerAction<GrantVip>,
    extend: ServerAction<ExtendVip>,
    revoke: ServerAction<RevokeVip>,
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let actions = Actions {
        grant: ServerAction::new(),
        extend: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    let live = use_live_updates();
    let roster = RosterActions::provide();
    // Reload after every change made here or reported live.
    let data = Resource::new(
        move || {
            (
                actions.grant.version().get(),
                actions.extend.version().get(),
                actions.revoke.version().get(),
                live.get(),
                roster.version(),
            )
        },
        |_| get_dashboard(),
    );
    view! {
        <Title text="Dashboard · VIP Manager" />
        <main class="mx-auto max-w-5xl px-4 py-8">
            <Transition fallback=|| {
                view! { <p class="text-zinc-400">"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <ChannelDashboard data=d actions live /> }.into_any(),
                        Err(error) => {
                            let pitch = "The dashboard shows your VIPs, rewards and activity.";
                            view! { <PageError error what="channel" pitch /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn ChannelDashboard(data: Dashboard, actions: Actions, live: ReadSignal<u32>) -> impl IntoView {
    // Countdowns run on the server's clock: the offset to the browser's clock is fixed at load.
    let offset = data.now - Utc::now();
    let now = RwSignal::new(data.now);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || now.set(Utc::now() + offset),
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    let count = data.vips.len();
    // A dead authorisation says more than a missing scope: one banner at a time.
    let missing = (!data.needs_reauth && !data.missing_scopes.is_empty())
        .then(|| data.missing_scopes.join(", "));
    view! {
        <h1 class="text-2xl font-bold">{data.display_name.clone()}</h1>
        {data
            .needs_reauth
            .then(|| {
                view! {
                    <div
                        role="alert"
                        class="mt-4 rounded-lg border border-amber-600 bg-amber-950 p-4 text-amber-200"
                    >
                        "Twitch no longer accepts this app's authorisation for your channel: VIPs are not granted or removed until you "
                        <a href="/api/auth/login?force=true" rel="external" class="underline">
                            "log in again"
                        </a>
                        "."
                    </div>
                }
            })}
        {missing
            .map(|scopes| {
                view! {
                    <div
                        id="scope-banner"
                        role="alert"
                        class="mt-4 rounded-lg border border-amber-600 bg-amber-950 p-4 text-amber-200"
                    >
                        "Twitch has not granted every permission your settings need (missing: "
                        <span class="break-words font-mono text-sm">{scopes}</span>
                        "). "
                        <a href="/api/auth/login?force=true" rel="external" class="underline">
                            "Re-authorise with Twitch"
                        </a>
                        " to grant them; "
                        <a href="/account" class="underline">
                            "your account"
                        </a>
                        " says what each is for."
                    </div>
                }
            })}
        <FirstStepsCard live />
        <div class="mt-6 grid gap-6 lg:grid-cols-[2fr_1fr]">
            <section aria-labelledby="vips-title">
                <h2 id="vips-title" class="mb-3 text-lg font-semibold">
                    "VIPs "
                    <span class="text-zinc-400">{format!("({count})")}</span>
                </h2>
                <VipList
                    vips=data.vips
                    now=now.into()
                    extend=actions.extend
                    revoke=actions.revoke
                />
                <RowActionErrors extend=actions.extend revoke=actions.revoke />
            </section>
            <div class="flex flex-col gap-6">
                <GrantForm action=actions.grant />
                <SlotsPanel live />
            </div>
        </div>
    }
}
