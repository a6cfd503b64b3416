//! The waitlist for full slots: first queued, first served; a redemption id is queued at most once.

use app::model::{ChannelId, Viewer, WaitlistEntry};
use app::ssr::store::WaitlistStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;

use super::codec::{micros, time, to_i64, to_u64};
use super::readers::all;
use super::SqliteStore;

struct WaitlistRow {
    redemption_id: String,
    channel_id: String,
    viewer_id: String,
    viewer_login: String,
    viewer_display_name: String,
    duration_secs: i64,
    queued_at: i64,
}

impl WaitlistRow {
    /// The row as [`BY_CHANNEL`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            redemption_id: row.get(0)?,
            channel_id: row.get(1)?,
            viewer_id: row.get(2)?,
            viewer_login: row.get(3)?,
            viewer_display_name: row.get(4)?,
            duration_secs: row.get(5)?,
            queued_at: row.get(6)?,
        })
    }
}

/// A channel's waitlist, first queued first.
const BY_CHANNEL: &str = "SELECT redemption_id, channel_id, viewer_id, viewer_login,
            viewer_display_name, duration_secs, queued_at
     FROM waitlist WHERE channel_id = ?1 ORDER BY queued_at, redemption_id";

impl TryFrom<WaitlistRow> for WaitlistEntry {
    type Error = StoreError;

    fn try_from(row: WaitlistRow) -> Result<Self, Self::Error> {
        Ok(WaitlistEntry {
            channel_id: ChannelId(row.channel_id),
            redemption_id: row.redemption_id,
            viewer: Viewer {
                id: row.viewer_id,
                login: row.viewer_login,
                display_name: row.viewer_display_name,
            },
            duration_secs: to_u64(row.duration_secs, "waitlist duration")?,
            queued_at: time(row.queued_at)?,
        })
    }
}

#[async_trait]
impl WaitlistStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn waitlist_push(&self, entry: &WaitlistEntry) -> StoreResult<()> {
        self.writer
            .execute(
                "INSERT INTO waitlist (redemption_id, channel_id, viewer_id, viewer_login,
                                       viewer_display_name, duration_secs, queued_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (redemption_id) DO NOTHING",
                &[
                    &entry.redemption_id,
                    &entry.channel_id.as_str(),
                    &entry.viewer.id,
                    &entry.viewer.login,
                    &entry.viewer.display_name,
                    &to_i64(entry.duration_secs, "waitlist duration")?,
                    &micros(entry.queued_at),
                ],
            )
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn waitlist(&self, channel: &ChannelId) -> StoreResult<Vec<WaitlistEntry>> {
        self.reads
            .read(|c| all(c, BY_CHANNEL, [channel.as_str()], WaitlistRow::from_row))?
            .into_iter()
            .map(WaitlistEntry::try_from)
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn waitlist_remove(&self, channel: &ChannelId, redemption_id: &str) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "DELETE FROM waitlist WHERE channel_id = ?1 AND redemption_id = ?2",
                &[&channel.as_str(), &redemption_id],
            )
            .await?;
        Ok(done == 1)
    }
}
