//! What every Firestore operation shares: collection names, document keys, time and number
//! conversions, error mapping, and the retrying transaction runner.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use app::ssr::StoreError;
use chrono::{DateTime, Utc};
use firestore::errors::FirestoreError;
use firestore::gcloud_sdk::google::firestore::v1::transaction_options::ConcurrencyMode;
use firestore::{
    FirestoreConsistencySelector, FirestoreDb, FirestoreTimestamp, FirestoreTransaction,
    FirestoreTransactionOps, FirestoreTransactionOptions,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(super) const CHANNELS: &str = "channels";
pub(super) const TOKENS: &str = "tokens";
pub(super) const REWARDS: &str = "rewards";
pub(super) const REDEMPTIONS: &str = "redemptions";
pub(super) const SESSIONS: &str = "sessions";
/// One guard document per (channel, viewer) with an active session: creating it is what makes a
/// second active session impossible.
pub(super) const ACTIVE_VIPS: &str = "active_vips";
pub(super) const AUDIT: &str = "audit";
pub(super) const MESSAGES: &str = "messages";
pub(super) const LEASES: &str = "leases";
pub(super) const WAITLIST: &str = "waitlist";
pub(super) const LOGIN_SESSIONS: &str = "login_sessions";
pub(super) const HEALTH: &str = "health";

/// Attempts of a contended transaction before it is reported as [`StoreError::Backend`].
const TX_ATTEMPTS: u32 = 8;

/// A document id for one or more app-chosen ids. Firestore forbids `/`, `.`/`..` and `__…__`
/// ids; escaping `%`, `/`, `.` and `_` (as `%XX`) rules those out, keeps distinct inputs distinct,
/// and lets `_` join the parts unambiguously. The raw ids are stored as fields as well.
pub(super) fn key(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('_');
        }
        if part.is_empty() {
            out.push('%');
        }
        for c in part.chars() {
            match c {
                '%' | '/' | '.' | '_' => out.push_str(&format!("%{:02X}", c as u32)),
                c => out.push(c),
            }
        }
    }
    out
}

/// A time as Firestore stores it: microsecond precision, earlier sub-microseconds dropped.
pub(super) fn ts(at: DateTime<Utc>) -> Result<FirestoreTimestamp, StoreError> {
    firestore::jiff::Timestamp::from_microsecond(at.timestamp_micros())
        .map(FirestoreTimestamp)
        .map_err(|_| StoreError::Backend(format!("time {at} is outside Firestore's range")))
}

pub(super) fn from_ts(at: FirestoreTimestamp) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(at.0.as_microsecond())
        .ok_or_else(|| StoreError::Corrupt(format!("stored time {at} is out of range")))
}

/// `at` truncated to the precision Firestore keeps, for comparisons with stored times.
pub(super) fn stored_precision(at: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
    from_ts(ts(at)?)
}

pub(super) fn plus(now: DateTime<Utc>, ttl: Duration) -> Result<DateTime<Utc>, StoreError> {
    chrono::Duration::from_std(ttl)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .ok_or_else(|| StoreError::Backend(format!("{now} + {ttl:?} is out of range")))
}

/// Firestore integers are signed 64-bit.
pub(super) fn int(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Backend(format!("{what} {value} is too large")))
}

pub(super) fn uint<T: TryFrom<i64>>(value: i64, what: &str) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| StoreError::Corrupt(format!("stored {what} {value} is invalid")))
}

pub(super) fn backend(e: FirestoreError) -> StoreError {
    match e {
        FirestoreError::DeserializeError(e) => StoreError::Corrupt(e.to_string()),
        e => StoreError::Backend(e.to_string()),
    }
}

/// `true` for "document already exists" (a create lost, or a precondition `exists: false` failed).
pub(super) fn already_exists(e: &FirestoreError) -> bool {
    matches!(e, FirestoreError::DataConflictError(_))
}

/// `true` for "no such document" (an update or delete with precondition `exists: true`).
pub(super) fn not_found(e: &FirestoreError) -> bool {
    match e {
        FirestoreError::DataNotFoundError(_) => true,
        FirestoreError::DatabaseError(e) => e.public.code == "FailedPrecondition",
        _ => false,
    }
}

/// A read that may simply be tried again (contention, unavailability): reads change nothing.
fn retryable_read(e: &FirestoreError) -> bool {
    matches!(e, FirestoreError::DatabaseError(e) if e.retry_possible)
}

/// A commit Firestore refused because of contention: nothing was written, so the whole
/// transaction can run again. (After other failures the outcome is unknown, so they are not retried.)
fn aborted(e: &FirestoreError) -> bool {
    matches!(e, FirestoreError::DatabaseError(e) if e.public.code == "Aborted")
}

pub(super) fn decode<T: DeserializeOwned>(
    doc: &firestore::FirestoreDocument,
) -> Result<T, StoreError> {
    FirestoreDb::deserialize_doc_to(doc)
        .map_err(|e| StoreError::Corrupt(format!("{}: {e}", doc.name)))
}

/// Why a transaction body stopped: a Firestore error (retried when it is contention) or a
/// decision of the body (returned as is).
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

/// An open read-write transaction: reads see its snapshot and lock what they read; writes are
/// buffered and sent with the commit.
pub(super) struct Tx<'d> {
    db: FirestoreDb,
    inner: FirestoreTransaction<'d>,
}

impl Tx<'_> {
    pub(super) async fn get<T: DeserializeOwned + Send>(
        &self,
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
        Ok(doc.as_ref().map(decode).transpose()?)
    }

    pub(super) fn set<T: Serialize + Sync + Send>(
        &mut self,
        collection: &str,
        id: &str,
        doc: &T,
    ) -> TxResult<()> {
        self.inner
            .update_object(collection, id, doc, None, None, vec![])?;
        Ok(())
    }

    pub(super) fn delete(&mut self, collection: &str, id: &str) -> TxResult<()> {
        self.inner.delete_by_id(collection, id, None)?;
        Ok(())
    }
}

/// Runs `body` in a transaction and commits it, retrying from the start (with a short, growing,
/// jittered pause) when Firestore reports contention. `body` must only read through the `Tx` and
/// decide from what it read, so that running it again is safe.
pub(super) async fn transact<T, F>(db: &FirestoreDb, what: &str, body: F) -> Result<T, StoreError>
where
    F: for<'t, 'd> Fn(&'t mut Tx<'d>) -> TxFuture<'t, T>,
{
    let mut last = String::new();
    for attempt in 0..TX_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(pause(attempt)).await;
        }
        let inner = db
            .begin_transaction_with_options(optimistic())
            .await
            .map_err(backend)?;
        let selector = FirestoreConsistencySelector::Transaction(inner.transaction_id().clone());
        let mut tx = Tx {
            db: db.clone_with_consistency_selector(selector),
            inner,
        };
        let t0 = std::time::Instant::now();
        let out = body(&mut tx).await;
        eprintln!(
            "DBG {what} attempt {attempt} body {:?} ok={}",
            t0.elapsed(),
            out.is_ok()
        );
        let t0 = std::time::Instant::now();
        let error = match out {
            Ok(value) => match {
                let c = tx.inner.commit().await;
                eprintln!(
                    "DBG {what} commit {:?} {:?}",
                    t0.elapsed(),
                    c.as_ref().err().map(|e| e.to_string())
                );
                c
            } {
                Ok(_) => return Ok(value),
                Err(e) if aborted(&e) => e,
                Err(e) => return Err(backend(e)),
            },
            Err(e) => {
                // Release the read locks now rather than when the transaction times out.
                let _ = tx.inner.rollback().await;
                match e {
                    TxError::Firestore(e) if retryable_read(&e) || aborted(&e) => e,
                    TxError::Firestore(e) => return Err(backend(e)),
                    TxError::Store(e) => return Err(e),
                }
            }
        };
        last = error.to_string();
    }
    Err(StoreError::Backend(format!(
        "{what}: transaction still contended after {TX_ATTEMPTS} attempts: {last}"
    )))
}

/// Optimistic concurrency: reads take no locks and a commit fails (`ABORTED`) when anything it
/// read has changed since. For these short read-check-write steps that is cheaper than the
/// pessimistic default, where two readers of one document wait on each other's locks.
fn optimistic() -> FirestoreTransactionOptions {
    FirestoreTransactionOptions::new().with_concurrent_mode(ConcurrencyMode::Optimistic)
}

fn pause(attempt: u32) -> Duration {
    let base = 10u64 << attempt.min(6);
    let jitter = u64::from(uuid::Uuid::new_v4().as_u128() as u16) % base;
    Duration::from_millis(base + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_valid_document_ids_and_keep_inputs_apart() {
        assert_eq!(key(&["123", "456"]), "123_456");
        assert_eq!(key(&["a_b", "c"]), "a%5Fb_c");
        assert_ne!(key(&["a_b", "c"]), key(&["a", "b_c"]));
        assert_eq!(key(&[".."]), "%2E%2E");
        assert_eq!(key(&["__x__"]), "%5F%5Fx%5F%5F");
        assert_eq!(key(&["a/b%"]), "a%2Fb%25");
        assert_eq!(key(&[""]), "%");
    }

    #[test]
    fn times_keep_microseconds() {
        let at = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        let back = from_ts(ts(at).unwrap()).unwrap();
        assert_eq!(
            back,
            DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap()
        );
        let before_epoch = DateTime::from_timestamp(-5, 999_999_999).unwrap();
        assert_eq!(
            stored_precision(before_epoch).unwrap(),
            DateTime::from_timestamp(-5, 999_999_000).unwrap()
        );
    }
}
