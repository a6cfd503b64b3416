//! The JSON API of the original product, for scripts and tools (Stream Deck, Streamer.bot): the same
//! use cases as the dashboard, authorised by the login session or a personal API token
//! (`Authorization: Bearer vipm_…`); ownership is checked on the server, never taken from the
//! body. Errors are `{"error": code, "message": text}`.

mod audit;
mod body;
pub mod demo;
mod rewards;
mod roster;
mod settings;
mod vips;

use app::ssr::{acting, api_tokens, auth, ServerContext};
use app::AppError;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Router;
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    ServerContext: FromRef<S>,
{
    Router::new()
        .route("/api/vip", get(vips::list).post(vips::grant))
        .route("/api/vip/extend", post(vips::extend))
        .route("/api/settings", get(settings::get).put(settings::put))
        .route("/api/settings/scopes", get(settings::scopes))
        .route("/api/settings/chat-status", get(settings::chat_status))
        .route("/api/audit-log", get(audit::page))
        .route("/api/audit-log.csv", get(audit::csv))
        .route("/api/vip/{user_id}", axum::routing::delete(vips::revoke))
        .route("/api/vip/slots", get(roster::slots))
        .route(
            "/api/vip/{user_id}/protected",
            axum::routing::put(roster::protect).delete(roster::unprotect),
        )
        .route("/api/vip/{user_id}/deadline", post(roster::deadline))
        .route(
            "/api/exclusions",
            get(roster::exclusions).post(roster::exclude),
        )
        .route(
            "/api/exclusions/{user_id}",
            axum::routing::delete(roster::readmit),
        )
        .route(
            "/api/channel-points",
            get(rewards::list).post(rewards::create),
        )
        .route(
            "/api/channel-points/{reward_id}",
            patch(rewards::update).delete(rewards::delete),
        )
}

/// The caller and the channel they act on ([`app::ssr::acting::Acting`], as server functions get
/// it): their own, or `?channel=ID` (a channel they moderate, when its streamer allows it).
///
/// The caller is the owner of the API token in the `Authorization` header when there is one, and
/// otherwise the login session's user. A request with an `Authorization` header is judged by it
/// alone: a bad or revoked token is a 401 even when a login cookie came along (the cross-site
/// check lets such requests through, so the cookie must not count). A token is read from that
/// header only, never from a cookie or the query string.
pub struct Acting(pub acting::Acting);

impl std::ops::Deref for Acting {
    type Target = acting::Acting;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

#[derive(Deserialize)]
struct ChannelParam {
    channel: Option<String>,
}

/// A 401 for a refused token, with the challenge RFC 6750 asks for.
fn bad_token(e: AppError) -> Response {
    let mut response = e.into_response();
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Bearer error="invalid_token""#),
        );
    }
    response
}

impl<S> FromRequestParts<S> for Acting
where
    S: Send + Sync,
    ServerContext: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let ctx = ServerContext::from_ref(state);
        let caller = match parts.headers.get(AUTHORIZATION) {
            Some(value) => {
                let value = value.to_str().unwrap_or_default();
                api_tokens::authenticate(ctx.store().as_ref(), value, Utc::now())
                    .await
                    .map_err(bad_token)?
            }
            None => {
                let session = Session::from_request_parts(parts, state)
                    .await
                    .map_err(|_| AppError::Unauthorized.into_response())?;
                auth::caller(ctx.store().as_ref(), &session)
                    .await
                    .map_err(IntoResponse::into_response)?
            }
        };
        let param = axum::extract::Query::<ChannelParam>::try_from_uri(&parts.uri)
            .map_err(|e| AppError::Invalid(e.body_text()).into_response())?;
        Ok(Self(acting::Acting::new(ctx, caller, param.0.channel)))
    }
}
