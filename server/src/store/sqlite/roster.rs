//! The exclusion list (`vip_exclusions`) and the learned VIP slot capacity (`vip_capacity`).

use app::model::{ChannelId, Exclusion, SlotCapacity, Viewer};
use app::ssr::store::RosterStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;

use super::codec::{from_json, micros, time, to_json};
use super::readers::{all, one};
use super::SqliteStore;

struct ExclusionRow {
    channel_id: String,
    viewer_id: String,
    viewer_login: String,
    viewer_display_name: String,
    excluded_by: String,
    excluded_at: i64,
}

impl ExclusionRow {
    /// The row as [`EXCLUSIONS`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            channel_id: row.get(0)?,
            viewer_id: row.get(1)?,
            viewer_login: row.get(2)?,
            viewer_display_name: row.get(3)?,
            excluded_by: row.get(4)?,
            excluded_at: row.get(5)?,
        })
    }
}

/// A channel's exclusion list, by login.
const EXCLUSIONS: &str = "SELECT channel_id, viewer_id, viewer_login, viewer_display_name,
            excluded_by, excluded_at
     FROM vip_exclusions WHERE channel_id = ?1 ORDER BY viewer_login, viewer_id";

impl TryFrom<ExclusionRow> for Exclusion {
    type Error = StoreError;

    fn try_from(row: ExclusionRow) -> Result<Self, Self::Error> {
        Ok(Exclusion {
            channel_id: ChannelId(row.channel_id),
            viewer: Viewer {
                id: row.viewer_id,
                login: row.viewer_login,
                display_name: row.viewer_display_name,
            },
            excluded_by: from_json(&row.excluded_by, "exclusion author")?,
            excluded_at: time(row.excluded_at)?,
        })
    }
}

#[async_trait]
impl RosterStore for SqliteStore {
    /// One insert that leaves an existing entry alone.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn exclude_viewer(&self, exclusion: &Exclusion) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "INSERT INTO vip_exclusions (channel_id, viewer_id, viewer_login,
                                             viewer_display_name, excluded_by, excluded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (channel_id, viewer_id) DO NOTHING",
                &[
                    &exclusion.channel_id.as_str(),
                    &exclusion.viewer.id,
                    &exclusion.viewer.login,
                    &exclusion.viewer.display_name,
                    &to_json(&exclusion.excluded_by, "exclusion author")?,
                    &micros(exclusion.excluded_at),
                ],
            )
            .await?;
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn readmit_viewer(&self, channel: &ChannelId, viewer_id: &str) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "DELETE FROM vip_exclusions WHERE channel_id = ?1 AND viewer_id = ?2",
                &[&channel.as_str(), &viewer_id],
            )
            .await?;
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn is_excluded(&self, channel: &ChannelId, viewer_id: &str) -> StoreResult<bool> {
        let found: Option<i64> = self.reads.read(|c| {
            one(
                c,
                "SELECT 1 FROM vip_exclusions WHERE channel_id = ?1 AND viewer_id = ?2",
                [channel.as_str(), viewer_id],
                |row| row.get(0),
            )
        })?;
        Ok(found.is_some())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn exclusions(&self, channel: &ChannelId) -> StoreResult<Vec<Exclusion>> {
        self.reads
            .read(|c| all(c, EXCLUSIONS, [channel.as_str()], ExclusionRow::from_row))?
            .into_iter()
            .map(Exclusion::try_from)
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn slot_capacity(&self, channel: &ChannelId) -> StoreResult<Option<SlotCapacity>> {
        let row: Option<(i64, i64)> = self.reads.read(|c| {
            one(
                c,
                "SELECT slots, learned_at FROM vip_capacity WHERE channel_id = ?1",
                [channel.as_str()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })?;
        row.map(|(slots, learned_at)| {
            Ok(SlotCapacity {
                slots: u32::try_from(slots)
                    .map_err(|_| StoreError::Corrupt(format!("VIP slots out of range: {slots}")))?,
                learned_at: time(learned_at)?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_slot_capacity(
        &self,
        channel: &ChannelId,
        capacity: &SlotCapacity,
    ) -> StoreResult<()> {
        self.writer
            .execute(
                "INSERT INTO vip_capacity (channel_id, slots, learned_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (channel_id) DO UPDATE SET slots = excluded.slots,
                                                        learned_at = excluded.learned_at",
                &[
                    &channel.as_str(),
                    &i64::from(capacity.slots),
                    &micros(capacity.learned_at),
                ],
            )
            .await?;
        Ok(())
    }
}
