//! The OBS overlay's keys (`overlay_keys`): one row per channel, found by the unique index on the
//! SHA-256 digest of the secret. Each operation is one statement: a new key replaces the
//! channel's row in place, so the earlier digest finds nothing from that moment.

use app::model::ChannelId;
use app::ssr::store::{OverlayKey, OverlayKeyStore};
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;

use super::codec::{micros, time};
use super::readers::one;
use super::SqliteStore;

struct OverlayKeyRow {
    channel_id: String,
    hash: String,
    created_at: i64,
}

impl OverlayKeyRow {
    /// The row as [`select_key`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            channel_id: row.get(0)?,
            hash: row.get(1)?,
            created_at: row.get(2)?,
        })
    }
}

/// The key query with its `WHERE …` tail (SQL must be `&'static str`).
macro_rules! select_key {
    ($tail:literal) => {
        concat!(
            "SELECT channel_id, hash, created_at FROM overlay_keys ",
            $tail
        )
    };
}

impl TryFrom<OverlayKeyRow> for OverlayKey {
    type Error = StoreError;

    fn try_from(row: OverlayKeyRow) -> Result<Self, Self::Error> {
        Ok(OverlayKey {
            channel_id: ChannelId(row.channel_id),
            hash: row.hash,
            created_at: time(row.created_at)?,
        })
    }
}

#[async_trait]
impl OverlayKeyStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn put_overlay_key(&self, key: &OverlayKey) -> StoreResult<()> {
        // A hash held by another channel breaks the unique index: a conflict, nothing written.
        self.writer
            .execute(
                "INSERT INTO overlay_keys (channel_id, hash, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (channel_id) DO UPDATE SET
                     hash = excluded.hash, created_at = excluded.created_at",
                &[&key.channel_id.0, &key.hash, &micros(key.created_at)],
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    StoreError::Conflict("another channel's overlay key has this hash".into())
                }
                e => e,
            })?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn overlay_key_by_hash(&self, hash: &str) -> StoreResult<Option<OverlayKey>> {
        self.reads
            .read(|c| {
                one(
                    c,
                    select_key!("WHERE hash = ?1"),
                    [hash],
                    OverlayKeyRow::from_row,
                )
            })?
            .map(OverlayKey::try_from)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn overlay_key(&self, channel: &ChannelId) -> StoreResult<Option<OverlayKey>> {
        self.reads
            .read(|c| {
                one(
                    c,
                    select_key!("WHERE channel_id = ?1"),
                    [&channel.0],
                    OverlayKeyRow::from_row,
                )
            })?
            .map(OverlayKey::try_from)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete_overlay_key(&self, channel: &ChannelId) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "DELETE FROM overlay_keys WHERE channel_id = ?1",
                &[&channel.0],
            )
            .await?;
        Ok(done == 1)
    }
}
