//! The public viewer page (`/c/{login}`): who is VIP on a channel right now and how long each has
//! left, for anyone, without a login — only when the streamer turned the page on. Names and time left
//! only; no actions, ids or who-granted.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::{set_http_status, PageError};
use crate::error::AppError;
use crate::model::{format_remaining, PublicChannel};
use crate::server_fns::get_public_channel;

/// How often an open page asks again (viewers come and go; there is no live stream for strangers).
const REFRESH: std::time::Duration = std::time::Duration::from_secs(30);

/// The page: the channel read from the path on the server, the rest an island.
#[component]
pub fn PublicChannelPage() -> impl IntoView {
    let login = use_params_map().with_untracked(|p| p.get("login").unwrap_or_default());
    view! { <PublicChannelIsland login /> }
}

#[island(lazy)]
fn PublicChannelIsland(login: String) -> impl IntoView {
    crate::hydrated::island_ready();
    let login = Signal::stored(login);
    let refresh = RwSignal::new(0_u32);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(move || refresh.update(|n| *n += 1), REFRESH);
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    let data = Resource::new(
        move || (login.get(), refresh.get()),
        |(login, _)| get_public_channel(login),
    );
    let texts = crate::i18n::use_texts();
    let t = &texts.public;
    view! {
        <main class="mx-auto max-w-2xl px-4 py-8">
            <Transition fallback=|| {
                view! { <p class="text-zinc-400">{texts.common.loading}</p> }
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(channel) => view! { <PublicVips channel /> }.into_any(),
                        Err(AppError::NotFound) => {
                            set_http_status(404);
                            view! {
                                <Title text=t.not_public_title />
                                <section class="py-16 text-center">
                                    <h1 class="text-2xl font-bold">{t.not_public_heading}</h1>
                                    <p class="mt-3 text-zinc-400">
                                        {format!("{}{}", login.get_untracked(), t.not_public_text)}
                                    </p>
                                </section>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <PageError error what=texts.errors.what_vip_list /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn PublicVips(channel: PublicChannel) -> impl IntoView {
    // Countdowns run on the server's clock: the offset to the browser's clock is fixed at load.
    let offset = channel.now - Utc::now();
    let now = RwSignal::new(channel.now);
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
    let texts = crate::i18n::use_texts();
    let t = &texts.public;
    let title = (t.title)(&channel.display_name);
    let count = channel.vips.len();
    let list = if channel.vips.is_empty() {
        view! {
            <p
                id="no-vips"
                class="mt-6 rounded-xl border border-dashed border-zinc-700 p-6 text-center text-zinc-400"
            >
                {t.nobody}
            </p>
        }
        .into_any()
    } else {
        view! {
            <ul
                id="public-vips"
                aria-label=t.list_label
                class="mt-6 divide-y divide-zinc-800 rounded-xl border border-zinc-800 bg-zinc-900"
            >
                {channel
                    .vips
                    .into_iter()
                    .map(move |vip| {
                        let expires_at = vip.expires_at;
                        let stream_end = vip.until_stream_end;
                        let left = move || match expires_at {
                            Some(at) => {
                                format_remaining(
                                    u64::try_from((at - now.get()).num_seconds()).unwrap_or(0),
                                )
                            }
                            None if stream_end => texts.dashboard.until_stream_ends.into(),
                            None => t.no_end.into(),
                        };
                        view! {
                            <li class="flex items-center justify-between gap-4 px-4 py-3">
                                <span class="min-w-0 truncate font-medium">{vip.display_name}</span>
                                <span
                                    class="font-mono text-lg tabular-nums"
                                    class:text-zinc-400=expires_at.is_none()
                                    aria-label=texts.dashboard.time_left
                                >
                                    {left}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=title />
        <p class="text-sm font-semibold uppercase tracking-wide text-violet-400">{t.kicker}</p>
        <h1 class="mt-1 text-2xl font-bold">{channel.display_name}</h1>
        {(count > 0)
            .then(|| {
                view! { <p class="mt-2 text-zinc-400">{(t.count)(count)}</p> }
            })}
        {list}
    }
}
