//! The durable EventSub inbox: every verified notification is written here before Twitch gets its
//! acknowledgement, and processed from here afterwards. A message stored but not processed when
//! the process dies is processed after the restart, so no grant from any source is lost.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::model::ChannelId;

/// How long a processed message is kept as a dedupe record before the purge deletes it: beyond
/// the 10 minutes after which Twitch's messages count as stale and are refused anyway.
pub const INBOX_RETENTION: Duration = Duration::from_secs(11 * 60);

/// One EventSub notification as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxMessage {
    /// Twitch's message id: the same message delivered twice (a webhook retry, both sockets of a
    /// hand-over, two instances) is stored once.
    pub message_id: String,
    /// The channel it concerns; its messages are processed in arrival order.
    pub channel_id: ChannelId,
    /// When this app received it (its arrival order).
    pub received_at: DateTime<Utc>,
    /// The notification's `{"subscription": …, "event": …}` JSON as Twitch sent it.
    pub payload: String,
}

/// The inbox's part of the storage port.
#[async_trait]
pub trait InboxStore: Send + Sync {
    /// Stores `message` unless a message with its id is stored (still pending, or processed and
    /// not yet purged). Returns whether this call stored it: of any number of racing calls with
    /// one id, on any number of instances, exactly one sees `true`.
    async fn inbox_put(&self, message: &InboxMessage) -> StoreResult<bool>;

    /// A channel's unprocessed messages in arrival order (`received_at`, then `message_id`), at
    /// most `limit`. An indexed query: its cost does not grow with processed messages.
    async fn inbox_pending(
        &self,
        channel: &ChannelId,
        limit: u32,
    ) -> StoreResult<Vec<InboxMessage>>;

    /// Channels that have unprocessed messages, each once, at most `limit`, in no particular order.
    async fn inbox_channels(&self, limit: u32) -> StoreResult<Vec<ChannelId>>;

    /// Marks a message processed at `at`. It then stays only as a dedupe record, deleted by
    /// `purge_expired` once [`INBOX_RETENTION`] has passed. Returns `false` when there is no
    /// such message; marking it twice is harmless.
    async fn inbox_done(&self, message_id: &str, at: DateTime<Utc>) -> StoreResult<bool>;
}
