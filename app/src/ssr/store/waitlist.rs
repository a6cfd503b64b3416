//! The waitlist of a channel whose VIP slots are full: first queued, first served.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::{ChannelId, WaitlistEntry};

/// The waitlist's part of the storage port.
#[async_trait]
pub trait WaitlistStore: Send + Sync {
    /// Appends to a channel's waitlist (a redemption id appears at most once; a repeat is ignored).
    async fn waitlist_push(&self, entry: &WaitlistEntry) -> StoreResult<()>;
    /// A channel's waitlist, first queued first.
    async fn waitlist(&self, channel: &ChannelId) -> StoreResult<Vec<WaitlistEntry>>;
    /// Takes an entry off the waitlist. Returns `true` to exactly one of any racing callers.
    async fn waitlist_remove(&self, channel: &ChannelId, redemption_id: &str) -> StoreResult<bool>;
}
