//! Live events relayed between instances (`live_events`): appended by the publisher, read back
//! by time through the `(at, id)` index, deleted once older than the retention.

use app::model::ChannelId;
use app::ssr::store::{LiveEventFeed, LiveEventStore, RelayedEvent, LIVE_EVENT_RETENTION};
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::codec::{micros, time};
use super::readers::all;
use super::writer::Writer;
use super::SqliteStore;

struct LiveEventRow {
    id: String,
    instance_id: String,
    channel_id: String,
    at: i64,
    event_json: String,
}

impl LiveEventRow {
    /// The row as [`SINCE`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            instance_id: row.get(1)?,
            channel_id: row.get(2)?,
            at: row.get(3)?,
            event_json: row.get(4)?,
        })
    }
}

impl TryFrom<LiveEventRow> for RelayedEvent {
    type Error = StoreError;

    fn try_from(row: LiveEventRow) -> Result<Self, Self::Error> {
        Ok(RelayedEvent {
            id: row.id,
            instance_id: row.instance_id,
            channel_id: ChannelId(row.channel_id),
            at: time(row.at)?,
            event_json: row.event_json,
        })
    }
}

/// The relay's poll: an index walk from `since`, without a sort.
pub(super) const SINCE: &str = "SELECT id, instance_id, channel_id, at, event_json
     FROM live_events WHERE at >= ?1 ORDER BY at, id LIMIT ?2";

#[async_trait]
impl LiveEventStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn append_live_event(&self, event: &RelayedEvent) -> StoreResult<()> {
        self.writer
            .execute(
                "INSERT INTO live_events (id, instance_id, channel_id, at, event_json)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                &[
                    &event.id,
                    &event.instance_id,
                    &event.channel_id.as_str(),
                    &micros(event.at),
                    &event.event_json,
                ],
            )
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn live_events_since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<RelayedEvent>> {
        self.reads
            .read(|c| {
                all(
                    c,
                    SINCE,
                    [micros(since), i64::from(limit)],
                    LiveEventRow::from_row,
                )
            })?
            .into_iter()
            .map(RelayedEvent::try_from)
            .collect()
    }

    /// SQLite has no push to other processes: the relay reads [`SINCE`] instead.
    async fn watch_live_events(&self, _since: DateTime<Utc>) -> StoreResult<Option<LiveEventFeed>> {
        Ok(None)
    }
}

/// Deletes the events published more than [`LIVE_EVENT_RETENTION`] before `now`.
pub(super) async fn purge(writer: &Writer, now: DateTime<Utc>) -> StoreResult<u64> {
    let retention = i64::try_from(LIVE_EVENT_RETENTION.as_micros()).unwrap_or(i64::MAX);
    let done = writer
        .execute(
            "DELETE FROM live_events WHERE at < ?1",
            &[&micros(now).saturating_sub(retention)],
        )
        .await?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_poll_walks_the_time_index_without_sorting() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/live.db", dir.path().display());
        let store = SqliteStore::connect(&url).await.unwrap();
        super::super::query_plans::assert_walks_without_sorting(
            &store,
            SINCE,
            "live_events_by_time",
        );
    }
}
