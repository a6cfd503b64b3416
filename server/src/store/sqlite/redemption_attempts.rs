//! Catch-up attempts at a pending redemption (`redemptions.attempts`): counted so that a
//! redemption Twitch keeps failing is refunded after a bounded number of catch-up passes.

use app::ssr::store::RedemptionAttemptStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;

use super::codec::db_error;
use super::SqliteStore;

#[async_trait]
impl RedemptionAttemptStore for SqliteStore {
    /// One conditional `UPDATE … RETURNING`: SQLite runs one writer at a time, so racing callers
    /// each see a different count.
    #[tracing::instrument(skip_all)]
    async fn note_redemption_attempt(&self, id: &str) -> StoreResult<Option<u32>> {
        let note = sqlx::query_scalar::<_, i64>(
            "UPDATE redemptions SET attempts = attempts + 1 WHERE id = ?1 RETURNING attempts",
        )
        .bind(id.to_owned());
        let attempts = self
            .writer
            .statement(move |conn| {
                Box::pin(async move { note.fetch_optional(conn).await.map_err(db_error) })
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
