//! The waitlist: `waitlist/{channel}_{redemption id}`.

use app::model::{ChannelId, WaitlistEntry};
use app::ssr::store::WaitlistStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use serde::de::IgnoredAny;

use super::docs::WaitlistDoc;
use super::support::{backend, decode, key, WAITLIST};
use super::tx::transact;
use super::FirestoreStore;

#[async_trait]
impl WaitlistStore for FirestoreStore {
    /// A repeat of a queued redemption finds its document and is ignored.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn waitlist_push(&self, entry: &WaitlistEntry) -> StoreResult<()> {
        let id = key(&[&entry.channel_id.0, &entry.redemption_id]);
        self.create_doc(WAITLIST, &id, &WaitlistDoc::new(entry)?)
            .await
            .map(drop)
    }

    /// First queued first; entries queued at the same instant keep their insertion order
    /// (document creation time). Sorted here: the query then needs no composite index.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn waitlist(&self, channel: &ChannelId) -> StoreResult<Vec<WaitlistEntry>> {
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
    #[tracing::instrument(level = "debug", skip_all)]
    async fn waitlist_remove(&self, channel: &ChannelId, redemption_id: &str) -> StoreResult<bool> {
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
