//! Deleting a reward. Twitch would close its waiting redemptions as FULFILLED with the points
//! kept, so the engine switches it off and refunds them first ([`Engine::delete_reward`]); only
//! then is it deleted. When a refund fails the reward stays (switched off), the streamer gets
//! [`Refusal::RedemptionsNotRefunded`], and an activity-log line marked as a banner names the
//! redemptions.
//!
//! [`Engine::delete_reward`]: crate::ssr::engine::Engine::delete_reward

use chrono::Utc;

use super::{audit, owned, twitch_error};
use crate::error::{AppError, Refusal};
use crate::model::{
    Actor, AuditAction, AuditDetails, AuditEntry, ChannelId, LiveEvent, LiveKind, Reward,
};
use crate::ssr::auth::{authorize_for, Caller, Permission};
use crate::ssr::engine::{ClearReport, EngineError, RewardRemoval};
use crate::ssr::new_id;
use crate::ssr::twitch::TwitchError;
use crate::ssr::{internal, ServerContext};

/// Deletes a reward: switched off on Twitch, every redemption still waiting on it refunded (Twitch
/// would close them as FULFILLED, points kept), then deleted on Twitch and forgotten (a reward
/// Twitch no longer has counts as deleted). When a refund fails, the reward stays, switched off.
///
/// # Errors
/// [`AppError::NotFound`] for a reward of another channel; [`Refusal::RedemptionsNotRefunded`]
/// when a refund failed (logged with the redemptions, shown as a banner); Twitch's refusal.
pub async fn delete(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    reward_id: &str,
) -> Result<(), AppError> {
    let access = authorize_for(ctx, caller, channel, Permission::ManageRewards).await?;
    let reward = owned(ctx, channel, reward_id).await?;
    let removal = ctx
        .engine()
        .delete_reward(channel, &reward)
        .await
        .map_err(engine_error)?;
    match removal {
        RewardRemoval::Deleted(report) => {
            let note = deleted_note(&report);
            audit(
                ctx,
                &reward,
                AuditAction::RewardDeleted,
                access.actor,
                note.as_deref(),
            )
            .await
        }
        RewardRemoval::Kept(report) => Err(not_deleted(ctx, &reward, access.actor, &report).await),
    }
}

fn deleted_note(report: &ClearReport) -> Option<String> {
    let mut parts = Vec::new();
    if report.refunded > 0 {
        parts.push(format!(
            "{} waiting redemption(s) refunded first",
            report.refunded
        ));
    }
    if report.closed_by_twitch > 0 {
        parts.push(format!(
            "{} waiting redemption(s) had been closed on Twitch without a refund",
            report.closed_by_twitch
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The reward stays: the activity log and a banner say which redemptions still wait for a refund.
async fn not_deleted(
    ctx: &ServerContext,
    reward: &Reward,
    actor: Actor,
    report: &ClearReport,
) -> AppError {
    tracing::warn!(reward = %reward.id, not_refunded = report.not_refunded.len(),
        error = ?report.failure, "a reward was not deleted: refunds failed");
    let entry = AuditEntry {
        id: new_id(),
        channel_id: reward.channel_id.clone(),
        at: Utc::now(),
        action: AuditAction::TwitchError,
        actor,
        target: None,
        metadata: AuditDetails {
            operation: Some("delete_reward".into()),
            problem: Some("redemptions_not_refunded".into()),
            banner: Some(true),
            reward_id: Some(reward.id.clone()),
            title: Some(reward.title.clone()),
            refunded: Some(report.refunded),
            not_refunded: Some(report.not_refunded.clone()),
            detail: Some("the reward was not deleted (it is switched off): some waiting redemptions could not be refunded on Twitch; delete it again to retry".into()),
            ..AuditDetails::default()
        }
        .into(),
    };
    if let Err(e) = ctx.store().append_audit(&entry).await {
        return internal("auditing a reward that was not deleted", &e);
    }
    ctx.live().publish(
        LiveEvent::new(reward.channel_id.clone(), LiveKind::TwitchError).with_audit(entry),
    );
    ctx.live().publish(LiveEvent::new(
        reward.channel_id.clone(),
        LiveKind::RewardsChanged,
    ));
    match report.failure {
        Some(TwitchError::Unauthorized) => AppError::Refused(Refusal::NeedsReauth),
        _ => AppError::Refused(Refusal::RedemptionsNotRefunded),
    }
}

fn engine_error(e: EngineError) -> AppError {
    match e {
        EngineError::Twitch(t) => twitch_error(t),
        EngineError::UnknownChannel => AppError::NotFound,
        EngineError::Contended => AppError::Refused(Refusal::TwitchUnavailable),
        EngineError::Store(e) => internal("deleting a reward", &e),
    }
}
