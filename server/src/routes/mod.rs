//! The HTTP surface: pages and server functions (Leptos), login, and the JSON API under `/api`.

mod account;
mod api;
pub mod auth;
mod health;

use app::ssr::ServerContext;
use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::demo::{self, Demo};
use crate::eventsub::supervisor::EventSubSupervisor;
use crate::eventsub::webhook::WebhookState;
use crate::expiry::{self, CronEndpoint};
use crate::live::{self, SseState};
use crate::store::LoginSessions;

/// How long a login lasts without a visit.
const LOGIN_IDLE_DAYS: i64 = 30;

/// State shared by every handler.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub ctx: ServerContext,
    pub auth: auth::Auth,
    pub eventsub: EventSubSupervisor,
    pub cron: CronEndpoint,
    pub live: SseState,
}

/// Everything the router is built from.
pub struct Parts {
    pub state: AppState,
    pub sessions: LoginSessions,
    /// Cookies only over HTTPS.
    pub secure_cookies: bool,
    pub demo: Option<Demo>,
    /// The EventSub webhook receiver, when that transport is configured.
    pub webhook: Option<WebhookState>,
}

pub fn router(parts: Parts) -> Router {
    let Parts {
        state,
        sessions,
        secure_cookies,
        demo,
        webhook,
    } = parts;
    let routes = generate_route_list(app::App);
    let ctx = state.ctx.clone();
    let leptos = state.leptos.clone();
    let account: std::sync::Arc<dyn app::ssr::account::AccountStatus> = std::sync::Arc::new(
        account::SupervisorAccountStatus::new(state.auth.tokens.clone(), state.eventsub.clone()),
    );
    let sessions = SessionManagerLayer::new(sessions)
        .with_name("vip_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(LOGIN_IDLE_DAYS)));
    let mut router = Router::new()
        .route("/api/health", get(health::health))
        .route("/api/auth/login", get(auth::login))
        .route("/api/auth/callback", get(auth::callback))
        .route("/api/auth/logout", post(auth::logout))
        .route("/api/ws", get(live::stream))
        .route(
            "/api/cron/remove-expired-vips",
            post(expiry::cron_remove_expired),
        )
        .merge(api::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ctx.clone());
                provide_context(account.clone());
            },
            move || app::shell(leptos.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .with_state(state);
    if let Some(webhook) = webhook {
        router = router.merge(crate::eventsub::webhook::router(webhook));
    }
    if let Some(demo) = demo {
        router = router.nest(demo::MOUNT, demo.sim.router());
    }
    router.layer(sessions).layer(CompressionLayer::new())
}
