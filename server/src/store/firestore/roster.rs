//! The exclusion list (`vip_exclusions/{channel}_{viewer}`) and the learned VIP slot capacity
//! (`vip_capacity/{channel}`).

use app::model::{Actor, ChannelId, Exclusion, SlotCapacity, Viewer};
use app::ssr::store::RosterStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use firestore::FirestoreTimestamp;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::support::{backend, decode, from_ts, int, key, ts, uint};
use super::tx::transact;
use super::FirestoreStore;

const EXCLUSIONS: &str = "vip_exclusions";
const CAPACITY: &str = "vip_capacity";

#[derive(Serialize, Deserialize)]
struct ExclusionDoc {
    channel_id: String,
    viewer: Viewer,
    excluded_by: Actor,
    excluded_at: FirestoreTimestamp,
}

impl ExclusionDoc {
    fn new(e: &Exclusion) -> StoreResult<Self> {
        Ok(Self {
            channel_id: e.channel_id.0.clone(),
            viewer: e.viewer.clone(),
            excluded_by: e.excluded_by.clone(),
            excluded_at: ts(e.excluded_at)?,
        })
    }

    fn into_exclusion(self) -> StoreResult<Exclusion> {
        Ok(Exclusion {
            channel_id: ChannelId(self.channel_id),
            viewer: self.viewer,
            excluded_by: self.excluded_by,
            excluded_at: from_ts(self.excluded_at)?,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct CapacityDoc {
    slots: i64,
    learned_at: FirestoreTimestamp,
}

#[async_trait]
impl RosterStore for FirestoreStore {
    /// Creating the document is the test: an existing one is left alone.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn exclude_viewer(&self, exclusion: &Exclusion) -> StoreResult<bool> {
        let id = key(&[&exclusion.channel_id.0, &exclusion.viewer.id]);
        self.create_doc(EXCLUSIONS, &id, &ExclusionDoc::new(exclusion)?)
            .await
    }

    /// Read, then delete, in one transaction: of racing callers exactly one sees the entry.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn readmit_viewer(&self, channel: &ChannelId, viewer_id: &str) -> StoreResult<bool> {
        let id = key(&[&channel.0, viewer_id]);
        transact(&self.db, "readmit_viewer", |tx| {
            let id = id.clone();
            Box::pin(async move {
                if tx.get::<IgnoredAny>(EXCLUSIONS, &id).await?.is_none() {
                    return Ok(false);
                }
                tx.delete(EXCLUSIONS, &id)?;
                Ok(true)
            })
        })
        .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn is_excluded(&self, channel: &ChannelId, viewer_id: &str) -> StoreResult<bool> {
        let id = key(&[&channel.0, viewer_id]);
        Ok(self.get_doc::<IgnoredAny>(EXCLUSIONS, &id).await?.is_some())
    }

    /// Sorted here: the query then needs no composite index.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn exclusions(&self, channel: &ChannelId) -> StoreResult<Vec<Exclusion>> {
        let docs = self
            .db
            .fluent()
            .select()
            .from(EXCLUSIONS)
            .filter(|q| q.for_all([q.field("channel_id").eq(channel.as_str())]))
            .query()
            .await
            .map_err(backend)?;
        let mut list = docs
            .iter()
            .map(|d| decode::<ExclusionDoc>(d)?.into_exclusion())
            .collect::<StoreResult<Vec<_>>>()?;
        list.sort_by(|a, b| {
            (a.viewer.login.as_str(), a.viewer.id.as_str())
                .cmp(&(b.viewer.login.as_str(), b.viewer.id.as_str()))
        });
        Ok(list)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn slot_capacity(&self, channel: &ChannelId) -> StoreResult<Option<SlotCapacity>> {
        let Some(doc) = self
            .get_doc::<CapacityDoc>(CAPACITY, &key(&[&channel.0]))
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(SlotCapacity {
            slots: uint(doc.slots, "VIP slots")?,
            learned_at: from_ts(doc.learned_at)?,
        }))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_slot_capacity(
        &self,
        channel: &ChannelId,
        capacity: &SlotCapacity,
    ) -> StoreResult<()> {
        let doc = CapacityDoc {
            slots: int(u64::from(capacity.slots), "VIP slots")?,
            learned_at: ts(capacity.learned_at)?,
        };
        self.set_doc(CAPACITY, &key(&[&channel.0]), &doc).await
    }
}
