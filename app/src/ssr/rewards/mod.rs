//! Reward use cases: the channel-point rewards the app creates on Twitch (only rewards the app
//! created can be fulfilled or refunded by it) and keeps in the store with their VIP duration.
//! Taking over a reward whose creation answer was lost is in [`adoption`]; deleting a reward (its
//! waiting redemptions refunded first) in [`deletion`].

mod adoption;
mod deletion;

pub use deletion::delete;

use chrono::Utc;

use super::auth::{authorize_for, Caller, Permission};
use super::new_id;
use super::twitch::{RewardError, RewardSpec, TwitchError};
use super::{OrInternal, ServerContext};
use crate::error::{AppError, Refusal};
use crate::model::{
    Actor, AuditAction, AuditDetails, AuditEntry, BadInput, ChannelId, GrantLength, LiveEvent,
    LiveKind, Reward,
};

/// What a streamer sets on a reward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardInput {
    pub spec: RewardSpec,
    pub duration: GrantLength,
}

/// Checks Twitch's reward rules before asking Twitch: title 1–45 characters, cost ≥ 1, prompt ≤ 200.
///
/// # Errors
/// [`AppError::Invalid`] naming the rule.
pub fn validate(spec: &RewardSpec) -> Result<(), AppError> {
    let title = spec.title.trim().chars().count();
    if title == 0 || title > 45 {
        return Err(BadInput::TitleLength.into());
    }
    if spec.cost == 0 {
        return Err(BadInput::CostZero.into());
    }
    if spec.prompt.chars().count() > 200 {
        return Err(BadInput::PromptTooLong.into());
    }
    let zero = |v: Option<u32>| v == Some(0);
    if zero(spec.global_cooldown_secs)
        || zero(spec.max_per_stream)
        || zero(spec.max_per_user_per_stream)
    {
        return Err(BadInput::LimitsZero.into());
    }
    if spec.global_cooldown_secs.is_some_and(|s| s > 604_800) {
        return Err(BadInput::CooldownTooLong.into());
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
    authorize_for(ctx, caller, channel, Permission::ManageRewards).await?;
    crate::ssr::page_reads::rewards(ctx.store().as_ref(), channel)
        .await
        .or_internal("listing rewards")
}

/// Creates the reward on Twitch, then records it. Creation is idempotent: when Twitch answers
/// that the title is taken by a reward this app created (an earlier attempt whose answer was lost
/// created it), that reward is taken over instead (see [`adoption`]).
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
    let access = authorize_for(ctx, caller, channel, Permission::ManageRewards).await?;
    validate(&input.spec)?;
    match ctx.twitch().create_reward(channel, &input.spec).await {
        Ok(id) => {
            let reward = to_reward(id, channel, &input);
            save(ctx, &reward, AuditAction::RewardCreated, access.actor, None).await?;
            Ok(reward)
        }
        Err(RewardError::DuplicateTitle) => {
            adoption::adopt(ctx, access.actor, channel, &input).await
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
    let access = authorize_for(ctx, caller, channel, Permission::ManageRewards).await?;
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
            return Err(adoption::refuse_duplicate(
                ctx,
                access.actor,
                channel,
                title,
                "update_reward",
            )
            .await);
        }
        Err(RewardError::Twitch(e)) => return Err(twitch_error(e)),
    }
    let reward = to_reward(reward_id.to_owned(), channel, &input);
    save(ctx, &reward, AuditAction::RewardUpdated, access.actor, None).await?;
    Ok(reward)
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

pub(super) async fn owned(
    ctx: &ServerContext,
    channel: &ChannelId,
    reward_id: &str,
) -> Result<Reward, AppError> {
    ctx.store()
        .reward(reward_id)
        .await
        .or_internal("reading a reward")?
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
        .or_internal("saving a reward")?;
    audit(ctx, reward, action, actor, note).await
}

pub(super) async fn audit(
    ctx: &ServerContext,
    reward: &Reward,
    action: AuditAction,
    actor: Actor,
    note: Option<&str>,
) -> Result<(), AppError> {
    let details = AuditDetails {
        reward_id: Some(reward.id.clone()),
        title: Some(reward.title.clone()),
        cost: Some(reward.cost),
        duration_secs: reward.duration.secs(),
        note: note.map(str::to_owned),
        ..AuditDetails::default()
    };
    let entry = AuditEntry {
        id: new_id(),
        channel_id: reward.channel_id.clone(),
        at: Utc::now(),
        action,
        actor,
        target: None,
        metadata: details.into(),
    };
    ctx.store()
        .append_audit(&entry)
        .await
        .or_internal("auditing a reward change")?;
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
