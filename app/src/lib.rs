//! The VIP manager's pages, shared model and server functions, built for the server (`ssr`) and the
//! browser (`hydrate`).

// A page's view is one nested type (views are not type-erased: see the workspace's Cargo.toml),
// and the dashboard's is deeper than the compiler's default limit of 128 lets it lay out.
#![recursion_limit = "256"]

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
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

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
                <HydrationScripts options islands=true />
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
    view! {
        <Stylesheet id="leptos" href="/pkg/vip-manager.css" />
        <Title text=t.common.app_name />
        // `data-hydrated` turns true once every island of the page has hydrated (`hydrated`).
        <div id="app" data-hydrated="false">
            <Router>
                <components::SiteHeader />
                <Routes fallback=pages::NotFound>
                    // Async: every page is complete HTML without JavaScript.
                    <Route path=StaticSegment("") view=pages::HomePage ssr=SsrMode::Async />
                    <Route
                        path=StaticSegment("dashboard")
                        view=pages::DashboardPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("activity")
                        view=pages::ActivityPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("settings")
                        view=pages::SettingsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("account")
                        view=pages::AccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=StaticSegment("analytics")
                        view=pages::AnalyticsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("c"), ParamSegment("login"))
                        view=pages::PublicChannelPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Router>
        </div>
    }
}
