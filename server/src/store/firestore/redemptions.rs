//! Redemptions: `redemptions/{id}`, created once.

use app::model::{RedemptionOutcome, RedemptionRecord};
use app::ssr::store::{LeaseClaim, NewRedemption, RedemptionStore};
use app::ssr::StoreResult;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::coordination::take_lease;
use super::docs::{LeaseDoc, RedemptionDoc};
use super::support::{key, plus, ts, REDEMPTIONS};
use super::tx::transact;
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

    /// One transaction reads the redemption's document and the lease's, and writes both only when
    /// the redemption is new: a racing create of the same id makes one of them retry and find it.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn create_redemption_with_lease(
        &self,
        record: &RedemptionRecord,
        claim: LeaseClaim<'_>,
    ) -> StoreResult<NewRedemption> {
        let doc = RedemptionDoc::new(record)?;
        let id = key(&[&record.id]);
        let lease_id = key(&[claim.name]);
        let lease = LeaseDoc {
            name: claim.name.to_owned(),
            holder: claim.holder.to_owned(),
            expires_at: ts(plus(claim.now, claim.ttl)?)?,
        };
        transact(&self.db, "create_redemption_with_lease", |tx| {
            let (doc, id) = (doc.clone(), id.clone());
            let (lease, lease_id) = (lease.clone(), lease_id.clone());
            Box::pin(async move {
                if tx.get::<RedemptionDoc>(REDEMPTIONS, &id).await?.is_some() {
                    return Ok(NewRedemption::Duplicate);
                }
                tx.set(REDEMPTIONS, &id, &doc)?;
                let leased = take_lease(tx, &lease_id, &lease, claim.now).await?;
                Ok(NewRedemption::Recorded { leased })
            })
        })
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
