//! Who is asking, and may they do this to this channel? Every server function and REST handler that
//! touches a channel goes through [`authorize`]: the channel is the caller's own, or the caller is
//! one of its moderators and the streamer granted moderators that [`Permission`]. Ownership is
//! never taken from the request body. Whether someone moderates a channel comes from the
//! [`ModeratorCache`], and Twitch is asked only when the streamer granted moderators the permission.

use tower_sessions::Session;

use super::moderators::ModeratorCache;
use super::{page_reads, OrInternal, Store};
use crate::error::AppError;
use crate::model::{Actor, Channel, ChannelId, Settings};

/// What a moderator may be allowed to do in a channel, each granted separately by the streamer.
/// Settings, API tokens and the chat bot are the streamer's alone (see [`authorize_streamer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// List, grant, extend and revoke VIPs (`moderators_can_manage`).
    ManageVips,
    /// List, create, edit and delete rewards (`moderators_manage_rewards`).
    ManageRewards,
    /// Read the activity log, without what only the streamer sees (`moderators_read_log`).
    ReadLog,
}

impl Permission {
    /// Whether the channel's settings grant this to its moderators.
    pub fn granted_by(self, settings: &Settings) -> bool {
        match self {
            Self::ManageVips => settings.moderators_can_manage,
            Self::ManageRewards => settings.moderators_manage_rewards,
            Self::ReadLog => settings.moderators_read_log,
        }
    }
}

/// The login-session key holding the signed-in Twitch user id.
pub const LOGIN_USER_ID: &str = "user_id";
/// The login-session key holding the Twitch login of a user signed in as a moderator only (who
/// has no channel record to read it from).
pub const LOGIN_NAME: &str = "login";

/// The signed-in user's Twitch id, if any.
///
/// # Errors
/// [`AppError::Internal`] when the session store fails.
pub async fn login_user(session: &Session) -> Result<Option<String>, AppError> {
    session
        .get::<String>(LOGIN_USER_ID)
        .await
        .map_err(|e| super::internal("reading the login session", &e))
}

/// The signed-in user's Twitch id, read from the request a server function runs in.
///
/// # Errors
/// [`AppError::Unauthorized`] when nobody is signed in.
pub async fn signed_in() -> Result<String, AppError> {
    let session = super::acting::login_session().await?;
    login_user(&session).await?.ok_or(AppError::Unauthorized)
}

/// A signed-in user as use cases see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub login: String,
}

impl Caller {
    /// The caller as the actor of an entry about their own channel.
    pub fn as_streamer(&self) -> Actor {
        Actor::Streamer {
            id: self.user_id.clone(),
            login: self.login.clone(),
        }
    }
}

/// The signed-in user behind a session: a streamer (with a channel record), or a moderator who
/// signed in as one only (no channel record; the login is kept in the session).
///
/// # Errors
/// [`AppError::Unauthorized`] without a login, [`AppError::Internal`] on store failure.
pub async fn caller(store: &dyn Store, session: &Session) -> Result<Caller, AppError> {
    let user_id = login_user(session).await?.ok_or(AppError::Unauthorized)?;
    let channel = page_reads::channel(store, &ChannelId(user_id.clone()))
        .await
        .or_internal("reading the signed-in user")?;
    let Some(channel) = channel else {
        let login = session
            .get::<String>(LOGIN_NAME)
            .await
            .map_err(|e| super::internal("reading the login session", &e))?
            .ok_or(AppError::Unauthorized)?;
        return Ok(Caller { user_id, login });
    };
    Ok(Caller {
        user_id,
        login: channel.login,
    })
}

/// A caller allowed to manage a channel, and in which role.
#[derive(Debug, Clone)]
pub struct Access {
    pub channel: Channel,
    pub actor: Actor,
}

/// Checks that `user_id` may do what `permission` covers in `channel_id`.
///
/// # Errors
/// [`AppError::Forbidden`] for an unknown channel and for anyone but the streamer and (when
/// allowed) the channel's moderators alike, so that nobody learns which Twitch users are tenants;
/// [`AppError::Internal`] on store failure.
pub async fn authorize(
    store: &dyn Store,
    moderators: &ModeratorCache,
    user_id: &str,
    user_login: &str,
    channel_id: &ChannelId,
    permission: Permission,
) -> Result<Access, AppError> {
    let channel = page_reads::channel(store, channel_id)
        .await
        .or_internal("reading a channel")?
        .ok_or(AppError::Forbidden)?;
    if channel.id.as_str() == user_id {
        let actor = Actor::Streamer {
            id: user_id.to_owned(),
            login: channel.login.clone(),
        };
        return Ok(Access { channel, actor });
    }
    if !permission.granted_by(&channel.settings) {
        return Err(AppError::Forbidden);
    }
    let is_moderator = moderators
        .is_moderator(channel_id, user_id)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "could not list moderators for an access check");
            AppError::Forbidden
        })?;
    if is_moderator {
        let actor = Actor::Moderator {
            id: user_id.to_owned(),
            login: user_login.to_owned(),
        };
        Ok(Access { channel, actor })
    } else {
        Err(AppError::Forbidden)
    }
}

/// [`authorize`] for a [`Caller`] managing VIPs, with the server context's store and moderators.
///
/// # Errors
/// As [`authorize`].
pub async fn authorize_caller(
    ctx: &super::ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<Access, AppError> {
    authorize_for(ctx, caller, channel, Permission::ManageVips).await
}

/// [`authorize`] for a [`Caller`], with the server context's store and moderators.
///
/// # Errors
/// As [`authorize`].
pub async fn authorize_for(
    ctx: &super::ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    permission: Permission,
) -> Result<Access, AppError> {
    authorize(
        ctx.store().as_ref(),
        ctx.engine().moderators(),
        &caller.user_id,
        &caller.login,
        channel,
        permission,
    )
    .await
}

/// [`authorize_caller`] for what only the channel's streamer may see or change (settings, API
/// tokens, the token's scopes, the chat bot): a moderator is refused whatever they were granted.
///
/// # Errors
/// As [`authorize`]; [`AppError::Forbidden`] for anyone but the streamer.
pub async fn authorize_streamer(
    ctx: &super::ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<Access, AppError> {
    let stored = page_reads::channel(ctx.store().as_ref(), channel)
        .await
        .or_internal("reading a channel")?
        .ok_or(AppError::NotFound)?;
    if stored.id.as_str() != caller.user_id {
        return Err(AppError::Forbidden);
    }
    let actor = Actor::Streamer {
        id: caller.user_id.clone(),
        login: stored.login.clone(),
    };
    Ok(Access {
        channel: stored,
        actor,
    })
}
