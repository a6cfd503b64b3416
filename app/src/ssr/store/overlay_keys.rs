//! The OBS overlay's key: one per channel, stored only as the SHA-256 digest of the secret in the
//! overlay's URL and looked up by that digest.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::model::ChannelId;

/// A channel's overlay key as stored: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayKey {
    pub channel_id: ChannelId,
    /// SHA-256 of the secret, as 64 lowercase hex digits: the lookup key.
    pub hash: String,
    pub created_at: DateTime<Utc>,
}

/// The overlay keys' part of the storage port.
#[async_trait]
pub trait OverlayKeyStore: Send + Sync {
    /// Makes `key` its channel's one overlay key, replacing any earlier key of the channel: from
    /// the moment this returns, the earlier hash finds nothing. Atomic: of racing puts for one
    /// channel, the channel ends with exactly one of them.
    ///
    /// # Errors
    /// [`StoreError::Conflict`](super::StoreError::Conflict) when another channel's key has
    /// this hash.
    async fn put_overlay_key(&self, key: &OverlayKey) -> StoreResult<()>;
    /// The key with this hash, if it exists (a replaced or deleted key does not). An indexed
    /// lookup: its cost does not grow with the number of keys.
    async fn overlay_key_by_hash(&self, hash: &str) -> StoreResult<Option<OverlayKey>>;
    /// The channel's key, if it has one.
    async fn overlay_key(&self, channel: &ChannelId) -> StoreResult<Option<OverlayKey>>;
    /// Deletes the channel's key; returns whether it had one. Of racing deletions exactly one
    /// gets `true`.
    async fn delete_overlay_key(&self, channel: &ChannelId) -> StoreResult<bool>;
}
