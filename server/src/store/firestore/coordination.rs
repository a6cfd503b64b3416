//! Coordination between instances: remembered EventSub message ids (`messages/{id}`), leases
//! (`leases/{name}`), and the purge that deletes every record once expired (these, relayed live
//! events and processed inbox messages: each document that expires carries `expires_at`).
//!
//! A record counts while `now < expires_at`: at its expiry instant it is gone.

use std::time::Duration;

use app::ssr::store::CoordinationStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use firestore::{FirestoreDb, FirestoreDocument, FirestoreWritePrecondition};

use super::docs::{LeaseDoc, MessageDoc};
use super::inbox::INBOX;
use super::live_events::LIVE_EVENTS;
use super::support::{backend, from_ts, key, plus, ts, LEASES, MESSAGES};
use super::tx::{transact, Tx, TxResult};
use super::FirestoreStore;

/// Deletions per batch write.
const PURGE_PAGE: u32 = 300;
/// `google.rpc.Code`: OK, NOT_FOUND, FAILED_PRECONDITION.
const OK: i32 = 0;
const NOT_FOUND: i32 = 5;
const FAILED_PRECONDITION: i32 = 9;

/// In the transaction `tx`: takes `lease` (document `id`) when it is free, expired at `now`, or
/// already its holder's; whether the holder holds it now.
pub(super) async fn take_lease(
    tx: &mut Tx,
    id: &str,
    lease: &LeaseDoc,
    now: DateTime<Utc>,
) -> TxResult<bool> {
    if let Some(held) = tx.get::<LeaseDoc>(LEASES, id).await? {
        if held.holder != lease.holder && from_ts(held.expires_at)? > now {
            return Ok(false);
        }
    }
    tx.set(LEASES, id, lease)?;
    Ok(true)
}

#[async_trait]
impl CoordinationStore for FirestoreStore {
    /// Read, then write if absent or expired, in one transaction: of racing callers exactly
    /// one sees `true`.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn remember_message(
        &self,
        message_id: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool> {
        let expires_at = ts(plus(now, ttl)?)?;
        let id = key(&[message_id]);
        transact(&self.db, "remember_message", |tx| {
            let id = id.clone();
            let doc = MessageDoc {
                id: message_id.to_owned(),
                expires_at,
            };
            Box::pin(async move {
                if let Some(seen) = tx.get::<MessageDoc>(MESSAGES, &id).await? {
                    if from_ts(seen.expires_at)? > now {
                        return Ok(false);
                    }
                }
                tx.set(MESSAGES, &id, &doc)?;
                Ok(true)
            })
        })
        .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool> {
        let expires_at = ts(plus(now, ttl)?)?;
        let id = key(&[name]);
        transact(&self.db, "acquire_lease", |tx| {
            let id = id.clone();
            let lease = LeaseDoc {
                name: name.to_owned(),
                holder: holder.to_owned(),
                expires_at,
            };
            Box::pin(async move { take_lease(tx, &id, &lease, now).await })
        })
        .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        let id = key(&[name]);
        transact(&self.db, "release_lease", |tx| {
            let (id, holder) = (id.clone(), holder.to_owned());
            Box::pin(async move {
                let held = tx.get::<LeaseDoc>(LEASES, &id).await?;
                if held.is_some_and(|l| l.holder == holder) {
                    tx.delete(LEASES, &id)?;
                }
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let mut purged = 0;
        for collection in [MESSAGES, LEASES, LIVE_EVENTS, INBOX] {
            purged += purge(&self.db, collection, now).await?;
        }
        Ok(purged)
    }
}

/// Deletes, page by page, the documents whose `expires_at` is before `now`. Each delete is
/// conditional on the document being unchanged since it was read, so a record renewed in the
/// meantime survives (and is not counted).
async fn purge(db: &FirestoreDb, collection: &str, now: DateTime<Utc>) -> StoreResult<u64> {
    let now = ts(now)?;
    let mut purged = 0;
    loop {
        let docs = db
            .fluent()
            .select()
            .from(collection)
            .filter(|q| q.for_all([q.field("expires_at").less_than(now)]))
            .limit(PURGE_PAGE)
            .query()
            .await
            .map_err(backend)?;
        if docs.is_empty() {
            return Ok(purged);
        }
        let deleted = delete_unchanged(db, collection, &docs).await?;
        purged += deleted;
        if docs.len() < PURGE_PAGE as usize || deleted == 0 {
            return Ok(purged);
        }
    }
}

async fn delete_unchanged(
    db: &FirestoreDb,
    collection: &str,
    docs: &[FirestoreDocument],
) -> StoreResult<u64> {
    let writer = db.create_simple_batch_writer().await.map_err(backend)?;
    let mut batch = writer.new_batch();
    for doc in docs {
        let id = doc.name.rsplit('/').next().unwrap_or_default();
        let unchanged = doc
            .update_time
            .map(firestore::timestamp_utils::from_timestamp)
            .transpose()
            .map_err(backend)?
            .map(FirestoreWritePrecondition::UpdateTime);
        batch
            .delete_by_id(collection, id, unchanged)
            .map_err(backend)?;
    }
    let response = batch.write().await.map_err(backend)?;
    let mut deleted = 0;
    for status in &response.statuses {
        match status.code {
            OK => deleted += 1,
            NOT_FOUND | FAILED_PRECONDITION => {}
            code => {
                return Err(StoreError::Backend(format!(
                    "purging {collection}: code {code}: {}",
                    status.message
                )))
            }
        }
    }
    Ok(deleted)
}
