//! Coordination between instances: EventSub message ids remembered for a while (webhook dedupe),
//! leases on work one instance should do at a time, and the purge of every record whose time is
//! up.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;

/// The coordination part of the storage port.
#[async_trait]
pub trait CoordinationStore: Send + Sync {
    /// Remembers a message id until `now + ttl`. Returns `true` the first time an id is seen, and
    /// `false` while it is remembered (also to concurrent callers: exactly one sees `true`).
    async fn remember_message(
        &self,
        message_id: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool>;
    /// Forgets message ids and leases that expired before `now`, relayed live events published
    /// more than [`LIVE_EVENT_RETENTION`](super::LIVE_EVENT_RETENTION) before `now`, and inbox
    /// messages processed more than [`INBOX_RETENTION`](super::INBOX_RETENTION) before `now`
    /// (never unprocessed ones); returns how many records went.
    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64>;
    /// Takes the lease `name` for `holder` until `now + ttl` when it is free, expired, or already
    /// held by `holder` (which renews it). Returns whether `holder` holds it now.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool>;
    /// Gives the lease up if `holder` holds it; otherwise does nothing.
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()>;
}
