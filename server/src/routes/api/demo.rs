//! `POST /api/demo/redeem`, demo mode only (the route exists nowhere else): the dashboard's
//! "Simulate a redemption" button. A seeded viewer redeems the channel's first enabled reward on
//! the simulated Twitch, as the simulator's control API does (`POST /sim/channels/{b}/redeem`), so
//! the redemption reaches the app through EventSub like a real one.

use std::collections::HashSet;

use app::ssr::ServerContext;
use app::AppError;
use axum::extract::{FromRef, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use super::Acting;
use crate::demo::Demo;

#[derive(Clone, FromRef)]
struct DemoState {
    demo: Demo,
    ctx: ServerContext,
}

/// The route, for a server in demo mode.
pub fn router(demo: Demo, ctx: ServerContext) -> Router {
    Router::new()
        .route("/api/demo/redeem", post(redeem))
        .with_state(DemoState { demo, ctx })
}

/// 303 back to the dashboard once the simulated Twitch took the redemption; 400 when the channel
/// has no enabled reward; 403 on another's channel.
async fn redeem(State(demo): State<Demo>, acting: Acting) -> Result<Response, AppError> {
    if acting.channel.as_str() != acting.caller.user_id {
        return Err(AppError::Forbidden);
    }
    let store = acting.ctx.store();
    let channel = store
        .channel(&acting.channel)
        .await
        .map_err(|e| app::ssr::internal("reading a channel", &e))?
        .ok_or(AppError::NotFound)?;
    let reward = store
        .rewards(&channel.id)
        .await
        .map_err(|e| app::ssr::internal("listing rewards", &e))?
        .into_iter()
        .find(|r| r.enabled)
        .ok_or_else(|| {
            AppError::Invalid("no enabled reward: create one in the settings first".into())
        })?;
    let vips: HashSet<String> = store
        .active_sessions(&channel.id)
        .await
        .map_err(|e| app::ssr::internal("listing VIPs", &e))?
        .into_iter()
        .map(|s| s.viewer.id)
        .collect();
    // A viewer who is not VIP yet, so the redemption shows a grant; else the first.
    let viewers = &demo.seed.viewers;
    let Some(viewer) = viewers
        .iter()
        .find(|v| !vips.contains(&v.id))
        .or(viewers.first())
    else {
        return Err(AppError::NotFound);
    };
    demo.sim
        .redeem(&channel.login, &viewer.login, &reward.id, "")
        .map_err(|e| {
            app::ssr::internal("the simulated redemption was refused", &format!("{e:?}"))
        })?;
    tracing::info!(viewer = %viewer.login, reward = %reward.title, "demo: simulated a redemption");
    Ok((StatusCode::SEE_OTHER, [(LOCATION, "/dashboard")]).into_response())
}
