//! The activity log (audit entries) of each channel.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::{AuditEntry, AuditPage, AuditQuery, ChannelId};

/// The activity log's part of the storage port.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an entry and, in the same write, counts it into the channel's analytics counters
    /// ([`super::AnalyticsStore`], decided by
    /// [`on_write`](crate::ssr::analytics::counters::on_write)).
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()>;
    /// A page of a channel's log, newest first (ties broken by id, descending), filtered by action
    /// and viewer. `next` is set when older matching entries exist; passing it back as `before`
    /// continues strictly after the last entry returned.
    async fn audit_page(&self, channel: &ChannelId, query: &AuditQuery) -> StoreResult<AuditPage>;
}
