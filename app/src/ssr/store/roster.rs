//! The channel's VIP roster beyond its sessions: the exclusion list (viewers who may never get VIP
//! from the app) and the VIP slot capacity learned from Twitch.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::{ChannelId, Exclusion, SlotCapacity};

/// The roster's part of the storage port.
#[async_trait]
pub trait RosterStore: Send + Sync {
    /// Puts a viewer on the channel's exclusion list. Returns `false` (and changes nothing, the
    /// first entry's time and author stay) when they are on it already.
    async fn exclude_viewer(&self, exclusion: &Exclusion) -> StoreResult<bool>;
    /// Takes a viewer off the list. Returns whether they were on it.
    async fn readmit_viewer(&self, channel: &ChannelId, viewer_id: &str) -> StoreResult<bool>;
    /// Whether the viewer is on the channel's exclusion list.
    async fn is_excluded(&self, channel: &ChannelId, viewer_id: &str) -> StoreResult<bool>;
    /// The channel's exclusion list, by login, then viewer id.
    async fn exclusions(&self, channel: &ChannelId) -> StoreResult<Vec<Exclusion>>;
    /// The capacity last learned for the channel, if any.
    async fn slot_capacity(&self, channel: &ChannelId) -> StoreResult<Option<SlotCapacity>>;
    /// Records what was learned, replacing what was known: a channel's slots can grow or shrink.
    async fn set_slot_capacity(
        &self,
        channel: &ChannelId,
        capacity: &SlotCapacity,
    ) -> StoreResult<()>;
}
