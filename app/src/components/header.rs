//! The top bar: the product name, the signed-in user's pages and logout, or a login button.

use leptos::prelude::*;

use crate::server_fns::{get_me, get_server_status};

#[component]
pub fn SiteHeader() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let status = Resource::new(|| (), |_| get_server_status());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                status
                    .await
                    .is_ok_and(|s| s.demo)
                    .then(|| {
                        view! {
                            <p
                                id="demo-banner"
                                role="note"
                                class="bg-amber-500 px-4 py-1 text-center text-sm font-medium text-zinc-950"
                            >
                                "Demo mode: a simulated Twitch with a demo streamer and viewers. Nothing here touches a real channel."
                            </p>
                        }
                    })
            })}
        </Suspense>
        <header class="border-b border-zinc-800 bg-zinc-950/80">
            <nav
                class="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3"
                aria-label="Main"
            >
                <a href="/" class="font-semibold text-violet-300">
                    "VIP Manager"
                </a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(me)) => {
                                view! {
                                    <a
                                        href="/dashboard"
                                        class="text-sm text-zinc-300 hover:text-white"
                                    >
                                        "Dashboard"
                                    </a>
                                    <a
                                        href="/activity"
                                        class="text-sm text-zinc-300 hover:text-white"
                                    >
                                        "Activity"
                                    </a>
                                    <a
                                        href="/analytics"
                                        class="text-sm text-zinc-300 hover:text-white"
                                    >
                                        "Analytics"
                                    </a>
                                    <a
                                        href="/settings"
                                        class="text-sm text-zinc-300 hover:text-white"
                                    >
                                        "Settings"
                                    </a>
                                    <a
                                        href="/account"
                                        class="text-sm text-zinc-300 hover:text-white"
                                    >
                                        "Account"
                                    </a>
                                    <span class="ml-auto text-sm text-zinc-400" id="signed-in-as">
                                        {me.display_name}
                                    </span>
                                    <form method="post" action="/api/auth/logout">
                                        <button
                                            type="submit"
                                            class="rounded-md border border-zinc-700 px-3 py-1 text-sm hover:bg-zinc-800"
                                        >
                                            "Log out"
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                            _ => view! { <LoginButton class="ml-auto" /> }.into_any(),
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

/// "Log in with Twitch": a plain link to the server's OAuth start (never a client-side route).
#[component]
pub fn LoginButton(#[prop(optional, into)] class: String) -> impl IntoView {
    view! {
        <a
            href="/api/auth/login"
            rel="external"
            class=format!(
                "{class} inline-block rounded-lg bg-violet-600 px-4 py-2 text-sm font-medium text-white hover:bg-violet-500 focus:outline-none focus:ring-2 focus:ring-violet-300",
            )
        >
            "Log in with Twitch"
        </a>
    }
}
