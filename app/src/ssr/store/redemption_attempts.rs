//! Catch-up attempts at pending redemptions, counted so that a redemption Twitch keeps failing
//! is refunded after a bounded number of catch-up passes.

use async_trait::async_trait;

use super::StoreResult;

/// The catch-up attempts' part of the storage port.
#[async_trait]
pub trait RedemptionAttemptStore: Send + Sync {
    /// Counts one more catch-up attempt at a redemption and returns the count, this one included
    /// (1 the first time); `None` when there is no such redemption. The count is kept with the
    /// redemption (it survives restarts and is shared by every instance), starts at 0 when the
    /// redemption is created, and no other method changes it. Atomic: of any number of racing
    /// calls, on any number of instances, each gets a different count.
    async fn note_redemption_attempt(&self, id: &str) -> StoreResult<Option<u32>>;
}
