//! What Twitch tells the app through EventSub, in domain terms, whichever transport carried it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::model::{ChannelId, Viewer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TwitchEvent {
    /// `channel.channel_points_custom_reward_redemption.add`
    Redemption {
        channel: ChannelId,
        redemption_id: String,
        reward_id: String,
        viewer: Viewer,
        user_input: String,
        redeemed_at: DateTime<Utc>,
    },
    /// `channel.vip.add`
    VipAdded { channel: ChannelId, viewer: Viewer },
    /// `channel.vip.remove`
    VipRemoved { channel: ChannelId, viewer: Viewer },
    /// `channel.moderator.add`
    ModeratorAdded { channel: ChannelId, viewer: Viewer },
    /// `channel.moderator.remove`
    ModeratorRemoved { channel: ChannelId, viewer: Viewer },
    /// `channel.channel_points_custom_reward.update`
    RewardUpdated {
        channel: ChannelId,
        reward_id: String,
        enabled: bool,
        paused: bool,
    },
    /// `channel.channel_points_custom_reward.remove`
    RewardRemoved {
        channel: ChannelId,
        reward_id: String,
    },
    /// `user.authorization.revoke` (webhook), or a subscription revoked with `authorization_revoked`.
    AuthorizationRevoked { user_id: String },
    /// `channel.subscribe`: a new subscription (gifted ones too, with `is_gift`). `message_id` is
    /// the EventSub message id, the only id the event has: it makes the grant happen once.
    Subscribed {
        channel: ChannelId,
        message_id: String,
        viewer: Viewer,
        /// `1000`, `2000` or `3000`.
        tier: String,
        is_gift: bool,
    },
    /// `channel.subscription.gift`: `total` subs gifted at once; `gifter` is `None` when anonymous.
    SubsGifted {
        channel: ChannelId,
        message_id: String,
        gifter: Option<Viewer>,
        total: u32,
        tier: String,
    },
    /// `channel.cheer`: `viewer` is `None` when the cheer is anonymous.
    Cheered {
        channel: ChannelId,
        message_id: String,
        viewer: Option<Viewer>,
        bits: u32,
    },
}

/// Where EventSub delivers events. Delivery is at least once: a message id seen before is dropped
/// before it gets here, and redemptions are deduplicated again by redemption id in the engine.
#[async_trait]
pub trait EventSink: Send + Sync + 'static {
    async fn deliver(&self, event: TwitchEvent);
}
