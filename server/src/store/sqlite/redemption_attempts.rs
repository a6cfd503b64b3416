//! Catch-up attempts at a pending redemption (`redemptions.attempts`): counted so that a
//! redemption Twitch keeps failing is refunded after a bounded number of catch-up passes.

use app::ssr::store::RedemptionAttemptStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;

use rusqlite::OptionalExtension;

use super::codec::sql_error;
use super::SqliteStore;

#[async_trait]
impl RedemptionAttemptStore for SqliteStore {
    /// One conditional `UPDATE … RETURNING`: SQLite runs one writer at a time, so racing callers
    /// each see a different count.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn note_redemption_attempt(&self, id: &str) -> StoreResult<Option<u32>> {
        let id = id.to_owned();
        let attempts: Option<i64> = self
            .writer
            .run(move |conn| {
                conn.prepare_cached(
                    "UPDATE redemptions SET attempts = attempts + 1 WHERE id = ?1
                     RETURNING attempts",
                )
                .and_then(|mut note| note.query_row([&id], |row| row.get(0)).optional())
                .map_err(sql_error)
            })
            .await?;
        attempts
            .map(|n| {
                u32::try_from(n).map_err(|_| {
                    StoreError::Corrupt(format!("redemption attempts out of range: {n}"))
                })
            })
            .transpose()
    }
}
