//! The settings page's OBS overlay: make the overlay's URL (shown once, to paste into an OBS
//! browser source), make a new one (the old one stops working) or revoke it. Both are plain forms
//! posted to their server functions, which send the browser back to the page (the new URL rides
//! along in a one-time cookie): the same with and without JavaScript, and no form code in the
//! WASM bundle. Every word is in the language served ([`crate::i18n::keys::OverlayLinkTexts`]).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::fields::{CARD, INPUT, PRIMARY, SECONDARY};
use super::local_time;
use crate::model::OverlayLink;
use crate::server_fns::{get_overlay_link, MakeOverlayUrl, RevokeOverlayUrl};

#[component]
fn NewUrl(url: String) -> AnyView {
    let text = &crate::i18n::use_texts().overlay_link;
    view! {
        <div
            id="new-overlay-url"
            role="status"
            class="mt-4 rounded-xl border border-emerald-700 bg-emerald-950 p-4"
        >
            <label for="new-overlay-url-value" class="block text-sm font-medium text-emerald-200">
                {text.new_url}
            </label>
            <input
                id="new-overlay-url-value"
                readonly
                value=url
                class=format!("{INPUT} mt-2 font-mono text-sm")
                on:focus:target=|ev| ev.target().select()
            />
        </div>
    }
    .into_any()
}

#[component]
fn OverlayForms(link: OverlayLink) -> AnyView {
    let text = &crate::i18n::use_texts().overlay_link;
    let fresh = link.new_path.map(|url| view! { <NewUrl url /> });
    let state = match link.created_at {
        Some(at) => format!("{} {}.", text.since, local_time(at)),
        None => text.none.to_owned(),
    };
    let exists = link.created_at.is_some();
    view! {
        {fresh}
        <div class=format!("{CARD} mt-4 space-y-3")>
            <p id="overlay-state" class="text-sm text-zinc-300">
                {state}
            </p>
            <div class="flex flex-wrap gap-3">
                <form method="post" action=MakeOverlayUrl::PATH id="overlay-make">
                    <button type="submit" class=PRIMARY>
                        {if exists { text.make_new } else { text.make }}
                    </button>
                </form>
                {exists
                    .then(|| {
                        view! {
                            <form method="post" action=RevokeOverlayUrl::PATH id="overlay-revoke">
                                <button type="submit" class=format!("{SECONDARY} text-red-300")>
                                    {text.revoke}
                                </button>
                            </form>
                        }
                    })}
            </div>
        </div>
    }
    .into_any()
}

/// The section, with its own data: shown to a streamer, nothing otherwise.
#[component]
pub fn OverlaySection() -> impl IntoView {
    let text = &crate::i18n::use_texts().overlay_link;
    let link = Resource::new(|| (), |()| get_overlay_link());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                link.await
                    .ok()
                    .map(|link| {
                        view! {
                            <section aria-labelledby="overlay-title" class="mt-10">
                                <h2 id="overlay-title" class="text-xl font-semibold">
                                    {text.title}
                                </h2>
                                <p class="mt-1 text-sm text-zinc-400">{text.intro}</p>
                                <p class="mt-1 text-xs text-zinc-400 break-words">{text.options}</p>
                                <OverlayForms link />
                            </section>
                        }
                    })
            })}
        </Transition>
    }
}
