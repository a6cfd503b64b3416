//! The HTTP surface: pages and server functions (Leptos), login, and the JSON API under `/api`.

pub(crate) mod account;
mod api;
pub mod auth;
pub mod bot;
mod health;
mod health_probe;
mod moderator_login;
mod oauth_state;
mod page_compression;
mod time_limit;

pub use health_probe::HealthProbe;

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use app::ssr::ServerContext;
use std::time::Duration;

use axum::extract::{FromRef, MatchedPath};
use axum::handler::Handler;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{
    generate_route_list_with_exclusions_and_ssg_and_context, AxumRouteListing, LeptosRoutes,
};
use tower::Layer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tower_http::CompressionLevel;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

use crate::demo::{self, Demo};
use crate::eventsub::supervisor::EventSubSupervisor;
use crate::eventsub::webhook::WebhookState;
use crate::expiry::{self, CronEndpoint};
use crate::live::{self, StreamState};
use crate::store::LoginSessions;

/// How long a login lasts without a visit.
const LOGIN_IDLE_DAYS: i64 = 30;

/// State shared by every handler, behind one reference count: axum hands each request its own
/// copy, and Leptos keeps one more in every page's context, so a copy must cost one increment (a
/// field-by-field copy was 2.5 % of a dashboard page's CPU).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Shared {
    pub leptos: LeptosOptions,
    pub ctx: ServerContext,
    pub auth: auth::Auth,
    pub eventsub: EventSubSupervisor,
    pub cron: CronEndpoint,
    pub live: StreamState,
    /// The cached store probe `/api/health` answers from.
    pub health: HealthProbe,
}

/// `State<T>` for each part of [`AppState`] that a handler or Leptos extracts.
macro_rules! parts_from_state {
    ($($field:ident: $part:ty),* $(,)?) => {$(
        impl FromRef<AppState> for $part {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        }
    )*};
}

parts_from_state!(
    leptos: LeptosOptions,
    ctx: ServerContext,
    auth: auth::Auth,
    eventsub: EventSubSupervisor,
    cron: CronEndpoint,
    live: StreamState,
    health: HealthProbe,
);

/// Everything the router is built from.
pub struct Parts {
    pub state: AppState,
    pub sessions: LoginSessions,
    /// Cookies only over HTTPS.
    pub secure_cookies: bool,
    pub demo: Option<Demo>,
    /// The EventSub webhook receiver, when that transport is configured.
    pub webhook: Option<WebhookState>,
    /// Every request but the live stream is answered 503 after this long.
    pub request_timeout: Duration,
}

/// The app's page routes, walked once per process.
///
/// Walking the routes renders the app with resource loading switched off by a process-wide flag:
/// a resource first polled by a request on another server in the same process during the walk
/// would never load. Walking once, before any router exists, keeps every later request clear of it.
/// The walk is marked ([`app::ssr::ListingRoutes`]) so that the pages' server functions, which find
/// no server context outside a request, do not log that as an error.
pub fn page_routes() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let marked = || leptos::prelude::provide_context(app::ssr::ListingRoutes);
        generate_route_list_with_exclusions_and_ssg_and_context(app::App, None, marked).0
    })
}

pub fn router(parts: Parts) -> Router {
    let Parts {
        state,
        sessions,
        secure_cookies,
        demo,
        webhook,
        request_timeout,
    } = parts;
    let routes = page_routes().to_vec();
    let ctx = state.ctx.clone();
    let ctx_for_demo = state.ctx.clone();
    let leptos = state.leptos.clone();
    // What every rendered page reads from the Leptos context.
    let page_context = move || {
        crate::security::provide_nonce();
        app::ssr::zone::provide_viewer_zone();
        provide_context(ctx.clone());
        app::ssr::page_reads::provide();
    };
    let sessions = SessionManagerLayer::new(sessions)
        .with_name(crate::security::session_cookie(secure_cookies))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(LOGIN_IDLE_DAYS)));
    let mut router = Router::new()
        .route("/api/health", get(health::health))
        .route("/api/auth/login", get(auth::login))
        .route("/api/auth/callback", get(auth::callback))
        .route("/api/auth/bot", get(bot::connect))
        .route("/api/chat-bot", get(bot::status))
        .route("/api/auth/logout", post(auth::logout))
        .route("/api/auth/logout-everywhere", post(auth::logout_everywhere))
        .route(
            "/api/cron/remove-expired-vips",
            post(expiry::cron_remove_expired),
        )
        .merge(api::router())
        .route("/overlay/{secret}", get(crate::overlay::page))
        .route("/overlay.js", get(crate::overlay::script))
        .route("/overlay.css", get(crate::overlay::style))
        .leptos_routes_with_context(&state, routes, page_context.clone(), move || {
            app::shell(leptos.clone())
        })
        // The 404 page has the same header as every page: who is signed in comes from the context.
        // Static files (the WASM bundle above all) are compressed at the default quality, with
        // brotli for every browser that takes it (the bundle's budget is in brotli): they are
        // large, and a browser caches them.
        .fallback_service(CompressionLayer::new().no_zstd().layer(Handler::with_state(
            leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                page_context,
                app::shell,
            ),
            state.clone(),
        )))
        .with_state(state.clone());
    if let Some(webhook) = webhook {
        router = router.merge(crate::eventsub::webhook::router(webhook));
    }
    if let Some(demo) = demo {
        router = router.nest(demo::MOUNT, demo.router());
        router = router.merge(api::demo::router(demo, ctx_for_demo));
    }
    // The live stream is the one response meant to stay open: it is added after the time limit.
    let live_stream = Router::new()
        .route("/api/ws", get(live::stream))
        .route("/overlay/{secret}/events", get(live::overlay_stream))
        .with_state(state);
    router
        .layer(from_fn_with_state(request_timeout, time_limit::time_limit))
        .merge(live_stream)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                // A failed request is logged where it failed, with its context: the layer's own
                // line would only repeat it (and count twice in Error Reporting).
                .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
        )
        .layer(sessions)
        // Pages are compressed whole, by encoders each thread keeps (see the module).
        .layer(axum::middleware::from_fn(page_compression::compress))
        // Every other answer is made anew for each request too, and may stream (the audit log's
        // CSV), so it is compressed as it goes at the fastest level (brotli 4 spent more time than
        // rendering the dashboard), with the same choice as pages: zstd, else gzip, never brotli.
        // An answer compressed above is left alone.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .no_br(),
        )
}

/// One span per request, named by its route (`/overlay/{secret}`, never the secret itself) and
/// without the query string, which can hold an OAuth code.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unrouted)", MatchedPath::as_str);
    tracing::debug_span!("request", method = %request.method(), route)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn page_routes_are_walked_once_per_process() {
        let runtime = tokio::runtime::Handle::current();
        let first = std::thread::spawn(move || {
            let _entered = runtime.enter();
            page_routes().as_ptr() as usize
        });
        let second = page_routes().as_ptr() as usize;
        assert_eq!(first.join().unwrap(), second);
        assert!(page_routes().iter().any(|r| r.path() == "/c/{login}"));
    }
}
