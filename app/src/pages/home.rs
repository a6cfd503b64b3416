use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{DurationPlanner, LoginButton, ServerStatusCard};

#[component]
pub fn HomePage() -> impl IntoView {
    let t = &crate::i18n::use_texts().home;
    view! {
        <Title text=t.title />
        <main class="mx-auto max-w-3xl px-4 py-10 sm:py-16">
            <header>
                <p class="text-sm font-semibold uppercase tracking-wide text-violet-400">
                    {t.kicker}
                </p>
                <h1 class="mt-2 text-3xl font-bold sm:text-4xl">{t.headline}</h1>
                <p class="mt-4 text-zinc-300">{t.pitch}</p>
                <LoginButton class="mt-6" />
                <p class="mt-3 text-sm text-zinc-400">
                    <a
                        id="moderator-login"
                        href="/api/auth/login?as=moderator"
                        rel="external"
                        class="text-violet-300 underline hover:text-violet-200"
                    >
                        {t.moderator_link}
                    </a>
                    {t.moderator_note}
                </p>
            </header>
            <div class="mt-10 grid gap-6 sm:grid-cols-2">
                <DurationPlanner />
                {view! { <ServerStatusCard /> }.into_any()}
            </div>
        </main>
    }
}
