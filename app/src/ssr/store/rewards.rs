//! The channel-point rewards that sell VIP, as this app created them on Twitch.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::{ChannelId, Reward};

/// The rewards' part of the storage port.
#[async_trait]
pub trait RewardStore: Send + Sync {
    /// Creates or replaces a reward (keyed by its Twitch id).
    async fn save_reward(&self, reward: &Reward) -> StoreResult<()>;
    async fn reward(&self, reward_id: &str) -> StoreResult<Option<Reward>>;
    /// A channel's rewards, ordered by title.
    async fn rewards(&self, channel: &ChannelId) -> StoreResult<Vec<Reward>>;
    /// Returns `false` when there was no such reward.
    async fn delete_reward(&self, reward_id: &str) -> StoreResult<bool>;
}
