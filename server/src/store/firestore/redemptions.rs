//! Redemptions (`redemptions/{id}`, created once) and the waitlist
//! (`waitlist/{channel}_{redemption id}`).

use app::model::{ChannelId, RedemptionOutcome, RedemptionRecord, WaitlistEntry};
use app::ssr::StoreResult;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::docs::{RedemptionDoc, WaitlistDoc};
use super::support::{backend, decode, key, REDEMPTIONS, WAITLIST};
use super::tx::transact;
use super::FirestoreStore;

#[derive(Serialize, Deserialize)]
struct OutcomePatch {
    outcome: RedemptionOutcome,
}

impl FirestoreStore {
    /// Create-with-id: Firestore lets exactly one create of a document id succeed.
    pub(super) async fn create_redemption_doc(
        &self,
        record: &RedemptionRecord,
    ) -> StoreResult<bool> {
        let doc = RedemptionDoc::new(record)?;
        self.create_doc(REDEMPTIONS, &key(&[&record.id]), &doc)
            .await
    }

    pub(super) async fn redemption_doc(&self, id: &str) -> StoreResult<Option<RedemptionRecord>> {
        let doc: Option<RedemptionDoc> = self.get_doc(REDEMPTIONS, &key(&[id])).await?;
        doc.map(RedemptionDoc::into_record).transpose()
    }

    pub(super) async fn patch_redemption_outcome(
        &self,
        id: &str,
        outcome: RedemptionOutcome,
    ) -> StoreResult<bool> {
        let patch = OutcomePatch { outcome };
        self.patch_doc(REDEMPTIONS, &key(&[id]), &["outcome"], &patch)
            .await
    }

    /// A repeat of a queued redemption finds its document and is ignored.
    pub(super) async fn waitlist_push_doc(&self, entry: &WaitlistEntry) -> StoreResult<()> {
        let id = key(&[&entry.channel_id.0, &entry.redemption_id]);
        self.create_doc(WAITLIST, &id, &WaitlistDoc::new(entry)?)
            .await
            .map(drop)
    }

    /// First queued first; entries queued at the same instant keep their insertion order
    /// (document creation time). Sorted here: the query then needs no composite index.
    pub(super) async fn channel_waitlist(
        &self,
        channel: &ChannelId,
    ) -> StoreResult<Vec<WaitlistEntry>> {
        let docs = self
            .db
            .fluent()
            .select()
            .from(WAITLIST)
            .filter(|q| q.for_all([q.field("channel_id").eq(channel.as_str())]))
            .query()
            .await
            .map_err(backend)?;
        let mut entries = docs
            .iter()
            .map(|d| {
                let created = d.create_time.map(|t| (t.seconds, t.nanos));
                Ok((decode::<WaitlistDoc>(d)?.into_entry()?, created))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        entries.sort_by(|(a, ac), (b, bc)| a.queued_at.cmp(&b.queued_at).then(ac.cmp(bc)));
        Ok(entries.into_iter().map(|(e, _)| e).collect())
    }

    /// Read, then delete, in one transaction: of racing callers exactly one sees the entry.
    pub(super) async fn waitlist_remove_doc(
        &self,
        channel: &ChannelId,
        redemption_id: &str,
    ) -> StoreResult<bool> {
        let id = key(&[&channel.0, redemption_id]);
        transact(&self.db, "waitlist_remove", |tx| {
            let id = id.clone();
            Box::pin(async move {
                if tx.get::<IgnoredAny>(WAITLIST, &id).await?.is_none() {
                    return Ok(false);
                }
                tx.delete(WAITLIST, &id)?;
                Ok(true)
            })
        })
        .await
    }
}
