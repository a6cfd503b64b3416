//! The VIP manager's pages, shared model and server functions, built for the server (`ssr`) and the
//! browser (`hydrate`).

pub mod components;
pub mod error;
pub mod hydrated;
pub mod i18n;
pub mod model;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, ParamSegment, SsrMode, StaticSegment};

pub use error::{AppError, Refusal};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Negotiated once per request; `App` and the browser read the same language back.
    let lang = i18n::Lang::served();
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag() class="dark">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
                <i18n::ServedTexts />
                <components::ZoneMeta />
                <script src="/zone.js" defer nonce=leptos::nonce::use_nonce()></script>
            </head>
            <body class="min-h-screen bg-zinc-950 text-zinc-100 antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let t = i18n::use_texts();
    components::provide_zone();
    // The attribute turns true once the WASM bundle has hydrated the page (set by the browser entry).
    let hydrated = hydrated::Hydrated::from_context();
    // Each page's code is its own chunk, loaded when the page is first shown.
    let home = Lazy::<pages::HomeRoute>::new();
    let dashboard = Lazy::<pages::DashboardRoute>::new();
    let activity = Lazy::<pages::ActivityRoute>::new();
    let settings = Lazy::<pages::SettingsRoute>::new();
    let account = Lazy::<pages::AccountRoute>::new();
    let analytics = Lazy::<pages::AnalyticsRoute>::new();
    let public_channel = Lazy::<pages::PublicChannelRoute>::new();
    view! {
        <Stylesheet id="leptos" href="/pkg/vip-manager.css" />
        <Title text=t.common.app_name />
        <div id="app" data-hydrated=move || hydrated.get().to_string()>
            <Router>
                <components::SiteHeader />
                <Routes fallback=pages::NotFound>
                    // Async: every page is complete HTML without JavaScript.
                    <Route path=StaticSegment("") view=home ssr=SsrMode::Async />
                    <Route path=StaticSegment("dashboard") view=dashboard ssr=SsrMode::Async />
                    <Route path=StaticSegment("activity") view=activity ssr=SsrMode::Async />
                    <Route path=StaticSegment("settings") view=settings ssr=SsrMode::Async />
                    <Route path=StaticSegment("account") view=account ssr=SsrMode::Async />
                    <Route path=StaticSegment("analytics") view=analytics ssr=SsrMode::Async />
                    <Route
                        path=(StaticSegment("c"), ParamSegment("login"))
                        view=public_channel
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Router>
        </div>
    }
}
