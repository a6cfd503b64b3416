//! Idempotent reward creation. Create Custom Rewards may take effect while its answer is lost (a
//! time-out or a 5xx); the retry (the HTTP client's own, or the streamer's second click) is then
//! refused as a duplicate title, and the reward Twitch did create would be live on the channel with
//! the app ignoring its redemptions. So a duplicate-title refusal is followed by Get Custom Reward
//! `only_manageable_rewards=true` (the rewards this app's client id created): the one with that
//! title is taken over — recorded as the app's reward and brought to the requested settings. A
//! reward of that title made on Twitch's dashboard or by another app cannot be managed by this app
//! and is the streamer's to rename; one the app already has is not created twice. The refusal for
//! a taken title (logged, audited) is here too, shared with renaming a reward.

use chrono::Utc;

use super::{save, to_reward, twitch_error, RewardInput};
use crate::error::{AppError, Refusal};
use crate::model::{
    Actor, AuditAction, AuditDetails, AuditEntry, ChannelId, LiveEvent, LiveKind, Reward,
};
use crate::ssr::new_id;
use crate::ssr::twitch::{ManagedReward, RewardError, RewardSpec};
use crate::ssr::{internal, OrInternal, ServerContext};

/// Why an adopted reward is in the activity log as created.
const ADOPTED_NOTE: &str = "Twitch had this reward already: created by the app on an earlier attempt whose answer was lost, now taken over";

/// After Twitch refused `input`'s title as taken: takes over the app's own reward of that title,
/// or explains why not.
///
/// # Errors
/// [`Refusal::DuplicateRewardTitle`] when the title belongs to a reward the app did
/// not create or already manages with other settings; Twitch's refusal; store failures.
pub(super) async fn adopt(
    ctx: &ServerContext,
    actor: Actor,
    channel: &ChannelId,
    input: &RewardInput,
) -> Result<Reward, AppError> {
    let title = input.spec.title.trim();
    let mine = ctx
        .twitch()
        .manageable_rewards(channel)
        .await
        .map_err(twitch_error)?;
    let Some(found) = mine.into_iter().find(|r| same_title(&r.spec.title, title)) else {
        return Err(refuse_duplicate(ctx, actor, channel, title, "create_reward").await);
    };
    let wanted = to_reward(found.id.clone(), channel, input);
    let known = ctx
        .store()
        .reward(&found.id)
        .await
        .or_internal("reading a reward")?
        .filter(|r| &r.channel_id == channel);
    if let Some(known) = known {
        // The app has it: the same request again is answered as before; anything else would
        // change a reward the streamer did not ask to change.
        return if known == wanted {
            Ok(known)
        } else {
            Err(refuse_duplicate(ctx, actor, channel, title, "create_reward").await)
        };
    }
    let spec = RewardSpec {
        title: title.to_owned(),
        ..input.spec.clone()
    };
    if needs_update(&found, &spec) {
        ctx.twitch()
            .update_reward(channel, &found.id, &spec)
            .await
            .map_err(|e| match e {
                RewardError::Twitch(e) => twitch_error(e),
                RewardError::DuplicateTitle => AppError::Refused(Refusal::DuplicateRewardTitle),
            })?;
    }
    tracing::info!(%channel, reward = %found.id, "took over a reward the app had created on Twitch");
    save(
        ctx,
        &wanted,
        AuditAction::RewardCreated,
        actor,
        Some(ADOPTED_NOTE),
    )
    .await?;
    Ok(wanted)
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
        metadata: AuditDetails {
            operation: Some(operation.to_string()),
            problem: Some("duplicate_reward_title".into()),
            title: Some(title.to_string()),
            detail: Some(Refusal::DuplicateRewardTitle.message().to_string()),
            ..AuditDetails::default()
        }
        .into(),
    };
    if let Err(e) = ctx.store().append_audit(&entry).await {
        return internal("auditing a refused reward title", &e);
    }
    ctx.live()
        .publish(LiveEvent::new(channel.clone(), LiveKind::TwitchError).with_audit(entry));
    AppError::Refused(Refusal::DuplicateRewardTitle)
}

/// Whether two titles are the same to Twitch's uniqueness rule (which ignores case).
fn same_title(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Whether the reward on Twitch differs from what was asked (or would skip the request queue,
/// which the app never allows: such redemptions could not be refunded).
fn needs_update(found: &ManagedReward, spec: &RewardSpec) -> bool {
    found.spec != *spec || found.skips_request_queue
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(title: &str) -> RewardSpec {
        RewardSpec {
            title: title.into(),
            cost: 500,
            prompt: String::new(),
            enabled: true,
            global_cooldown_secs: None,
            max_per_stream: None,
            max_per_user_per_stream: None,
        }
    }

    #[test]
    fn titles_match_as_twitch_compares_them() {
        assert!(same_title("VIP for a day", "vip FOR a day"));
        assert!(same_title(" Äpfel ", "äpfel"));
        assert!(!same_title("VIP for a day", "VIP for a week"));
    }

    #[test]
    fn only_a_different_reward_is_updated() {
        let found = ManagedReward {
            id: "r".into(),
            spec: spec("VIP"),
            skips_request_queue: false,
        };
        assert!(!needs_update(&found, &spec("VIP")));
        assert!(needs_update(&found, &spec("vip")));
        assert!(needs_update(
            &found,
            &RewardSpec {
                cost: 1,
                ..spec("VIP")
            }
        ));
        let skipping = ManagedReward {
            skips_request_queue: true,
            ..found
        };
        assert!(needs_update(&skipping, &spec("VIP")));
    }
}
