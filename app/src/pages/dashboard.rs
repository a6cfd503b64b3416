use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{LoginButton, VipList};
use crate::error::AppError;
use crate::model::Dashboard;
use crate::server_fns::get_dashboard;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Title text="Dashboard · VIP Manager" />
        <main class="mx-auto max-w-5xl px-4 py-8">
            <Suspense fallback=|| view! { <p class="text-zinc-400">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <ChannelDashboard data=d /> }.into_any(),
                        Err(AppError::Unauthorized) => {
                            #[cfg(feature = "ssr")]
                            crate::ssr::set_status(401);
                            view! {
                                <section class="mx-auto max-w-md py-16 text-center">
                                    <h1 class="text-2xl font-bold">"Log in to see your channel"</h1>
                                    <p class="mt-3 text-zinc-400">"The dashboard shows your VIPs, rewards and activity."</p>
                                    <LoginButton class="mt-6" />
                                </section>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="text-red-400" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn ChannelDashboard(data: Dashboard) -> impl IntoView {
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
    view! {
        <h1 class="text-2xl font-bold">{data.display_name.clone()}</h1>
        {data
            .needs_reauth
            .then(|| {
                view! {
                    <div role="alert" class="mt-4 rounded-lg border border-amber-600 bg-amber-950 p-4 text-amber-200">
                        "Twitch no longer accepts this app's authorisation for your channel: VIPs are not granted or removed until you "
                        <a href="/api/auth/login?force=true" rel="external" class="underline">"log in again"</a> "."
                    </div>
                }
            })}
        <section class="mt-6" aria-labelledby="vips-title">
            <h2 id="vips-title" class="mb-3 text-lg font-semibold">
                "VIPs " <span class="text-zinc-400">{format!("({count})")}</span>
            </h2>
            <VipList vips=data.vips now=now.into() />
        </section>
    }
}
