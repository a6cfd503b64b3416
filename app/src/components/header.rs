//! The top bar: the product name, the signed-in user's pages and logout, or a login button.

use futures_util::future::join;
use leptos::either::Either;
use leptos::prelude::*;

use leptos_router::hooks::use_location;

use crate::i18n::{use_texts, Lang, LANG_QUERY};
use crate::server_fns::{get_me, get_server_status};

#[component]
pub fn SiteHeader() -> impl IntoView {
    let t = use_texts();
    // Rendered on the server only (outside every island): both reads are awaited together, in
    // place, with no resource or suspense boundary (those exist to load and hydrate in a browser,
    // which never runs this). It must stay outside every boundary: inside one, a `Suspend` still
    // pending when it is rendered is dropped, not awaited.
    Suspend::new(async move {
        let (me, status) = join(get_me(), get_server_status()).await;
        let h = &t.header;
        let pages = [
            ("/dashboard", h.dashboard),
            ("/activity", h.activity),
            ("/analytics", h.analytics),
            ("/settings", h.settings),
            ("/account", h.account),
        ];
        let signed_in = match me {
            Ok(Some(me)) => Either::Left(view! {
                {pages
                    .map(|(href, label)| {
                        view! {
                            <a href=href class="text-sm text-zinc-300 hover:text-white">
                                {label}
                            </a>
                        }
                    })}
                <span class="ml-auto text-sm text-zinc-400" id="signed-in-as">
                    {me.display_name}
                </span>
                <form method="post" action="/api/auth/logout">
                    <button
                        type="submit"
                        class="rounded-md border border-zinc-700 px-3 py-1 text-sm hover:bg-zinc-800"
                    >
                        {t.header.log_out}
                    </button>
                </form>
            }),
            _ => Either::Right(view! { <LoginButton class="ml-auto" /> }),
        };
        view! {
            {status
                .is_ok_and(|s| s.demo)
                .then(|| {
                    view! {
                        <p
                            id="demo-banner"
                            role="note"
                            class="bg-amber-500 px-4 py-1 text-center text-sm font-medium text-zinc-950"
                        >
                            {t.header.demo_banner}
                        </p>
                    }
                })}
            <header class="border-b border-zinc-800 bg-zinc-950/80">
                <nav
                    class="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3"
                    aria-label=t.header.main_nav
                >
                    <a href="/" class="font-semibold text-violet-300">
                        {t.common.app_name}
                    </a>
                    {signed_in}
                    <LanguageSwitcher />
                </nav>
            </header>
        }
    })
}

/// "Log in with Twitch": a plain link to the server's OAuth start (never a client-side route).
#[component]
pub fn LoginButton(#[prop(optional, into)] class: String) -> impl IntoView {
    let t = use_texts();
    view! {
        <a
            href="/api/auth/login"
            rel="external"
            class=format!(
                "{class} inline-block rounded-lg bg-violet-600 px-4 py-2 text-sm font-medium text-white hover:bg-violet-500 focus:outline-none focus:ring-2 focus:ring-violet-300",
            )
        >
            {t.header.log_in}
        </a>
    }
}

/// The languages, as links to this same page with `?lang=`: the server renders the page in that
/// language and remembers it in a cookie. Plain links that reload the page (`rel="external"`), so
/// the switcher works without JavaScript and hydration always meets the language it was served.
#[component]
fn LanguageSwitcher() -> impl IntoView {
    let current = Lang::served();
    let t = current.texts();
    let location = use_location();
    let href = move |lang: Lang| {
        let mut query = location.query.get();
        query.replace(LANG_QUERY, lang.tag().to_owned());
        format!("{}{}", location.pathname.get(), query.to_query_string())
    };
    view! {
        <details id="language-switcher" class="relative text-sm">
            <summary
                class="cursor-pointer list-none rounded-md border border-zinc-700 px-2 py-1 text-zinc-300 hover:bg-zinc-800"
                title=t.header.language
            >
                <span class="sr-only">{format!("{}: ", t.header.language)}</span>
                {current.name()}
            </summary>
            <ul
                class="absolute right-0 z-10 mt-1 min-w-44 rounded-md border border-zinc-700 bg-zinc-900 py-1 shadow-lg"
                aria-label=t.header.language
            >
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        view! {
                            <li>
                                <a
                                    href=move || href(lang)
                                    rel="external"
                                    hreflang=lang.tag()
                                    lang=lang.tag()
                                    data-lang=lang.tag()
                                    aria-current=(lang == current).then_some("true")
                                    class="block px-3 py-1 text-zinc-200 hover:bg-zinc-800"
                                >
                                    {lang.name()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
    // Erased: the app's view type stays within the compiler's depth limit without `erase_components`.
    .into_any()
}
