use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ChannelId, Viewer};

/// Why a redemption was refunded (its status set to CANCELED on Twitch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    IsModerator,
    AlreadyVip,
    SlotsFull,
    WaitlistTimedOut,
    BuildACommunityRequired,
    UserBlocked,
    UserNotFound,
    RewardDisabled,
    /// Twitch refused to add the VIP for a reason no rule maps (a 403, an unexplained 422 or 400…).
    TwitchRefused,
    /// Twitch kept failing (5xx, time-outs, rate limits) through every catch-up attempt.
    TwitchUnavailable,
    /// The broadcaster redeemed their own reward: Twitch has no VIP role for a channel's owner.
    BroadcasterSelf,
    /// The streamer deleted the reward while the redemption was waiting (waitlisted or pending):
    /// refunded first, as Twitch would otherwise close it as FULFILLED with the points kept.
    RewardDeleted,
    /// The streamer put the viewer on the channel's exclusion list: never VIP from the app.
    Excluded,
}

impl RefundReason {
    /// Words for the viewer in chat and for the streamer in the activity log.
    pub fn describe(self) -> &'static str {
        match self {
            Self::IsModerator => "moderators cannot be VIPs",
            Self::AlreadyVip => "you are already a permanent VIP",
            Self::SlotsFull => "all VIP slots are taken",
            Self::WaitlistTimedOut => "no VIP slot freed up in time",
            Self::BuildACommunityRequired => {
                "the channel must complete Build a Community before adding VIPs"
            }
            Self::UserBlocked => "the channel has blocked this viewer",
            Self::UserNotFound => "the viewer's account was not found",
            Self::RewardDisabled => "this reward is switched off",
            Self::TwitchRefused => "Twitch refused to add the VIP",
            Self::TwitchUnavailable => "Twitch could not be reached for too long",
            Self::BroadcasterSelf => "the broadcaster cannot be a VIP of their own channel",
            Self::RewardDeleted => "the reward was deleted",
            Self::Excluded => "the streamer does not offer VIP to this viewer",
        }
    }
}

/// What became of a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum RedemptionOutcome {
    /// Recorded, not decided yet (or waiting for Twitch to recover).
    Pending,
    Fulfilled,
    Refunded(RefundReason),
    Waitlisted,
    /// Twitch closed it without the app: its reward was deleted outside the app while it waited,
    /// and Twitch marks such redemptions FULFILLED (points kept). No VIP was granted and the app
    /// could not refund it; the streamer is told to make it up by hand.
    ClosedByTwitch,
}

/// A channel-point redemption the app has seen. The Twitch redemption id is unique: a second
/// delivery of the same redemption finds this record and stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedemptionRecord {
    pub id: String,
    pub channel_id: ChannelId,
    pub reward_id: String,
    pub viewer: Viewer,
    pub received_at: DateTime<Utc>,
    pub outcome: RedemptionOutcome,
}

/// A viewer waiting for a free VIP slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitlistEntry {
    pub channel_id: ChannelId,
    pub redemption_id: String,
    pub viewer: Viewer,
    pub duration_secs: u64,
    pub queued_at: DateTime<Utc>,
}
