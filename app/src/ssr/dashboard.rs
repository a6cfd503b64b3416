//! The dashboard's use cases: who is signed in (for every page's header) and the signed-in
//! streamer's channel at a glance (VIPs, rewards, what the token lacks).

use chrono::Utc;

use super::account::scopes_of;
use super::acting::Acting;
use super::auth::Caller;
use super::{page_reads, OrInternal, ServerContext};
use crate::error::AppError;
use crate::model::{ChannelId, Dashboard, Me};

/// Who is signed in, or `None` when nobody is: a streamer as their channel names them, or a
/// moderator who signed in as one only (no channel; the login kept in the session).
///
/// # Errors
/// [`AppError::Internal`] on store failure.
pub async fn me(acting: Result<Acting, AppError>) -> Result<Option<Me>, AppError> {
    let acting = match acting {
        Ok(acting) => acting,
        Err(AppError::Unauthorized) => return Ok(None),
        Err(e) => return Err(e),
    };
    let channel = page_reads::channel(acting.ctx.store().as_ref(), &acting.channel)
        .await
        .or_internal("reading the signed-in channel")?;
    let Caller { user_id, login } = acting.caller;
    Ok(Some(match channel {
        Some(c) => Me {
            user_id,
            login: c.login,
            display_name: c.display_name,
        },
        None => Me {
            user_id,
            display_name: login.clone(),
            login,
        },
    }))
}

/// The caller's own channel: its VIPs, its rewards and the scopes its token lacks.
///
/// # Errors
/// [`AppError::NotFound`] when the caller has no channel; [`AppError::Internal`] on store failure.
pub async fn dashboard(ctx: &ServerContext, caller: &Caller) -> Result<Dashboard, AppError> {
    let store = ctx.store();
    let channel = page_reads::channel(store.as_ref(), &ChannelId(caller.user_id.clone()))
        .await
        .or_internal("reading a channel")?
        .ok_or(AppError::NotFound)?;
    let vips = page_reads::active_sessions(store.as_ref(), &channel.id)
        .await
        .or_internal("listing VIPs")?;
    let rewards = page_reads::rewards(store.as_ref(), &channel.id)
        .await
        .or_internal("listing rewards")?;
    let missing_scopes = scopes_of(ctx.account()?, &channel).await?.missing;
    Ok(Dashboard {
        channel_id: channel.id,
        login: channel.login,
        display_name: channel.display_name,
        needs_reauth: channel.needs_reauth,
        missing_scopes,
        vips,
        rewards,
        now: Utc::now(),
        just_granted: None,
    })
}
