//! What every Firestore operation shares: collection names, document keys, time and number
//! conversions, and error mapping.

use std::time::Duration;

use app::ssr::StoreError;
use chrono::{DateTime, Utc};
use firestore::errors::FirestoreError;
use firestore::{FirestoreDb, FirestoreTimestamp};
use serde::de::DeserializeOwned;

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

pub(super) fn decode<T: DeserializeOwned>(
    doc: &firestore::FirestoreDocument,
) -> Result<T, StoreError> {
    FirestoreDb::deserialize_doc_to(doc)
        .map_err(|e| StoreError::Corrupt(format!("{}: {e}", doc.name)))
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
