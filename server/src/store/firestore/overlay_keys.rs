//! The OBS overlay's keys: `overlay_keys/{SHA-256 of the secret, hex}`, so the lookup on every
//! overlay request is a read by document id, and one `overlay_key_owners/{channel id}` document
//! naming the channel's current hash.
//!
//! Putting and deleting read and rewrite the owner document in one optimistic transaction
//! (`tx.rs`), deleting the earlier key's document in the same commit: a replaced key finds
//! nothing once the put returns, and racing deletions have one winner.

use app::model::ChannelId;
use app::ssr::store::{OverlayKey, OverlayKeyStore};
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;
use firestore::FirestoreTimestamp;
use serde::{Deserialize, Serialize};

use super::support::{from_ts, key, ts};
use super::tx::transact;
use super::FirestoreStore;

const OVERLAY_KEYS: &str = "overlay_keys";
const OWNERS: &str = "overlay_key_owners";

/// `overlay_keys/{hash}` and `overlay_key_owners/{channel id}` alike.
#[derive(Clone, Serialize, Deserialize)]
struct OverlayKeyDoc {
    channel_id: String,
    hash: String,
    created_at: FirestoreTimestamp,
}

impl OverlayKeyDoc {
    fn new(k: &OverlayKey) -> StoreResult<Self> {
        Ok(Self {
            channel_id: k.channel_id.0.clone(),
            hash: k.hash.clone(),
            created_at: ts(k.created_at)?,
        })
    }

    fn into_key(self) -> StoreResult<OverlayKey> {
        Ok(OverlayKey {
            channel_id: ChannelId(self.channel_id),
            hash: self.hash,
            created_at: from_ts(self.created_at)?,
        })
    }
}

#[async_trait]
impl OverlayKeyStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn put_overlay_key(&self, overlay: &OverlayKey) -> StoreResult<()> {
        let doc = OverlayKeyDoc::new(overlay)?;
        let owner_id = key(&[&overlay.channel_id.0]);
        transact(&self.db, "put_overlay_key", |tx| {
            let (owner_id, doc) = (owner_id.clone(), doc.clone());
            Box::pin(async move {
                let key_id = key(&[&doc.hash]);
                let taken = tx.get::<OverlayKeyDoc>(OVERLAY_KEYS, &key_id).await?;
                if taken.is_some_and(|t| t.channel_id != doc.channel_id) {
                    return Err(StoreError::Conflict(
                        "another channel's overlay key has this hash".into(),
                    )
                    .into());
                }
                let earlier = tx.get::<OverlayKeyDoc>(OWNERS, &owner_id).await?;
                if let Some(earlier) = earlier.filter(|e| e.hash != doc.hash) {
                    tx.delete(OVERLAY_KEYS, &key(&[&earlier.hash]))?;
                }
                tx.set(OWNERS, &owner_id, &doc)?;
                tx.set(OVERLAY_KEYS, &key_id, &doc)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn overlay_key_by_hash(&self, hash: &str) -> StoreResult<Option<OverlayKey>> {
        let doc: Option<OverlayKeyDoc> = self.get_doc(OVERLAY_KEYS, &key(&[hash])).await?;
        doc.map(OverlayKeyDoc::into_key).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn overlay_key(&self, channel: &ChannelId) -> StoreResult<Option<OverlayKey>> {
        let doc: Option<OverlayKeyDoc> = self.get_doc(OWNERS, &key(&[&channel.0])).await?;
        doc.map(OverlayKeyDoc::into_key).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete_overlay_key(&self, channel: &ChannelId) -> StoreResult<bool> {
        let owner_id = key(&[&channel.0]);
        transact(&self.db, "delete_overlay_key", |tx| {
            let owner_id = owner_id.clone();
            Box::pin(async move {
                let Some(owner) = tx.get::<OverlayKeyDoc>(OWNERS, &owner_id).await? else {
                    return Ok(false);
                };
                tx.delete(OWNERS, &owner_id)?;
                tx.delete(OVERLAY_KEYS, &key(&[&owner.hash]))?;
                Ok(true)
            })
        })
        .await
    }
}
