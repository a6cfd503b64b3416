//! `GET /api/ws`: the signed-in user's channel as a Server-Sent Events stream. Only the caller's own
//! channel (or, with `?channel=ID`, a channel they may manage as a moderator); nothing crosses
//! channels, no token appears in the URL, and the stream ends when the server shuts down. Scripts
//! may authorise with a personal API token (`Authorization: Bearer vipm_…`) instead of the login
//! cookie; a request with that header is judged by it alone.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use app::model::{Actor, ChannelId, LiveKind};
use app::ssr::api_tokens;
use app::ssr::auth::{authorize, session_user, Permission};
use app::ssr::moderators::ModeratorCache;
use app::ssr::Store;
use app::AppError;
use axum::extract::{Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;
use tower_sessions::Session;

use super::LiveHub;

#[derive(Clone)]
pub struct SseState {
    pub hub: LiveHub,
    pub store: Arc<dyn Store>,
    pub moderators: Arc<ModeratorCache>,
    pub cancel: CancellationToken,
}

#[derive(Deserialize)]
pub struct StreamParams {
    channel: Option<String>,
}

/// The caller: the API token's owner when the request carries one, else the login session's user.
async fn caller_id(
    state: &SseState,
    headers: &HeaderMap,
    session: &Session,
) -> Result<String, AppError> {
    match headers.get(AUTHORIZATION) {
        Some(value) => {
            let value = value.to_str().unwrap_or_default();
            let caller = api_tokens::authenticate(state.store.as_ref(), value, Utc::now()).await?;
            Ok(caller.user_id)
        }
        None => session_user(session).await?.ok_or(AppError::Unauthorized),
    }
}

pub async fn stream(
    State(state): State<SseState>,
    headers: HeaderMap,
    session: Session,
    Query(params): Query<StreamParams>,
) -> Response {
    let user_id = match caller_id(&state, &headers, &session).await {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let channel = ChannelId(params.channel.unwrap_or_else(|| user_id.clone()));
    let moderator = match authorize(
        state.store.as_ref(),
        &state.moderators,
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
    let events = state.hub.subscribe(&channel);
    // Tells the browser the stream is open (it reloads what it shows on (re)connect).
    let ready =
        futures_util::stream::once(async { Ok(Event::default().event("ready").data("{}")) });
    let changes = futures_util::stream::unfold(
        (events, state.cancel.clone()),
        move |(mut events, cancel)| async move {
            let event = tokio::select! {
                () = cancel.cancelled() => return None,
                next = events.recv() => match next {
                    // A settings change's diff is the streamer's alone: a moderator learns only
                    // that one happened.
                    Ok(frame) if moderator && frame.kind == LiveKind::SettingsChanged.as_str() => {
                        Event::default().event(frame.kind).data("{}")
                    }
                    Ok(frame) => Event::default().event(frame.kind).data(&*frame.json),
                    // Fell behind: ask the dashboard to reload rather than miss changes.
                    Err(RecvError::Lagged(_)) => Event::default().event("resync").data("{}"),
                    Err(RecvError::Closed) => return None,
                },
            };
            Some((Ok::<_, Infallible>(event), (events, cancel)))
        },
    );
    let stream = futures_util::StreamExt::chain(ready, changes);
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
