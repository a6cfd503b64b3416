use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{DurationPlanner, LoginButton, ServerStatusCard};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="VIP Manager · timed VIP for channel points" />
        <main class="mx-auto max-w-3xl px-4 py-10 sm:py-16">
            <header>
                <p class="text-sm font-semibold uppercase tracking-wide text-violet-400">
                    "Twitch VIP Manager"
                </p>
                <h1 class="mt-2 text-3xl font-bold sm:text-4xl">
                    "Sell VIP for channel points. We take it back on time."
                </h1>
                <p class="mt-4 text-zinc-300">
                    "Viewers redeem a reward, VIP is granted within moments, and removed to the second when their time is up — also after a restart. Failed grants are refunded with the reason."
                </p>
                <LoginButton class="mt-6" />
                <p class="mt-3 text-sm text-zinc-400">
                    <a
                        id="moderator-login"
                        href="/api/auth/login?as=moderator"
                        rel="external"
                        class="text-violet-300 underline hover:text-violet-200"
                    >
                        "I'm a moderator"
                    </a>
                    " — sign in without setting up a channel; Twitch asks you for no permissions."
                </p>
            </header>
            <div class="mt-10 grid gap-6 sm:grid-cols-2">
                <DurationPlanner />
                <ServerStatusCard />
            </div>
        </main>
    }
}
