//! `GET /api/ws`: the signed-in user's channel as a Server-Sent Events stream. Only the caller's own
//! channel (or, with `?channel=ID`, a channel they may manage as a moderator); nothing crosses
//! channels, no token appears in the URL, and the stream ends when the server shuts down. Scripts
//! may authorise with a personal API token (`Authorization: Bearer vipm_…`) instead of the login
//! cookie; a request with that header is judged by it alone.
//!
//! Each caller holds a capped number of streams (per login session, per API token and per client
//! address; `429 {"error":"too_many_streams"}` beyond), and every open stream re-checks its caller
//! every few seconds: a logged-out session, a revoked token or a moderator no longer allowed ends it.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use app::model::{Actor, ChannelId, LiveKind};
use app::ssr::api_tokens;
use app::ssr::auth::{authorize, login_user, Permission};
use app::ssr::ServerContext;
use app::AppError;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Interval, MissedTickBehavior};
use tokio_util::sync::CancellationToken;
use tower_sessions::Session;

use super::caps::{Credential, Refusal, StreamCaps, StreamSlot};
use super::hub::Frame;
use super::rights::{Opener, StreamRight};
use super::LiveHub;
use crate::security::client_ip::{bucket, client_ip};
use crate::store::LoginSessions;

#[derive(Clone)]
pub struct SseState {
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
    state: &SseState,
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
pub(super) fn client_address(state: &SseState, parts: &Parts) -> IpAddr {
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
    State(state): State<SseState>,
    session: Session,
    Query(params): Query<StreamParams>,
    parts: Parts,
) -> Response {
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
    // Tells the browser the stream is open (it reloads what it shows on (re)connect).
    let ready =
        futures_util::stream::once(async { Ok(Event::default().event("ready").data("{}")) });
    let changes = futures_util::stream::unfold(open, |mut open| async move {
        let event = open.next().await?;
        Some((Ok::<_, Infallible>(event), open))
    });
    let stream = futures_util::StreamExt::chain(ready, changes);
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// An open stream: its channel's events, until shutdown or until its caller loses the right.
struct Open {
    events: broadcast::Receiver<Frame>,
    cancel: CancellationToken,
    recheck: Interval,
    right: StreamRight,
    /// A moderator's stream: a settings change's diff is the streamer's alone.
    moderator: bool,
    /// Its place under the caps, freed when the stream is dropped.
    _slot: StreamSlot,
}

impl Open {
    /// The next event to send; `None` ends the stream.
    async fn next(&mut self) -> Option<Event> {
        loop {
            return Some(tokio::select! {
                () = self.cancel.cancelled() => return None,
                _ = self.recheck.tick() => {
                    if self.right.holds().await {
                        continue;
                    }
                    return None;
                }
                next = self.events.recv() => match next {
                    // A moderator learns only that the settings changed.
                    Ok(frame) if self.moderator
                        && frame.kind == LiveKind::SettingsChanged.as_str() =>
                    {
                        Event::default().event(frame.kind).data("{}")
                    }
                    Ok(frame) => Event::default().event(frame.kind).data(&*frame.json),
                    // Fell behind: ask the dashboard to reload rather than miss changes.
                    Err(RecvError::Lagged(_)) => Event::default().event("resync").data("{}"),
                    Err(RecvError::Closed) => return None,
                },
            });
        }
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
