//! Read → check → write steps that must be atomic (session compare-and-set, the one-active-session
//! guard, leases, message dedupe, waitlist removal), run as optimistic transactions.
//!
//! A body reads documents through [`Tx`], which records the version it saw of each; every write
//! it queues is conditioned on that version (`update_time` for a document that existed,
//! `exists: false` for one that did not), and all writes go out in one atomic `Commit`. If any
//! document changed in between, the commit fails as a whole and the body runs again on fresh
//! reads. That is the isolation of a Firestore transaction without its read locks: the
//! emulator resolves two transactions that read and then write one document only through a
//! 2-second lock timeout (measured), while preconditions settle such a race at once, in
//! production and in the emulator alike.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use app::ssr::StoreError;
use firestore::errors::FirestoreError;
use firestore::gcloud_sdk::google::firestore::v1::{CommitRequest, Write};
use firestore::{
    FirestoreDb, FirestoreResult, FirestoreTransactionOps, FirestoreWritePrecondition,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::support::{already_exists, backend, decode, not_found};

/// Runs of a body that lost a race before it is reported as [`StoreError::Backend`].
const ATTEMPTS: u32 = 10;

/// Why a body stopped: a Firestore error, or a decision of the body (returned as is).
pub(super) enum TxError {
    Firestore(FirestoreError),
    Store(StoreError),
}

impl From<FirestoreError> for TxError {
    fn from(e: FirestoreError) -> Self {
        Self::Firestore(e)
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

pub(super) type TxResult<T> = Result<T, TxError>;
pub(super) type TxFuture<'t, T> = Pin<Box<dyn Future<Output = TxResult<T>> + Send + 't>>;

/// One run of a body: the versions it read and the writes it queued.
pub(super) struct Tx {
    db: FirestoreDb,
    /// Document path → `Some(update_time)` if it existed when read, `None` if it did not.
    seen: HashMap<String, Option<firestore::FirestoreInstant>>,
    writes: Writes,
}

/// Collects writes (the crate's write builders target anything implementing this trait).
struct Writes {
    documents_path: String,
    writes: Vec<Write>,
}

impl FirestoreTransactionOps for Writes {
    fn add<I>(&mut self, write: I) -> FirestoreResult<&mut Self>
    where
        I: TryInto<Write, Error = FirestoreError>,
    {
        self.writes.push(write.try_into()?);
        Ok(self)
    }

    fn get_documents_path(&self) -> &String {
        &self.documents_path
    }
}

impl Tx {
    fn path(&self, collection: &str, id: &str) -> String {
        format!("{}/{collection}/{id}", self.writes.documents_path)
    }

    /// Reads a document (strongly consistent) and remembers which version was seen.
    pub(super) async fn get<T: DeserializeOwned + Send>(
        &mut self,
        collection: &str,
        id: &str,
    ) -> TxResult<Option<T>> {
        let doc = self
            .db
            .fluent()
            .select()
            .by_id_in(collection)
            .one(id)
            .await?;
        let version = match &doc {
            Some(doc) => {
                let at = doc.update_time.ok_or_else(|| {
                    StoreError::Backend(format!("{} has no update time", doc.name))
                })?;
                Some(firestore::timestamp_utils::from_timestamp(at)?)
            }
            None => None,
        };
        self.seen.insert(self.path(collection, id), version);
        Ok(doc.as_ref().map(decode).transpose()?)
    }

    /// The condition for writing a document: unchanged since it was read.
    fn unchanged(&self, collection: &str, id: &str) -> Option<FirestoreWritePrecondition> {
        self.seen
            .get(&self.path(collection, id))
            .map(|version| match version {
                Some(at) => FirestoreWritePrecondition::UpdateTime(*at),
                None => FirestoreWritePrecondition::Exists(false),
            })
    }

    /// Creates or replaces a document, provided it is as it was read.
    pub(super) fn set<T: Serialize + Sync + Send>(
        &mut self,
        collection: &str,
        id: &str,
        doc: &T,
    ) -> TxResult<()> {
        let condition = self.unchanged(collection, id);
        (self.writes).update_object(collection, id, doc, None, condition, vec![])?;
        Ok(())
    }

    /// Writes only `fields` of a document (the rest stays), provided it is as it was read.
    pub(super) fn patch<T: Serialize + Sync + Send>(
        &mut self,
        collection: &str,
        id: &str,
        fields: &[&str],
        doc: &T,
    ) -> TxResult<()> {
        let condition = self.unchanged(collection, id);
        let fields = fields.iter().map(|f| (*f).to_owned()).collect();
        (self.writes).update_object(collection, id, doc, Some(fields), condition, vec![])?;
        Ok(())
    }

    /// Deletes a document, provided it is as it was read.
    pub(super) fn delete(&mut self, collection: &str, id: &str) -> TxResult<()> {
        let condition = self.unchanged(collection, id);
        self.writes.delete_by_id(collection, id, condition)?;
        Ok(())
    }

    /// Sends the queued writes in one atomic commit.
    async fn commit(self) -> FirestoreResult<()> {
        if self.writes.writes.is_empty() {
            return Ok(());
        }
        let request = CommitRequest {
            database: self.db.get_database_path().clone(),
            writes: self.writes.writes,
            transaction: Vec::new(),
            request_options: None,
        };
        self.db.client().get().commit(request).await?;
        Ok(())
    }
}

/// The commit failed because a document it depends on changed: nothing was written.
fn lost_race(e: &FirestoreError) -> bool {
    already_exists(e)
        || not_found(e)
        || matches!(e, FirestoreError::DatabaseError(e) if e.public.code == "Aborted")
}

/// Runs `body` and commits its writes, running it again on fresh reads (after a short, growing,
/// jittered pause) while a concurrent change makes the commit fail. `body` must only decide from
/// what it read through the `Tx`, so that running it again is safe.
pub(super) async fn transact<T, F>(db: &FirestoreDb, what: &str, body: F) -> Result<T, StoreError>
where
    F: for<'t> Fn(&'t mut Tx) -> TxFuture<'t, T>,
{
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(pause(attempt)).await;
        }
        let mut tx = Tx {
            db: db.clone(),
            seen: HashMap::new(),
            writes: Writes {
                documents_path: db.get_documents_path().clone(),
                writes: Vec::new(),
            },
        };
        let value = match body(&mut tx).await {
            Ok(value) => value,
            Err(TxError::Store(e)) => return Err(e),
            Err(TxError::Firestore(e)) => return Err(backend(e)),
        };
        match tx.commit().await {
            Ok(()) => return Ok(value),
            Err(e) if lost_race(&e) => continue,
            // The outcome of any other failure is unknown: running the body again could
            // report someone else's result, so it is not retried.
            Err(e) => return Err(backend(e)),
        }
    }
    Err(StoreError::Backend(format!(
        "{what}: still contended after {ATTEMPTS} attempts"
    )))
}

fn pause(attempt: u32) -> Duration {
    let base = 5u64 << attempt.min(6);
    let jitter = u64::from(uuid::Uuid::new_v4().as_u128() as u16) % base;
    Duration::from_millis(base + jitter)
}
