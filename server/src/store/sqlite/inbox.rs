//! The durable EventSub inbox (`inbox`): one row per message id, pending while `processed_at` is
//! NULL. Storing is one `INSERT … ON CONFLICT DO NOTHING`, so of racing writers exactly one
//! stores; the pending queries walk a partial index of unprocessed rows only.

use app::model::ChannelId;
use app::ssr::store::{InboxMessage, InboxStore, INBOX_RETENTION};
use app::ssr::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::codec::{micros, time};
use super::readers::all;
use super::writer::Writer;
use super::SqliteStore;

struct InboxRow {
    message_id: String,
    channel_id: String,
    received_at: i64,
    payload: String,
}

impl InboxRow {
    /// The row as [`PENDING`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            message_id: row.get(0)?,
            channel_id: row.get(1)?,
            received_at: row.get(2)?,
            payload: row.get(3)?,
        })
    }
}

/// A channel's pending messages in arrival order: a walk of the partial index `inbox_pending`.
const PENDING: &str = "SELECT message_id, channel_id, received_at, payload FROM inbox
     WHERE channel_id = ?1 AND processed_at IS NULL
     ORDER BY received_at, message_id LIMIT ?2";

impl TryFrom<InboxRow> for InboxMessage {
    type Error = app::ssr::StoreError;

    fn try_from(row: InboxRow) -> Result<Self, Self::Error> {
        Ok(InboxMessage {
            message_id: row.message_id,
            channel_id: ChannelId(row.channel_id),
            received_at: time(row.received_at)?,
            payload: row.payload,
        })
    }
}

#[async_trait]
impl InboxStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn inbox_put(&self, message: &InboxMessage) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "INSERT INTO inbox (message_id, channel_id, received_at, payload)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (message_id) DO NOTHING",
                &[
                    &message.message_id,
                    &message.channel_id.as_str(),
                    &micros(message.received_at),
                    &message.payload,
                ],
            )
            .await?;
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn inbox_pending(
        &self,
        channel: &ChannelId,
        limit: u32,
    ) -> StoreResult<Vec<InboxMessage>> {
        self.reads
            .read(|c| {
                all(
                    c,
                    PENDING,
                    rusqlite::params![channel.as_str(), i64::from(limit)],
                    InboxRow::from_row,
                )
            })?
            .into_iter()
            .map(InboxMessage::try_from)
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn inbox_channels(&self, limit: u32) -> StoreResult<Vec<ChannelId>> {
        let limit = i64::from(limit);
        // The LIMIT counts channels, not rows: DISTINCT walks every pending message (a backlog).
        self.reads
            .read_long(move |c| {
                all(
                    c,
                    "SELECT DISTINCT channel_id FROM inbox WHERE processed_at IS NULL LIMIT ?1",
                    [limit],
                    |row| row.get(0).map(ChannelId),
                )
            })
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn inbox_done(&self, message_id: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "UPDATE inbox SET processed_at = COALESCE(processed_at, ?2) WHERE message_id = ?1",
                &[&message_id, &micros(at)],
            )
            .await?;
        Ok(done == 1)
    }
}

/// Deletes the messages processed more than [`INBOX_RETENTION`] before `now`.
pub(super) async fn purge(writer: &Writer, now: DateTime<Utc>) -> StoreResult<u64> {
    let retention = i64::try_from(INBOX_RETENTION.as_micros()).unwrap_or(i64::MAX);
    let done = writer
        .execute(
            "DELETE FROM inbox WHERE processed_at < ?1",
            &[&micros(now).saturating_sub(retention)],
        )
        .await?;
    Ok(done)
}
