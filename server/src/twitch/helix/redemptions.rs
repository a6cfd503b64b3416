//! Redemptions of the app's reward: list the UNFULFILLED ones (oldest first, 50 a page) and fulfil or
//! cancel (= refund) one. Twitch answers 404 when the redemption is no longer UNFULFILLED.

use app::model::{ChannelId, Viewer};
use app::ssr::twitch::{PendingRedemption, RedemptionStatus, TwitchError};
use chrono::{DateTime, Utc};
use twitch_api::helix::points::get_custom_reward_redemption::GetCustomRewardRedemptionSortOrder;
use twitch_api::helix::points::{
    CustomRewardRedemption, CustomRewardRedemptionStatus, GetCustomRewardRedemptionRequest,
    UpdateRedemptionStatusBody, UpdateRedemptionStatusRequest,
};
use twitch_api::helix::RequestPatch;

use super::{classify, unreadable, HelixClient};

/// Page size of Get Custom Reward Redemption (Twitch's maximum).
const PAGE: usize = 50;

impl HelixClient {
    pub(super) async fn list_unfulfilled(
        &self,
        channel: &ChannelId,
        reward_id: &str,
    ) -> Result<Vec<PendingRedemption>, TwitchError> {
        let mut request = GetCustomRewardRedemptionRequest::broadcaster_id(channel.as_str())
            .reward_id(reward_id)
            .status(CustomRewardRedemptionStatus::Unfulfilled)
            .sort(GetCustomRewardRedemptionSortOrder::Oldest);
        request.first = Some(PAGE);
        self.get_all(channel, request)
            .await?
            .into_iter()
            .map(pending)
            .collect()
    }

    pub(super) async fn decide_redemption(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        redemption_id: &str,
        status: RedemptionStatus,
    ) -> Result<(), TwitchError> {
        let request =
            UpdateRedemptionStatusRequest::new(channel.as_str(), reward_id, redemption_id);
        let body = UpdateRedemptionStatusBody::status(match status {
            RedemptionStatus::Fulfilled => CustomRewardRedemptionStatus::Fulfilled,
            RedemptionStatus::Canceled => CustomRewardRedemptionStatus::Canceled,
        });
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                request.create_request(body.clone(), token, client_id)
            })
            .await?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(classify::error(reply.status, &reply.message()))
        }
    }
}

fn pending(r: CustomRewardRedemption) -> Result<PendingRedemption, TwitchError> {
    let redeemed_at = DateTime::parse_from_rfc3339(r.redeemed_at.as_str())
        .map_err(unreadable)?
        .with_timezone(&Utc);
    Ok(PendingRedemption {
        id: r.id.take(),
        reward_id: r.reward.id.take(),
        viewer: Viewer {
            id: r.user_id.take(),
            login: r.user_login.take(),
            display_name: r.user_name.take(),
        },
        redeemed_at,
    })
}
