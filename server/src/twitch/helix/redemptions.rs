//! Redemptions of the app's reward: list the UNFULFILLED ones (oldest first, 50 a page), fulfil or
//! cancel (= refund) one, or cancel up to 50 in one call. Twitch answers 404 when no named
//! redemption is UNFULFILLED any more.

use app::model::{ChannelId, Viewer};
use app::ssr::twitch::{
    PendingRedemption, RedemptionStatus, TwitchError, MAX_REDEMPTIONS_PER_UPDATE,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use twitch_api::helix::points::get_custom_reward_redemption::GetCustomRewardRedemptionSortOrder;
use twitch_api::helix::points::{
    CustomRewardRedemption, CustomRewardRedemptionStatus, GetCustomRewardRedemptionRequest,
    UpdateRedemptionStatusBody, UpdateRedemptionStatusRequest,
};
use twitch_api::helix::RequestPatch;
use twitch_api::types::RedemptionId;

use super::{classify, unreadable, HelixClient};

/// The part of Update Redemption Status's answer the app reads: which redemptions it changed.
#[derive(Deserialize)]
struct Changed {
    data: Vec<ChangedRedemption>,
}

#[derive(Deserialize)]
struct ChangedRedemption {
    id: String,
    status: String,
}

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

impl HelixClient {
    /// Update Redemption Status CANCELED for up to 50 ids (`id` repeated). The answer lists only
    /// what this call changed; the ids it leaves out are looked up, so one cancelled already (by
    /// an earlier attempt whose answer was lost, or by hand) is reported as CANCELED too.
    pub(super) async fn cancel_many(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        ids: &[String],
    ) -> Result<Vec<String>, TwitchError> {
        let Some(first) = ids.first() else {
            return Ok(Vec::new());
        };
        if ids.len() > MAX_REDEMPTIONS_PER_UPDATE {
            return Err(TwitchError::Rejected(format!(
                "at most {MAX_REDEMPTIONS_PER_UPDATE} redemptions per call"
            )));
        }
        let request =
            UpdateRedemptionStatusRequest::new(channel.as_str(), reward_id, first.as_str());
        let body = UpdateRedemptionStatusBody::status(CustomRewardRedemptionStatus::Canceled);
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                let mut http = request.create_request(body.clone(), token, client_id)?;
                *http.uri_mut() = with_more_ids(http.uri(), &ids[1..]);
                Ok(http)
            })
            .await?;
        let mut canceled = match reply.status {
            200..=299 => serde_json::from_slice::<Changed>(&reply.body)
                .map_err(unreadable)?
                .data
                .into_iter()
                .filter(|r| r.status == "CANCELED")
                .map(|r| r.id)
                .collect(),
            // None of them is UNFULFILLED (any more).
            404 => Vec::new(),
            status => return Err(classify::error(status, &reply.message())),
        };
        // Left out: decided before this call, or by an earlier attempt whose answer was lost.
        if canceled.len() < ids.len() {
            let missing: Vec<&String> = ids.iter().filter(|id| !canceled.contains(id)).collect();
            canceled.extend(self.canceled_among(channel, reward_id, &missing).await?);
        }
        Ok(canceled)
    }

    /// Which of `ids` (≤ 50) Get Custom Reward Redemption reports CANCELED.
    async fn canceled_among(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        ids: &[&String],
    ) -> Result<Vec<String>, TwitchError> {
        let ids: Vec<RedemptionId> = ids
            .iter()
            .map(|id| RedemptionId::from((*id).clone()))
            .collect();
        let request = GetCustomRewardRedemptionRequest::broadcaster_id(channel.as_str())
            .reward_id(reward_id)
            .ids(ids);
        let found = match self.get(channel, &request).await {
            Ok(page) => page.data,
            Err(TwitchError::NotFound) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(found
            .into_iter()
            .filter(|r| r.status == CustomRewardRedemptionStatus::Canceled)
            .map(|r| r.id.take())
            .collect())
    }
}

/// `uri` with `&id=…` appended for each further id (twitch_api's request names one).
fn with_more_ids(uri: &http::Uri, more: &[String]) -> http::Uri {
    let mut text = uri.to_string();
    for id in more {
        text.push_str("&id=");
        for byte in id.bytes() {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                text.push(char::from(byte));
            } else {
                text.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    text.parse().unwrap_or_else(|_| uri.clone())
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
