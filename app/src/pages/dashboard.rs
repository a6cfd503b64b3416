use futures_util::future::join3;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    Countdowns, FirstStepsCard, GrantForm, LiveRefresh, PageError, RosterActions, RowActionErrors,
    SlotsPanel, VipList,
};
use crate::error::AppError;
use crate::model::{Dashboard, FirstSteps, Roster};
use crate::server_fns::{
    get_dashboard, get_first_steps, get_roster, ExtendVip, GrantVip, RevokeVip,
};

/// What live events refresh: the first steps, the VIPs, the slots (not the grant form, which may be
/// half typed).
const REGIONS: [&str; 3] = ["dashboard-first-steps", "dashboard-vips", "dashboard-slots"];

/// The data of the panels beside the VIP list, read with the page's own.
struct Panels {
    first_steps: Result<FirstSteps, AppError>,
    roster: Result<Roster, AppError>,
}

/// The actions of the dashboard, shared by its forms.
#[derive(Clone, Copy)]
struct Actions {
    grant: ServerAction<GrantVip>,
    extend: ServerAction<ExtendVip>,
    revoke: ServerAction<RevokeVip>,
}

/// Rendered on the server only (outside every island): its three reads are awaited together, in
/// place, with no resource or suspense boundary around them (those exist to load and hydrate in a
/// browser, which never runs this; and inside a boundary, a `Suspend` still pending is dropped).
/// In the browser, live events refresh the VIPs, the slots and the first steps (`LiveRefresh`),
/// `Countdowns` ticks the times left, and the forms post as plain forms.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let actions = Actions {
        grant: ServerAction::new(),
        extend: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    RosterActions::provide();
    let t = crate::i18n::use_texts();
    view! {
        <Title text=t.dashboard.title />
        <main class="mx-auto max-w-5xl px-4 py-8">
            {Suspend::new(async move {
                let (data, first_steps, roster) = join3(
                        get_dashboard(),
                        get_first_steps(),
                        get_roster(),
                    )
                    .await;
                match data {
                    Ok(d) => {
                        let panels = Panels { first_steps, roster };
                        view! { <ChannelDashboard data=d actions panels /> }.into_any()
                    }
                    Err(error) => {
                        let (what, pitch) = (t.dashboard.what, t.dashboard.pitch);
                        view! { <PageError error what pitch /> }.into_any()
                    }
                }
            })}
        </main>
    }
}

#[component]
fn ChannelDashboard(data: Dashboard, actions: Actions, panels: Panels) -> impl IntoView {
    let now = data.now;
    let count = data.vips.len();
    let granted = data.just_granted.clone();
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
        <div id=REGIONS[0]>
            <FirstStepsCard data=panels.first_steps />
        </div>
        <div class="mt-6 grid gap-6 lg:grid-cols-[2fr_1fr]">
            <section aria-labelledby="vips-title" id=REGIONS[1]>
                <h2 id="vips-title" class="mb-3 text-lg font-semibold">
                    {t.vips_heading}
                    <span class="text-zinc-400">{format!("({count})")}</span>
                </h2>
                <VipList vips=data.vips now />
                <RowActionErrors extend=actions.extend revoke=actions.revoke />
            </section>
            <div class="flex flex-col gap-6">
                <GrantForm action=actions.grant granted />
                <div id=REGIONS[2]>
                    <SlotsPanel roster=panels.roster />
                </div>
            </div>
        </div>
        <LiveRefresh regions=REGIONS.map(str::to_owned).to_vec() />
        <Countdowns now_ms=now.timestamp_millis() />
    }
}
