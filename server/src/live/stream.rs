//! `GET /api/ws`: the signed-in user's channel as a live stream, a WebSocket when the request asks
//! for one (the dashboard, [`super::websocket`]) and Server-Sent Events otherwise (scripts,
//! [`super::sse`]); both send the same events ([`super::open`]). Only the caller's own channel
//! (or, with `?channel=ID`, a channel they may manage as a moderator); nothing crosses channels, no
//! token appears in the URL, and the stream ends when the server shuts down. Scripts may authorise
//! with a personal API token (`Authorization: Bearer vipm_…`) instead of the login cookie; a
//! request with that header is judged by it alone.
//!
//! Each caller holds a capped number of streams (per login session, per API token and per client
//! address; `429 {"error":"too_many_streams"}` beyond), and every open stream re-checks its caller
//! every few seconds: a logged-out session, a revoked token or a moderator no longer allowed ends it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use app::model::{Actor, ChannelId};
use app::ssr::api_tokens;
use app::ssr::auth::{authorize, login_user, Permission};
use app::ssr::ServerContext;
use app::AppError;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use tower_sessions::Session;

use super::caps::{Credential, Refusal, StreamCaps};
use super::open::Open;
use super::rights::{Opener, StreamRight};
use super::{sse, websocket, LiveHub};
use crate::security::client_ip::{bucket, client_ip};
use crate::store::LoginSessions;

#[derive(Clone)]
pub struct StreamState {
    pub hub: LiveHub,
    /// The store and the moderators.
    pub ctx: ServerContext,
    pub cancel: CancellationToken,
    /// The login sessions, re-read by open streams.
    pub sessions: LoginSessions,
    pub caps: Arc<StreamCaps>,
    /// How often an open stream re-checks its caller.
    pub recheck_every: Duration,
    /// `TRUSTED_PROXY_HOPS`, to name the client's address as the rate limits do.
    pub trusted_proxy_hops: usize,
}

#[derive(Deserialize)]
pub struct StreamParams {
    channel: Option<String>,
}

/// The caller and what authorises them: the API token's owner when the request carries one,
/// else the login session's user.
async fn caller(
    state: &StreamState,
    headers: &HeaderMap,
    session: &Session,
) -> Result<(String, Opener), AppError> {
    match headers.get(AUTHORIZATION) {
        Some(value) => {
            let value = value.to_str().unwrap_or_default();
            let caller =
                api_tokens::authenticate(state.ctx.store().as_ref(), value, Utc::now()).await?;
            Ok((caller.user_id, Opener::Token(value.to_owned())))
        }
        None => {
            let user_id = login_user(session).await?.ok_or(AppError::Unauthorized)?;
            let id = session.id().ok_or(AppError::Unauthorized)?;
            Ok((user_id, Opener::Login(id)))
        }
    }
}

/// The client's address bucket, as the rate limits name it.
pub(super) fn client_address(state: &StreamState, parts: &Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let ip = client_ip(peer, &parts.headers, state.trusted_proxy_hops)
        .or(peer)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    bucket(ip)
}

pub async fn stream(
    State(state): State<StreamState>,
    session: Session,
    Query(params): Query<StreamParams>,
    mut parts: Parts,
) -> Response {
    let upgrade = match websocket::upgrade_of(&mut parts).await {
        Ok(upgrade) => upgrade,
        Err(refused) => return refused,
    };
    let (user_id, opener) = match caller(&state, &parts.headers, &session).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let channel = ChannelId(params.channel.unwrap_or_else(|| user_id.clone()));
    let moderator = match authorize(
        state.ctx.store().as_ref(),
        state.ctx.engine().moderators(),
        &user_id,
        "",
        &channel,
        Permission::ManageVips,
    )
    .await
    {
        Ok(access) => !matches!(access.actor, Actor::Streamer { .. }),
        Err(e) => return e.into_response(),
    };
    let address = client_address(&state, &parts);
    let opened = match &opener {
        Opener::Login(id) => state.caps.open(Credential::Login(&id.to_string()), address),
        Opener::Token(value) => state.caps.open(Credential::Token(value), address),
    };
    let slot = match opened {
        Ok(slot) => slot,
        Err(full) => {
            tracing::info!(cap = full.name(), "live stream refused: too many open");
            return too_many_streams(full);
        }
    };
    let events = state.hub.subscribe(&channel);
    let right = StreamRight {
        ctx: state.ctx.clone(),
        sessions: state.sessions.clone(),
        opener,
        user_id,
        channel,
    };
    let mut recheck = tokio::time::interval_at(
        tokio::time::Instant::now() + state.recheck_every,
        state.recheck_every,
    );
    recheck.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let open = Open {
        events,
        cancel: state.cancel.clone(),
        recheck,
        right,
        moderator,
        _slot: slot,
    };
    match upgrade {
        Some(upgrade) => websocket::respond(upgrade, open),
        None => sse::respond(open),
    }
}

/// `429` for a stream over its cap, in the API's error shape.
pub(super) fn too_many_streams(full: Refusal) -> Response {
    let body = serde_json::json!({
        "error": "too_many_streams",
        "message": format!("too many live streams open for this {}; close one first", full.name()),
    });
    (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
}
