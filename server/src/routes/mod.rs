//! The HTTP surface: pages and server functions (Leptos), and the JSON API under `/api`.

mod health;

use app::ssr::ServerContext;
use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

/// State shared by every handler.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub ctx: ServerContext,
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let ctx = state.ctx.clone();
    let leptos = state.leptos.clone();
    Router::new()
        .route("/api/health", get(health::health))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx.clone()),
            move || app::shell(leptos.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}
