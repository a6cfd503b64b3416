//! Reward use cases: the channel-point rewards the app creates on Twitch (only rewards the app
//! created can be fulfilled or refunded by it) and keeps in the store with their VIP duration.

use chrono::Utc;

use super::accounts::new_id;
use super::auth::{authorize_caller, Caller};
use super::engine::{ClearReport, EngineError, RewardRemoval};
use super::twitch::{RewardError, RewardSpec, TwitchError};
use super::{internal, ServerContext};
use crate::error::{AppError, Refusal};
use crate::model::{
    Actor, AuditAction, AuditEntry, ChannelId, LiveEvent, LiveKind, Reward, VipDuration,
};

/// What a streamer sets on a reward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardInput {
    pub spec: RewardSpec,
    pub duration: VipDuration,
}

/// Checks Twitch's reward rules before asking Twitch: title 1–45 characters, cost ≥ 1, prompt ≤ 200.
///
/// # Errors
/// [`AppError::Invalid`] naming the rule.
pub fn validate(spec: &RewardSpec) -> Result<(), AppError> {
    let title = spec.title.trim().chars().count();
    if title == 0 || title > 45 {
        return Err(AppError::Invalid(
            "the title must be 1 to 45 characters".into(),
        ));
    }
    if spec.cost == 0 {
        return Err(AppError::Invalid(
            "the cost must be at least 1 point".into(),
        ));
    }
    if spec.prompt.chars().count() > 200 {
        return Err(AppError::Invalid(
            "the prompt can be at most 200 characters".into(),
        ));
    }
    let zero = |v: Option<u32>| v == Some(0);
    if zero(spec.global_cooldown_secs)
        || zero(spec.max_per_stream)
        || zero(spec.max_per_user_per_stream)
    {
        return Err(AppError::Invalid(
            "limits and cooldowns must be at least 1".into(),
        ));
    }
    if spec.global_cooldown_secs.is_some_and(|s| s > 604_800) {
        return Err(AppError::Invalid(
            "the cooldown can be at most 7 days".into(),
        ));
    }
    Ok(())
}

/// The channel's rewards.
///
/// # Errors
/// Access errors; [`AppError::Internal`] on store failure.
pub async fn list(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<Vec<Reward>, AppError> {
    authorize_caller(ctx, caller, channel).await?;
    ctx.store()
        .rewards(channel)
        .await
        .map_err(|e| internal("listing rewards", &e))
}

/// Creates the reward on Twitch, then records it. Creation is idempotent: when Twitch answers
/// that the title is taken by a reward this app created (an earlier attempt whose answer was lost
/// created it), that reward is taken over instead (see [`super::reward_adoption`]).
///
/// # Errors
/// Access errors, validation errors, [`Refusal::DuplicateRewardTitle`] when a reward the app
/// cannot take over has the title, or Twitch's refusal.
pub async fn create(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    input: RewardInput,
) -> Result<Reward, AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    validate(&input.spec)?;
    match ctx.twitch().create_reward(channel, &input.spec).await {
        Ok(id) => {
            let reward = to_reward(id, channel, &input);
            save(ctx, &reward, AuditAction::RewardCreated, access.actor, None).await?;
            Ok(reward)
        }
        Err(RewardError::DuplicateTitle) => {
            super::reward_adoption::adopt(ctx, access.actor, channel, &input).await
        }
        Err(RewardError::Twitch(e)) => Err(twitch_error(e)),
    }
}

/// Changes a reward on Twitch, then records it.
///
/// # Errors
/// [`AppError::NotFound`] for a reward of another channel; as [`create`] otherwise.
pub async fn update(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    reward_id: &str,
    input: RewardInput,
) -> Result<Reward, AppError> {
    let access = authorize_caller(ctx, caller, channel).await?;
    validate(&input.spec)?;
    owned(ctx, channel, reward_id).await?;
    match ctx
        .twitch()
        .update_reward(channel, reward_id, &input.spec)
        .await
    {
        Ok(()) => {}
        Err(RewardError::DuplicateTitle) => {
            let title = input.spec.title.trim();
            return Err(refuse_duplicate(ctx, access.actor, channel, title, "update_reward").await);
        }
        Err(RewardError::Twitch(e)) => return Err(twitch_error(e)),
    }
    let reward = to_reward(reward_id.to_owned(), channel, &input);
    save(ctx, &reward, AuditAction::RewardUpdated, access.actor, None).await?;
    Ok(reward)
}

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
    let access = authorize_caller(ctx, caller, channel).await?;
    let reward = owned(ctx, channel, reward_id).await?;
    let removal = ctx
        .engine()
        .delete_reward(channel, &reward)
        .await
        .map_err(engine_error)?;
    match removal {
        RewardRemoval::Deleted(report) => {
            let note = deleted_note(&report);
            audit(ctx, &reward, AuditAction::RewardDeleted, access.actor, note.as_deref()).await
        }
        RewardRemoval::Kept(report) => Err(not_deleted(ctx, &reward, access.actor, &report).await),
    }
}

fn deleted_note(report: &ClearReport) -> Option<String> {
    let mut parts = Vec::new();
    if report.refunded > 0 {
        parts.push(format!("{} waiting redemption(s) refunded first", report.refunded));
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
        metadata: serde_json::json!({
            "operation": "delete_reward",
            "problem": "redemptions_not_refunded",
            "banner": true,
            "reward_id": reward.id,
            "title": reward.title,
            "refunded": report.refunded,
            "not_refunded": report.not_refunded,
            "detail": "the reward was not deleted (it is switched off): some waiting redemptions could not be refunded on Twitch; delete it again to retry",
        }),
    };
    if let Err(e) = ctx.store().append_audit(&entry).await {
        return internal("auditing a reward that was not deleted", &e);
    }
    ctx.live().publish(
        LiveEvent::new(reward.channel_id.clone(), LiveKind::TwitchError).with_audit(entry),
    );
    ctx.live()
        .publish(LiveEvent::new(reward.channel_id.clone(), LiveKind::RewardsChanged));
    match report.failure {
        Some(TwitchError::Unauthorized) => AppError::Refused(Refusal::NeedsReauth),
        _ => AppError::Refused(Refusal::RedemptionsNotRefunded),
    }
}

/// Twitch refused a title as taken by a reward the app cannot take over: logged, audited, and
/// the streamer is asked to rename it.
pub(super) async fn refuse_duplicate(
    ctx: &ServerContext,
    actor: Actor,
    channel: &ChannelId,
    title: &str,
    operation: &str,
) -> AppError {
    tracing::info!(%channel, operation, "Twitch refused a reward title as taken");
    let entry = AuditEntry {
        id: new_id(),
        channel_id: channel.clone(),
        at: Utc::now(),
        action: AuditAction::TwitchError,
        actor,
        target: None,
        metadata: serde_json::json!({
            "operation": operation,
            "problem": "duplicate_reward_title",
            "title": title,
            "detail": Refusal::DuplicateRewardTitle.message(),
        }),
    };
    if let Err(e) = ctx.store().append_audit(&entry).await {
        return internal("auditing a refused reward title", &e);
    }
    ctx.live()
        .publish(LiveEvent::new(channel.clone(), LiveKind::TwitchError).with_audit(entry));
    AppError::Refused(Refusal::DuplicateRewardTitle)
}

pub(super) fn to_reward(id: String, channel: &ChannelId, input: &RewardInput) -> Reward {
    Reward {
        id,
        channel_id: channel.clone(),
        title: input.spec.title.trim().to_owned(),
        cost: input.spec.cost,
        prompt: input.spec.prompt.clone(),
        duration: input.duration,
        enabled: input.spec.enabled,
        global_cooldown_secs: input.spec.global_cooldown_secs,
        max_per_stream: input.spec.max_per_stream,
        max_per_user_per_stream: input.spec.max_per_user_per_stream,
    }
}

async fn owned(
    ctx: &ServerContext,
    channel: &ChannelId,
    reward_id: &str,
) -> Result<Reward, AppError> {
    ctx.store()
        .reward(reward_id)
        .await
        .map_err(|e| internal("reading a reward", &e))?
        .filter(|r| &r.channel_id == channel)
        .ok_or(AppError::NotFound)
}

/// Records the reward, then audits and announces the change (`note` in words, if any).
pub(super) async fn save(
    ctx: &ServerContext,
    reward: &Reward,
    action: AuditAction,
    actor: Actor,
    note: Option<&str>,
) -> Result<(), AppError> {
    ctx.store()
        .save_reward(reward)
        .await
        .map_err(|e| internal("saving a reward", &e))?;
    audit(ctx, reward, action, actor, note).await
}

async fn audit(
    ctx: &ServerContext,
    reward: &Reward,
    action: AuditAction,
    actor: Actor,
    note: Option<&str>,
) -> Result<(), AppError> {
    let mut metadata = serde_json::json!({
        "reward_id": reward.id,
        "title": reward.title,
        "cost": reward.cost,
        "duration_secs": reward.duration.as_secs(),
    });
    if let Some(note) = note {
        metadata["note"] = note.into();
    }
    let entry = AuditEntry {
        id: new_id(),
        channel_id: reward.channel_id.clone(),
        at: Utc::now(),
        action,
        actor,
        target: None,
        metadata,
    };
    ctx.store()
        .append_audit(&entry)
        .await
        .map_err(|e| internal("auditing a reward change", &e))?;
    ctx.live().publish(
        LiveEvent::new(reward.channel_id.clone(), LiveKind::RewardsChanged).with_audit(entry),
    );
    Ok(())
}

pub(super) fn twitch_error(e: TwitchError) -> AppError {
    tracing::warn!(error = %e, "Twitch refused a reward change");
    match e {
        TwitchError::Rejected(message) => AppError::Invalid(format!("Twitch refused: {message}")),
        TwitchError::Forbidden(_) => AppError::Invalid(
            "Twitch refused: channel points need an affiliate or partner channel, and only rewards made by this app can be changed".into(),
        ),
        TwitchError::NotFound => AppError::NotFound,
        TwitchError::Unauthorized => AppError::Refused(Refusal::NeedsReauth),
        TwitchError::RateLimited { .. } | TwitchError::Transient(_) => AppError::Refused(Refusal::TwitchUnavailable),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> RewardSpec {
        RewardSpec {
            title: "VIP for a day".into(),
            cost: 5_000,
            prompt: String::new(),
            enabled: true,
            global_cooldown_secs: None,
            max_per_stream: None,
            max_per_user_per_stream: None,
        }
    }

    #[test]
    fn twitch_reward_rules_are_checked_first() {
        assert!(validate(&spec()).is_ok());
        assert!(validate(&RewardSpec {
            title: "x".repeat(46),
            ..spec()
        })
        .is_err());
        assert!(validate(&RewardSpec {
            title: "  ".into(),
            ..spec()
        })
        .is_err());
        assert!(validate(&RewardSpec { cost: 0, ..spec() }).is_err());
        assert!(validate(&RewardSpec {
            prompt: "p".repeat(201),
            ..spec()
        })
        .is_err());
        assert!(validate(&RewardSpec {
            max_per_stream: Some(0),
            ..spec()
        })
        .is_err());
        assert!(validate(&RewardSpec {
            global_cooldown_secs: Some(604_801),
            ..spec()
        })
        .is_err());
    }
}
