//! The JSON API of the original product, for scripts and tools (Stream Deck, Streamer.bot): the same
//! use cases as the dashboard, authorised by the login session; ownership is checked on the server,
//! never taken from the body. Errors are `{"error": code, "message": text}`.

mod audit;
mod body;
mod rewards;
mod settings;
mod vips;

use app::model::ChannelId;
use app::ssr::auth::{self, Caller};
use app::ssr::ServerContext;
use app::AppError;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{get, patch, post};
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    ServerContext: FromRef<S>,
    crate::routes::auth::Auth: FromRef<S>,
{
    Router::new()
        .route("/api/vip", get(vips::list).post(vips::grant))
        .route("/api/vip/extend", post(vips::extend))
        .route("/api/settings", get(settings::get).put(settings::put))
        .route("/api/settings/scopes", get(settings::scopes))
        .route("/api/audit-log", get(audit::page))
        .route("/api/audit-log.csv", get(audit::csv))
        .route("/api/vip/{user_id}", axum::routing::delete(vips::revoke))
        .route(
            "/api/channel-points",
            get(rewards::list).post(rewards::create),
        )
        .route(
            "/api/channel-points/{reward_id}",
            patch(rewards::update).delete(rewards::delete),
        )
}

/// The signed-in caller and the channel they act on: their own, or `?channel=ID` (a channel they
/// moderate, when its streamer allows it).
pub struct Acting {
    pub ctx: ServerContext,
    pub caller: Caller,
    pub channel: ChannelId,
}

#[derive(Deserialize)]
struct ChannelParam {
    channel: Option<String>,
}

impl<S> FromRequestParts<S> for Acting
where
    S: Send + Sync,
    ServerContext: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let ctx = ServerContext::from_ref(state);
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Unauthorized)?;
        let caller = auth::caller(ctx.store().as_ref(), &session).await?;
        let param = axum::extract::Query::<ChannelParam>::try_from_uri(&parts.uri)
            .map_err(|e| AppError::Invalid(e.body_text()))?;
        let channel = ChannelId(param.0.channel.unwrap_or_else(|| caller.user_id.clone()));
        Ok(Self {
            ctx,
            caller,
            channel,
        })
    }
}
