//! Every VIP slot of a channel, for people (dashboard forms and the REST API): the roster (every
//! VIP, slots used against the learned capacity, the exclusion list), protecting a VIP, giving a
//! permanent VIP a deadline, and the exclusion list. Each checks that the caller may manage the
//! channel's VIPs (the streamer, or a moderator the streamer allows), then asks the engine.

use super::auth::{authorize_caller, Caller};
use super::engine::{EngineError, RosterOutcome};
use super::twitch::TwitchError;
use super::vips::ViewerRef;
use super::{internal, OrInternal, ServerContext};
use crate::error::{AppError, Refusal};
use crate::model::{ChannelId, Roster, Viewer, VipDuration, VipSession};

/// The channel's VIP slots.
///
/// # Errors
/// Access errors; [`AppError::Internal`] on store failure.
pub async fn roster(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<Roster, AppError> {
    authorize_caller(ctx, caller, channel).await?;
    let store = ctx.store();
    let vips = super::page_reads::active_sessions(store.as_ref(), channel)
        .await
        .or_internal("listing VIPs")?;
    let capacity = store
        .slot_capacity(channel)
        .await
        .or_internal("reading the slot capacity")?;
    let excluded = store
        .exclusions(channel)
        .await
        .or_internal("listing the exclusion list")?;
    Ok(Roster {
        used: u32::try_from(vips.len()).unwrap_or(u32::MAX),
        vips,
        capacity,
        excluded,
    })
}

/// Protects (`true`) the viewer's VIP, or takes the protection away (`false`).
///
/// # Errors
/// Access errors; [`Refusal::NotAVip`] when the viewer has no VIP.
pub async fn set_protected(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    viewer_id: &str,
    protected: bool,
) -> Result<VipSession, AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    let engine = ctx.engine();
    let outcome = if protected {
        engine.protect(channel, viewer_id, access.actor).await
    } else {
        engine.unprotect(channel, viewer_id, access.actor).await
    };
    session(outcome.map_err(engine_error)?)
}

/// Gives a VIP the app does not time a deadline `length` from now.
///
/// # Errors
/// Access errors; [`Refusal::NotAVip`], [`Refusal::Protected`], or [`Refusal::AlreadyVip`]
/// when the VIP has a deadline already (extend it instead).
pub async fn give_deadline(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    viewer_id: &str,
    length: VipDuration,
) -> Result<VipSession, AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    let outcome = ctx
        .engine()
        .give_deadline(channel, viewer_id, length, access.actor)
        .await
        .map_err(engine_error)?;
    session(outcome)
}

fn session(outcome: RosterOutcome) -> Result<VipSession, AppError> {
    match outcome {
        RosterOutcome::Changed(s) | RosterOutcome::Unchanged(s) => Ok(s),
        RosterOutcome::NotActive => Err(AppError::Refused(Refusal::NotAVip)),
        RosterOutcome::Protected => Err(AppError::Refused(Refusal::Protected)),
        RosterOutcome::AlreadyTimed => Err(AppError::Refused(Refusal::AlreadyVip)),
    }
}

/// Puts a viewer (looked up on Twitch) on the exclusion list. Returns the viewer and whether
/// they were added (`false`: on the list already).
///
/// # Errors
/// Access errors; [`Refusal::UserNotFound`], or Twitch failures looking the viewer up.
pub async fn exclude(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    viewer: ViewerRef,
) -> Result<(Viewer, bool), AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    let user = match &viewer {
        ViewerRef::Login(login) => ctx.twitch().user_by_login(channel, login.trim()).await,
        ViewerRef::Id(id) => ctx.twitch().user_by_id(channel, id).await,
    }
    .map_err(|e| {
        tracing::warn!(error = %e, "looking a viewer up failed");
        AppError::Refused(match e {
            TwitchError::Unauthorized => Refusal::NeedsReauth,
            _ => Refusal::TwitchUnavailable,
        })
    })?
    .ok_or(AppError::Refused(Refusal::UserNotFound))?;
    let viewer = Viewer::from(user);
    let added = ctx
        .engine()
        .exclude(channel, viewer.clone(), access.actor)
        .await
        .map_err(engine_error)?;
    Ok((viewer, added))
}

/// Takes a viewer off the exclusion list.
///
/// # Errors
/// Access errors; [`AppError::NotFound`] when the viewer is not on it.
pub async fn readmit(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    viewer_id: &str,
) -> Result<(), AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    let removed = ctx
        .engine()
        .readmit(channel, viewer_id, access.actor)
        .await
        .map_err(engine_error)?;
    if removed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn engine_error(e: EngineError) -> AppError {
    match e {
        EngineError::UnknownChannel => AppError::NotFound,
        other => internal("a VIP slot change failed", &other),
    }
}
