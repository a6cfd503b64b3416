//! Redemptions of the rewards: each recorded once, with what became of it.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::model::{RedemptionOutcome, RedemptionRecord};

/// A lease to take together with a new redemption, as
/// [`CoordinationStore::acquire_lease`](super::CoordinationStore::acquire_lease) takes it: free,
/// expired, or already held by `holder`.
#[derive(Debug, Clone, Copy)]
pub struct LeaseClaim<'a> {
    pub name: &'a str,
    pub holder: &'a str,
    pub now: DateTime<Utc>,
    pub ttl: Duration,
}

/// What [`RedemptionStore::create_redemption_with_lease`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewRedemption {
    /// A redemption with that id existed: nothing was written, no lease taken.
    Duplicate,
    /// Recorded; `leased` tells whether the lease was taken too (it is not when another holder
    /// holds it unexpired).
    Recorded { leased: bool },
}

/// The redemptions' part of the storage port.
#[async_trait]
pub trait RedemptionStore: Send + Sync {
    /// Records a redemption unless one with the same id exists, atomically.
    /// Returns `true` only to the one caller that created it: of any number of concurrent calls
    /// with one id, on any number of instances, exactly one sees `true`.
    async fn create_redemption(&self, record: &RedemptionRecord) -> StoreResult<bool>;
    /// [`Self::create_redemption`], and when this call records the redemption, the lease `claim`
    /// in the same transaction: one write where there were two, for a grant that marks its
    /// redemption before asking Twitch for the VIP.
    async fn create_redemption_with_lease(
        &self,
        record: &RedemptionRecord,
        claim: LeaseClaim<'_>,
    ) -> StoreResult<NewRedemption>;
    async fn redemption(&self, id: &str) -> StoreResult<Option<RedemptionRecord>>;
    /// Returns `false` when there is no such redemption.
    async fn set_redemption_outcome(
        &self,
        id: &str,
        outcome: RedemptionOutcome,
    ) -> StoreResult<bool>;
}
