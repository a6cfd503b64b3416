//! VIP use cases for people (dashboard forms and the REST API): list, grant, extend, revoke. Each
//! checks that the caller may manage the channel, then asks the engine, and turns every refusal into
//! a [`Refusal`] with a stable code.

use super::auth::{authorize_caller, Caller};
use super::engine::{EngineError, ExtendOutcome, GrantOutcome, PendingReason, RevokeOutcome};
use super::twitch::TwitchError;
use super::{internal, OrInternal, ServerContext};
use crate::error::{AppError, Refusal};
use crate::model::{ChannelId, GrantLength, RefundReason, Viewer, VipDuration, VipSession};

/// Who to grant VIP to: the REST API accepts either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewerRef {
    Login(String),
    Id(String),
}

/// The result of a grant that Twitch accepted or queued.
// Returned once per call, never stored in bulk: boxing would only cost an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Granted {
    /// VIP now (new, or the deadline moved by the stacking rule).
    Vip(VipSession),
    /// Slots are full and the channel waitlists: granted when a slot frees.
    Waitlisted,
}

/// The channel's active VIPs.
///
/// # Errors
/// Access errors; [`AppError::Internal`] on store failure.
pub async fn list(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<Vec<VipSession>, AppError> {
    authorize_caller(ctx, caller, channel).await?;
    super::page_reads::active_sessions(ctx.store().as_ref(), channel)
        .await
        .or_internal("listing VIPs")
}

/// Grants VIP for `length` (or applies the channel's stacking rule to a timed VIP). A grant
/// until the stream ends for a timed VIP, or any grant for a VIP until the stream ends, is
/// refused with [`Refusal::UntilStreamEnd`].
///
/// # Errors
/// Access errors; [`AppError::Refused`] with the reason Twitch or the rules gave.
pub async fn grant(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    viewer: ViewerRef,
    length: GrantLength,
) -> Result<Granted, AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    if access.channel.needs_reauth {
        return Err(AppError::Refused(Refusal::NeedsReauth));
    }
    let user = match &viewer {
        ViewerRef::Login(login) => ctx.twitch().user_by_login(channel, login.trim()).await,
        ViewerRef::Id(id) => ctx.twitch().user_by_id(channel, id).await,
    }
    .map_err(|e| {
        tracing::warn!(error = %e, "looking a viewer up failed");
        match e {
            TwitchError::Unauthorized => Refusal::NeedsReauth,
            _ => Refusal::TwitchUnavailable,
        }
    })
    .map_err(AppError::Refused)?
    .ok_or(AppError::Refused(Refusal::UserNotFound))?;
    let outcome = ctx
        .engine()
        .grant_manual(channel, Viewer::from(user.clone()), length, access.actor)
        .await
        .map_err(engine_error)?;
    match outcome {
        GrantOutcome::Granted(s) | GrantOutcome::Extended(s) => Ok(Granted::Vip(s)),
        GrantOutcome::Waitlisted => Ok(Granted::Waitlisted),
        GrantOutcome::Refunded(RefundReason::AlreadyVip)
            if stream_end_meets_timed(ctx, channel, &user.id, length).await =>
        {
            Err(AppError::Refused(Refusal::UntilStreamEnd))
        }
        GrantOutcome::Refunded(reason) => Err(AppError::Refused(refusal(reason))),
        GrantOutcome::Pending(PendingReason::NeedsReauth) => {
            Err(AppError::Refused(Refusal::NeedsReauth))
        }
        GrantOutcome::Pending(PendingReason::TwitchUnavailable) => {
            Err(AppError::Refused(Refusal::TwitchUnavailable))
        }
        GrantOutcome::Duplicate | GrantOutcome::Ignored(_) => Err(internal(
            "a manual grant was ignored",
            &"unexpected outcome",
        )),
    }
}

/// Adds `by` to the viewer's VIP time.
///
/// # Errors
/// Access errors; [`Refusal::NotAVip`] or [`Refusal::NotManaged`].
pub async fn extend(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    viewer_id: &str,
    by: VipDuration,
) -> Result<VipSession, AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    match ctx
        .engine()
        .extend(channel, viewer_id, by, access.actor)
        .await
        .map_err(engine_error)?
    {
        ExtendOutcome::Extended(s) => Ok(s),
        ExtendOutcome::NotActive => Err(AppError::Refused(Refusal::NotAVip)),
        ExtendOutcome::NotManaged => Err(AppError::Refused(Refusal::NotManaged)),
        ExtendOutcome::UntilStreamEnd => Err(AppError::Refused(Refusal::UntilStreamEnd)),
    }
}

/// Whether an `already_vip` refusal came from a VIP until the stream ends meeting a timed one,
/// rather than from a VIP the app did not grant.
async fn stream_end_meets_timed(
    ctx: &ServerContext,
    channel: &ChannelId,
    viewer_id: &str,
    length: GrantLength,
) -> bool {
    match ctx.store().active_session(channel, viewer_id).await {
        Ok(Some(active)) if active.ends_with_stream() => true,
        Ok(Some(active)) => length == GrantLength::StreamEnd && !active.is_untimed(),
        _ => false,
    }
}

/// Removes the viewer's VIP now.
///
/// # Errors
/// Access errors; [`Refusal::NotAVip`], [`Refusal::NotManaged`], or Twitch failures.
pub async fn revoke(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    viewer_id: &str,
) -> Result<(), AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    match ctx
        .engine()
        .revoke(channel, viewer_id, access.actor)
        .await
        .map_err(engine_error)?
    {
        RevokeOutcome::Revoked(_) => Ok(()),
        RevokeOutcome::NotActive => Err(AppError::Refused(Refusal::NotAVip)),
        RevokeOutcome::NotManaged => Err(AppError::Refused(Refusal::NotManaged)),
    }
}

fn refusal(reason: RefundReason) -> Refusal {
    match reason {
        RefundReason::IsModerator => Refusal::IsModerator,
        RefundReason::AlreadyVip => Refusal::AlreadyVip,
        RefundReason::SlotsFull | RefundReason::WaitlistTimedOut => Refusal::SlotsFull,
        RefundReason::BuildACommunityRequired => Refusal::BuildACommunityRequired,
        RefundReason::UserBlocked => Refusal::UserBlocked,
        RefundReason::UserNotFound => Refusal::UserNotFound,
        RefundReason::RewardDisabled
        | RefundReason::TwitchUnavailable
        | RefundReason::RewardDeleted => Refusal::TwitchUnavailable,
        RefundReason::TwitchRefused => Refusal::TwitchRefused,
        RefundReason::BroadcasterSelf => Refusal::BroadcasterSelf,
        RefundReason::Excluded => Refusal::Excluded,
    }
}

fn engine_error(e: EngineError) -> AppError {
    match e {
        EngineError::UnknownChannel => AppError::NotFound,
        EngineError::Twitch(t) => {
            tracing::warn!(error = %t, "Twitch refused a VIP change");
            match t {
                super::twitch::TwitchError::Unauthorized => AppError::Refused(Refusal::NeedsReauth),
                _ => AppError::Refused(Refusal::TwitchUnavailable),
            }
        }
        other => internal("a VIP change failed", &other),
    }
}
