use serde::{Deserialize, Serialize};

use super::{ChannelId, GrantLength};

/// A channel-point reward the app created and handles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reward {
    /// Twitch's reward id.
    pub id: String,
    pub channel_id: ChannelId,
    pub title: String,
    pub cost: u64,
    pub prompt: String,
    /// How long VIP lasts when this reward is redeemed: seconds, or `"stream_end"` on the wire.
    #[serde(with = "super::grant_length::secs_or_stream_end")]
    pub duration: GrantLength,
    pub enabled: bool,
    pub global_cooldown_secs: Option<u32>,
    pub max_per_stream: Option<u32>,
    pub max_per_user_per_stream: Option<u32>,
}
