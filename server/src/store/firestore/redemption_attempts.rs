//! Catch-up attempts at a pending redemption: the field `catch_up_attempts` of
//! `redemptions/{id}` (absent on documents written before it existed: 0), counted so that a
//! redemption Twitch keeps failing is refunded after a bounded number of catch-up passes.

use app::ssr::store::RedemptionAttemptStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::support::{key, REDEMPTIONS};
use super::tx::transact;
use super::FirestoreStore;

const FIELD: &str = "catch_up_attempts";

/// The one field read and written here; the rest of the document is left alone.
#[derive(Serialize, Deserialize)]
struct Attempts {
    #[serde(default)]
    catch_up_attempts: u32,
}

#[async_trait]
impl RedemptionAttemptStore for FirestoreStore {
    /// Read, then write the count plus one, in one transaction: racing callers each commit a
    /// different count (a lost race runs again on the fresh count).
    #[tracing::instrument(level = "debug", skip_all)]
    async fn note_redemption_attempt(&self, id: &str) -> StoreResult<Option<u32>> {
        let id = key(&[id]);
        transact(&self.db, "note_redemption_attempt", |tx| {
            let id = id.clone();
            Box::pin(async move {
                let Some(seen) = tx.get::<Attempts>(REDEMPTIONS, &id).await? else {
                    return Ok(None);
                };
                let next = Attempts {
                    catch_up_attempts: seen.catch_up_attempts.saturating_add(1),
                };
                tx.patch(REDEMPTIONS, &id, &[FIELD], &next)?;
                Ok(Some(next.catch_up_attempts))
            })
        })
        .await
    }
}
