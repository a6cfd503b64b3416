//! Custom rewards: create, update, delete, and list the ones this client id manages. A
//! [`RewardSpec`] maps onto Twitch's fields one to one; limits (title ≤ 45, prompt ≤ 200, cost ≥ 1,
//! …) are Twitch's to enforce, and its 400s come back as [`TwitchError::Rejected`] with Twitch's
//! message, except a duplicate title ([`RewardError::DuplicateTitle`]). Redemptions never skip the
//! request queue, so a failed grant can always be refunded.

use std::borrow::Cow;

use app::model::ChannelId;
use app::ssr::twitch::{ManagedReward, RewardError, RewardSpec, TwitchError};
use twitch_api::helix::points::{
    CreateCustomRewardBody, CreateCustomRewardRequest, CustomReward, DeleteCustomRewardRequest,
    GetCustomRewardRequest, UpdateCustomRewardBody, UpdateCustomRewardRequest,
};
use twitch_api::helix::{RequestDelete, RequestPatch, RequestPost};
use twitch_api::types::Max;

use super::{classify, unreadable, HelixClient};

impl HelixClient {
    pub(super) async fn post_reward(
        &self,
        channel: &ChannelId,
        spec: &RewardSpec,
    ) -> Result<String, RewardError> {
        let request = CreateCustomRewardRequest::broadcaster_id(channel.as_str());
        let body = create_body(spec);
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                request.create_request(body.clone(), token, client_id)
            })
            .await?;
        if !reply.is_success() {
            if reply.after_unanswered {
                tracing::info!(
                    status = reply.status,
                    "a reward creation was retried after no answer"
                );
            }
            return Err(classify::reward_error(reply.status, &reply.message()));
        }
        let uri = reply.uri.clone();
        let reward = CreateCustomRewardRequest::parse_response(None, &uri, reply.into_http())
            .map_err(unreadable)?
            .data;
        Ok(reward.id.take())
    }

    pub(super) async fn patch_reward(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        spec: &RewardSpec,
    ) -> Result<(), RewardError> {
        let request = UpdateCustomRewardRequest::new(channel.as_str(), reward_id);
        let body = update_body(spec);
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                request.create_request(body.clone(), token, client_id)
            })
            .await?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(classify::reward_error(reply.status, &reply.message()))
        }
    }

    pub(super) async fn remove_reward(
        &self,
        channel: &ChannelId,
        reward_id: &str,
    ) -> Result<(), TwitchError> {
        let request = DeleteCustomRewardRequest::new(channel.as_str(), reward_id);
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                request.create_request(token, client_id)
            })
            .await?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(classify::error(reply.status, &reply.message()))
        }
    }
}

impl HelixClient {
    /// Get Custom Reward with `only_manageable_rewards=true`: the rewards this client id created.
    pub(super) async fn list_manageable(
        &self,
        channel: &ChannelId,
    ) -> Result<Vec<ManagedReward>, TwitchError> {
        let request =
            GetCustomRewardRequest::broadcaster_id(channel.as_str()).only_manageable_rewards(true);
        Ok(self
            .get(channel, &request)
            .await?
            .data
            .into_iter()
            .map(managed)
            .collect())
    }
}

fn managed(r: CustomReward) -> ManagedReward {
    let limit = |enabled: bool, value: u32| enabled.then_some(value);
    let max = |m: &Max| match *m {
        Max::MaxPerStream {
            is_enabled,
            max_per_stream,
        } => limit(is_enabled, max_per_stream),
        Max::MaxPerUserPerStream {
            is_enabled,
            max_per_user_per_stream,
        } => limit(is_enabled, max_per_user_per_stream),
        _ => None,
    };
    ManagedReward {
        spec: RewardSpec {
            title: r.title,
            cost: u64::try_from(r.cost).unwrap_or(u64::MAX),
            prompt: r.prompt,
            enabled: r.is_enabled,
            global_cooldown_secs: limit(
                r.global_cooldown_setting.is_enabled,
                r.global_cooldown_setting.global_cooldown_seconds,
            ),
            max_per_stream: max(&r.max_per_stream_setting),
            max_per_user_per_stream: max(&r.max_per_user_per_stream_setting),
        },
        skips_request_queue: r.should_redemptions_skip_request_queue,
        id: r.id.take(),
    }
}

/// `(is_enabled, value)` of an optional limit.
fn setting(value: Option<u32>) -> (Option<bool>, Option<usize>) {
    (
        Some(value.is_some()),
        value.map(|v| usize::try_from(v).unwrap_or(usize::MAX)),
    )
}

fn cost(spec: &RewardSpec) -> usize {
    usize::try_from(spec.cost).unwrap_or(usize::MAX)
}

pub(super) fn create_body(spec: &RewardSpec) -> CreateCustomRewardBody<'static> {
    let mut body = CreateCustomRewardBody::new(spec.title.clone(), cost(spec));
    body.prompt = (!spec.prompt.is_empty()).then(|| Cow::Owned(spec.prompt.clone()));
    body.is_enabled = Some(spec.enabled);
    (
        body.is_global_cooldown_enabled,
        body.global_cooldown_seconds,
    ) = setting(spec.global_cooldown_secs);
    (body.is_max_per_stream_enabled, body.max_per_stream) = setting(spec.max_per_stream);
    (
        body.is_max_per_user_per_stream_enabled,
        body.max_per_user_per_stream,
    ) = setting(spec.max_per_user_per_stream);
    body.should_redemptions_skip_request_queue = Some(false);
    body
}

/// Every field is sent, so the reward ends up exactly as `spec` says.
pub(super) fn update_body(spec: &RewardSpec) -> UpdateCustomRewardBody<'static> {
    let mut body = UpdateCustomRewardBody::default();
    body.title = Some(Cow::Owned(spec.title.clone()));
    body.prompt = Some(Cow::Owned(spec.prompt.clone()));
    body.cost = Some(cost(spec));
    body.is_enabled = Some(spec.enabled);
    (
        body.is_global_cooldown_enabled,
        body.global_cooldown_seconds,
    ) = setting(spec.global_cooldown_secs);
    (body.is_max_per_stream_enabled, body.max_per_stream) = setting(spec.max_per_stream);
    (
        body.is_max_per_user_per_stream_enabled,
        body.max_per_user_per_stream,
    ) = setting(spec.max_per_user_per_stream);
    body.should_redemptions_skip_request_queue = Some(false);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> RewardSpec {
        RewardSpec {
            title: "VIP for a day".into(),
            cost: 5_000,
            prompt: "".into(),
            enabled: true,
            global_cooldown_secs: Some(60),
            max_per_stream: None,
            max_per_user_per_stream: Some(1),
        }
    }

    #[test]
    fn create_maps_every_field_and_never_skips_the_queue() {
        let json = serde_json::to_value(create_body(&spec())).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "title": "VIP for a day",
                "cost": 5000,
                "is_enabled": true,
                "is_global_cooldown_enabled": true,
                "global_cooldown_seconds": 60,
                "is_max_per_stream_enabled": false,
                "is_max_per_user_per_stream_enabled": true,
                "max_per_user_per_stream": 1,
                "should_redemptions_skip_request_queue": false,
            })
        );
    }

    #[test]
    fn update_sends_everything_so_removed_limits_are_switched_off() {
        let mut spec = spec();
        spec.global_cooldown_secs = None;
        spec.prompt = "Become VIP".into();
        let json = serde_json::to_value(update_body(&spec)).unwrap();
        assert_eq!(json["prompt"], "Become VIP");
        assert_eq!(json["cost"], 5000);
        assert_eq!(json["is_global_cooldown_enabled"], false);
        assert!(json.get("global_cooldown_seconds").is_none());
        assert_eq!(json["should_redemptions_skip_request_queue"], false);
    }
}
