use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    first_steps_resource, roster_resource, use_live_updates, FirstStepsCard, FirstStepsResource,
    GrantForm, PageError, RosterActions, RosterResource, RowActionErrors, SlotsPanel, VipList,
};
use crate::model::Dashboard;
use crate::server_fns::{get_dashboard, ExtendVip, GrantVip, RevokeVip};

/// The data of the dashboard's panels that load on their own.
#[derive(Clone, Copy)]
struct Panels {
    first_steps: FirstStepsResource,
    roster: RosterResource,
}

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
    // The panels' own data belongs to the page: the dashboard below is made anew on every reload.
    let panels = Panels {
        first_steps: first_steps_resource(live),
        roster: roster_resource(roster, live),
    };
    let t = crate::i18n::use_texts();
    view! {
        <Title text=t.dashboard.title />
        <main class="mx-auto max-w-5xl px-4 py-8">
            <Transition fallback=|| {
                view! { <p class="text-zinc-400">{t.common.loading}</p> }
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <ChannelDashboard data=d actions panels /> }.into_any(),
                        Err(error) => {
                            let (what, pitch) = (t.dashboard.what, t.dashboard.pitch);
                            view! { <PageError error what pitch /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn ChannelDashboard(data: Dashboard, actions: Actions, panels: Panels) -> impl IntoView {
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
    let t = &crate::i18n::use_texts().dashboard;
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
                        {t.reauth_before}
                        <a href="/api/auth/login?force=true" rel="external" class="underline">
                            {t.reauth_link}
                        </a>
                        {t.reauth_after}
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
                        {t.scopes_before}
                        <span class="break-words font-mono text-sm">{scopes}</span>
                        {t.scopes_middle_open}
                        <a href="/api/auth/login?force=true" rel="external" class="underline">
                            {t.scopes_reauth}
                        </a>
                        {t.scopes_middle}
                        <a href="/account" class="underline">
                            {t.scopes_account}
                        </a>
                        {t.scopes_after}
                    </div>
                }
            })}
        <FirstStepsCard data=panels.first_steps />
        <div class="mt-6 grid gap-6 lg:grid-cols-[2fr_1fr]">
            <section aria-labelledby="vips-title">
                <h2 id="vips-title" class="mb-3 text-lg font-semibold">
                    {t.vips_heading}
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
                <SlotsPanel roster=panels.roster />
            </div>
        </div>
    }
}
