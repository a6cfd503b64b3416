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
    /// `channel.subscription.message`: a subscriber shared a resubscription in chat (Twitch sends
    /// `channel.subscribe` for new subscriptions only). `message_id` as for [`Self::Subscribed`].
    Resubscribed {
        channel: ChannelId,
        message_id: String,
        viewer: Viewer,
        /// `1000`, `2000` or `3000`.
        tier: String,
        /// Months subscribed in all.
        cumulative_months: u32,
        /// The text the subscriber shared (may be empty).
        message: String,
    },
    /// `channel.bits.use`: bits spent in the channel — a cheer (also sent as `channel.cheer`), a
    /// Power-up or a Combo. `viewer` is `None` when nobody is named.
    BitsUsed {
        channel: ChannelId,
        message_id: String,
        viewer: Option<Viewer>,
        bits: u32,
        kind: BitsUse,
    },
    /// `stream.offline`: VIPs until the stream ends get their deadline (the grace period).
    StreamOffline { channel: ChannelId },
    /// `stream.online`, as far as VIP goes: VIPs until the stream ends within their grace period
    /// are kept. (The server also catches the channel up and greets the stream.)
    StreamOnline { channel: ChannelId },
    /// `channel.chat.message`: somebody wrote in the channel's chat.
    Chat(ChatMessage),
}

/// A message in a channel's chat (`channel.chat.message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    pub channel: ChannelId,
    /// Twitch's id of the message: replies thread to it, and it makes a command act once.
    pub message_id: String,
    pub chatter: Viewer,
    pub text: String,
    /// The chatter's badge sets (`broadcaster`, `moderator`, `lead_moderator`, `vip`, …).
    pub badges: Vec<String>,
    /// Shared Chat: the channel the message was sent in, when Twitch names one.
    pub source_channel: Option<ChannelId>,
}

impl ChatMessage {
    /// Whether the message was sent in another channel of a Shared Chat session.
    pub fn from_partner_channel(&self) -> bool {
        self.source_channel
            .as_ref()
            .is_some_and(|source| *source != self.channel)
    }

    /// Whether the chatter may manage VIPs from chat where the channel lets moderators: the
    /// broadcaster, a moderator or a lead moderator.
    pub fn is_broadcaster(&self) -> bool {
        self.chatter.id == self.channel.as_str() || self.has_badge("broadcaster")
    }

    pub fn is_moderator(&self) -> bool {
        self.has_badge("moderator") || self.has_badge("lead_moderator")
    }

    fn has_badge(&self, set: &str) -> bool {
        self.badges.iter().any(|b| b == set)
    }
}

/// What bits were spent on (`channel.bits.use` `type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BitsUse {
    /// `cheer`: the same cheer `channel.cheer` reports.
    Cheer,
    /// `power_up`, with the Power-up's own `type` (`message_effect`, `celebration`,
    /// `gigantify_an_emote`, …).
    PowerUp(String),
    /// `combo`.
    Combo,
    /// A type Twitch added after this was written, as sent.
    Other(String),
}

impl BitsUse {
    /// Reads `channel.bits.use`'s `type` (and the Power-up's `type`).
    pub fn from_twitch(kind: &str, power_up: Option<&str>) -> Self {
        match kind {
            "cheer" => Self::Cheer,
            "power_up" => Self::PowerUp(power_up.unwrap_or_default().to_owned()),
            "combo" => Self::Combo,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Where EventSub delivers events. Delivery is at least once: a message id seen before is dropped
/// before it gets here, and redemptions are deduplicated again by redemption id in the engine.
#[async_trait]
pub trait EventSink: Send + Sync + 'static {
    async fn deliver(&self, event: TwitchEvent);
}
