//! The exclusion list (`vip_exclusions`) and the learned VIP slot capacity (`vip_capacity`).

use app::model::{ChannelId, Exclusion, SlotCapacity, Viewer};
use app::ssr::store::RosterStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;

use super::codec::{db_error, from_json, micros, time, to_json};
use super::SqliteStore;

#[derive(sqlx::FromRow)]
struct ExclusionRow {
    channel_id: String,
    viewer_id: String,
    viewer_login: String,
    viewer_display_name: String,
    excluded_by: String,
    excluded_at: i64,
}

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
    #[tracing::instrument(skip_all)]
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

    #[tracing::instrument(skip_all)]
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

    #[tracing::instrument(skip_all)]
    async fn is_excluded(&self, channel: &ChannelId, viewer_id: &str) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM vip_exclusions WHERE channel_id = ?1 AND viewer_id = ?2",
        )
        .bind(channel.as_str())
        .bind(viewer_id)
        .fetch_optional(&mut *self.reads.hold().await?)
        .await
        .map_err(db_error)?;
        Ok(found.is_some())
    }

    #[tracing::instrument(skip_all)]
    async fn exclusions(&self, channel: &ChannelId) -> StoreResult<Vec<Exclusion>> {
        sqlx::query_as::<_, ExclusionRow>(
            "SELECT channel_id, viewer_id, viewer_login, viewer_display_name, excluded_by,
                    excluded_at
             FROM vip_exclusions WHERE channel_id = ?1 ORDER BY viewer_login, viewer_id",
        )
        .bind(channel.as_str())
        .fetch_all(&mut *self.reads.hold().await?)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(Exclusion::try_from)
        .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn slot_capacity(&self, channel: &ChannelId) -> StoreResult<Option<SlotCapacity>> {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT slots, learned_at FROM vip_capacity WHERE channel_id = ?1")
                .bind(channel.as_str())
                .fetch_optional(&mut *self.reads.hold().await?)
                .await
                .map_err(db_error)?;
        row.map(|(slots, learned_at)| {
            Ok(SlotCapacity {
                slots: u32::try_from(slots)
                    .map_err(|_| StoreError::Corrupt(format!("VIP slots out of range: {slots}")))?,
                learned_at: time(learned_at)?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
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
