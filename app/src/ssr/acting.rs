//! Who acts, and on which channel: the one answer server functions and the JSON API share.
//!
//! The caller is the login session's user (the JSON API also takes a personal API token, which it
//! checks before building an [`Acting`]); the channel is the caller's own unless the request names
//! another (`?channel=ID` on the JSON API). Whether the caller may do something to that channel is
//! decided by each use case (see [`super::auth`]), the same way for both.

use tower_sessions::Session;

use super::auth::{self, Caller};
use super::{context, internal, ServerContext};
use crate::error::AppError;
use crate::model::ChannelId;

/// The server context, the caller and the channel they act on.
#[derive(Clone)]
pub struct Acting {
    pub ctx: ServerContext,
    pub caller: Caller,
    pub channel: ChannelId,
}

impl Acting {
    /// `caller` acting on `channel` when one is named, and otherwise on their own channel.
    pub fn new(ctx: ServerContext, caller: Caller, channel: Option<String>) -> Self {
        let channel = ChannelId(channel.unwrap_or_else(|| caller.user_id.clone()));
        Self {
            ctx,
            caller,
            channel,
        }
    }
}

/// The signed-in user acting on their own channel, for the request a server function runs in.
///
/// # Errors
/// [`AppError::Unauthorized`] without a login; [`AppError::Internal`] on store failure and outside
/// a request the server set up.
pub async fn acting() -> Result<Acting, AppError> {
    let ctx = context()?;
    let caller = auth::caller(ctx.store().as_ref(), &login_session().await?).await?;
    Ok(Acting::new(ctx, caller, None))
}

/// The login session of the request a server function runs in.
///
/// # Errors
/// [`AppError::Internal`] when the server runs without its login-session layer (a wiring bug).
pub async fn login_session() -> Result<Session, AppError> {
    leptos_axum::extract()
        .await
        .map_err(|e| internal("no login session layer", &e))
}
