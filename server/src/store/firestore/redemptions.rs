//! Redemptions: `redemptions/{id}`, created once.

use app::model::{RedemptionOutcome, RedemptionRecord};
use app::ssr::store::RedemptionStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::docs::RedemptionDoc;
use super::support::{key, REDEMPTIONS};
use super::FirestoreStore;

#[derive(Serialize, Deserialize)]
struct OutcomePatch {
    outcome: RedemptionOutcome,
}

#[async_trait]
impl RedemptionStore for FirestoreStore {
    /// Create-with-id: Firestore lets exactly one create of a document id succeed.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn create_redemption(&self, record: &RedemptionRecord) -> StoreResult<bool> {
        let doc = RedemptionDoc::new(record)?;
        self.create_doc(REDEMPTIONS, &key(&[&record.id]), &doc)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn redemption(&self, id: &str) -> StoreResult<Option<RedemptionRecord>> {
        let doc: Option<RedemptionDoc> = self.get_doc(REDEMPTIONS, &key(&[id])).await?;
        doc.map(RedemptionDoc::into_record).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_redemption_outcome(
        &self,
        id: &str,
        outcome: RedemptionOutcome,
    ) -> StoreResult<bool> {
        let patch = OutcomePatch { outcome };
        self.patch_doc(REDEMPTIONS, &key(&[id]), &["outcome"], &patch)
            .await
    }
}
