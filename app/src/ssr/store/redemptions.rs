//! Redemptions of the rewards: each recorded once, with what became of it.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::{RedemptionOutcome, RedemptionRecord};

/// The redemptions' part of the storage port.
#[async_trait]
pub trait RedemptionStore: Send + Sync {
    /// Records a redemption unless one with the same id exists, atomically.
    /// Returns `true` only to the one caller that created it: of any number of concurrent calls
    /// with one id, on any number of instances, exactly one sees `true`.
    async fn create_redemption(&self, record: &RedemptionRecord) -> StoreResult<bool>;
    async fn redemption(&self, id: &str) -> StoreResult<Option<RedemptionRecord>>;
    /// Returns `false` when there is no such redemption.
    async fn set_redemption_outcome(
        &self,
        id: &str,
        outcome: RedemptionOutcome,
    ) -> StoreResult<bool>;
}
