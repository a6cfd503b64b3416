//! The analytics counters: per channel and UTC day, what the activity log adds up to (see
//! [`crate::ssr::analytics::counters`] for the rules), kept up to date by `append_audit` in the
//! same write as the entry, so a crash can neither count an entry twice nor lose it.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::StoreResult;
use crate::model::ChannelId;
use crate::ssr::analytics::counters::Days;

/// How many log entries one backfill step counts (one transaction on backends that must split
/// the backfill).
pub const BACKFILL_STEP: u32 = 100;

/// The analytics counters' part of the storage port.
#[async_trait]
pub trait AnalyticsStore: Send + Sync {
    /// Makes `channel`'s counters complete: counts the log entries older than its counters (all
    /// of them for a channel without counters, taking `now` as the start of its live counting),
    /// newest first with [`count`](crate::ssr::analytics::counters::count), and returns once
    /// done. Cheap (one read) when the counters are complete already.
    ///
    /// Each entry is counted exactly once, whether it was written before, during or after the
    /// backfill, and whatever other backfills of the channel run at the same time, on any
    /// instance.
    async fn analytics_backfill(&self, channel: &ChannelId, now: DateTime<Utc>) -> StoreResult<()>;

    /// `channel`'s day records from `from` to `to` (both included); days without any counted
    /// entry are absent.
    async fn analytics_days(
        &self,
        channel: &ChannelId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Days>;
}
