//! Who is asking, and may they manage this channel? Every server function and REST handler that
//! touches a channel goes through [`authorize`]: the channel is the caller's own, or the caller is
//! one of its moderators and the streamer allows moderators to manage VIPs. Ownership is never taken
//! from the request body.

use tower_sessions::Session;

use super::{twitch::TwitchApi, Store};
use crate::error::AppError;
use crate::model::{Actor, Channel, ChannelId};

/// The login-session key holding the signed-in Twitch user id.
pub const SESSION_USER_ID: &str = "user_id";

/// The signed-in user's Twitch id, if any.
///
/// # Errors
/// [`AppError::Internal`] when the session store fails.
pub async fn session_user(session: &Session) -> Result<Option<String>, AppError> {
    session
        .get::<String>(SESSION_USER_ID)
        .await
        .map_err(|e| super::internal("reading the login session", &e))
}

/// The signed-in user's Twitch id, read from the request a server function runs in.
///
/// # Errors
/// [`AppError::Unauthorized`] when nobody is signed in.
pub async fn signed_in() -> Result<String, AppError> {
    let session: Session = leptos_axum::extract()
        .await
        .map_err(|e| super::internal("no login session layer", &e))?;
    session_user(&session).await?.ok_or(AppError::Unauthorized)
}

/// A signed-in user as use cases see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub login: String,
}

/// The signed-in user behind a session (every user who logged in has a channel record).
///
/// # Errors
/// [`AppError::Unauthorized`] without a login, [`AppError::Internal`] on store failure.
pub async fn caller(store: &dyn Store, session: &Session) -> Result<Caller, AppError> {
    let user_id = session_user(session).await?.ok_or(AppError::Unauthorized)?;
    let channel = store
        .channel(&ChannelId(user_id.clone()))
        .await
        .map_err(|e| super::internal("reading the signed-in user", &e))?
        .ok_or(AppError::Unauthorized)?;
    Ok(Caller {
        user_id,
        login: channel.login,
    })
}

/// [`caller`] for the request a server function runs in.
///
/// # Errors
/// As [`caller`].
pub async fn server_fn_caller(store: &dyn Store) -> Result<Caller, AppError> {
    let session: Session = leptos_axum::extract()
        .await
        .map_err(|e| super::internal("no login session layer", &e))?;
    caller(store, &session).await
}

/// A caller allowed to manage a channel, and in which role.
#[derive(Debug, Clone)]
pub struct Access {
    pub channel: Channel,
    pub actor: Actor,
}

/// Checks that `user_id` may manage `channel_id`.
///
/// # Errors
/// [`AppError::Forbidden`] for an unknown channel and for anyone but the streamer and (when
/// allowed) the channel's moderators alike, so that nobody learns which Twitch users are tenants;
/// [`AppError::Internal`] on store failure.
pub async fn authorize(
    store: &dyn Store,
    twitch: &dyn TwitchApi,
    user_id: &str,
    user_login: &str,
    channel_id: &ChannelId,
) -> Result<Access, AppError> {
    let channel = store
        .channel(channel_id)
        .await
        .map_err(|e| super::internal("reading a channel", &e))?
        .ok_or(AppError::Forbidden)?;
    if channel.id.as_str() == user_id {
        let actor = Actor::Streamer {
            id: user_id.to_owned(),
            login: channel.login.clone(),
        };
        return Ok(Access { channel, actor });
    }
    if !channel.settings.moderators_can_manage {
        return Err(AppError::Forbidden);
    }
    let moderators = twitch.moderators(channel_id).await.map_err(|e| {
        tracing::warn!(error = %e, "could not list moderators for an access check");
        AppError::Forbidden
    })?;
    if moderators.iter().any(|m| m.id == user_id) {
        let actor = Actor::Moderator {
            id: user_id.to_owned(),
            login: user_login.to_owned(),
        };
        Ok(Access { channel, actor })
    } else {
        Err(AppError::Forbidden)
    }
}

/// [`authorize`] for a [`Caller`], with the server context's store and Twitch client.
///
/// # Errors
/// As [`authorize`].
pub async fn authorize_caller(
    ctx: &super::ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<Access, AppError> {
    authorize(
        ctx.store().as_ref(),
        ctx.twitch().as_ref(),
        &caller.user_id,
        &caller.login,
        channel,
    )
    .await
}

/// [`authorize_caller`] for what only the channel's streamer may see or change (settings, the
/// token's scopes): a moderator who may manage VIPs is still refused.
///
/// # Errors
/// As [`authorize`]; [`AppError::Forbidden`] for anyone but the streamer.
pub async fn authorize_streamer(
    ctx: &super::ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<Access, AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    match access.actor {
        Actor::Streamer { .. } => Ok(access),
        _ => Err(AppError::Forbidden),
    }
}
