//! Coordination between instances: EventSub message dedupe and leases. Each decision is a single
//! upsert, so SQLite's one-writer-at-a-time rule makes exactly one racing caller win.

use std::time::Duration;

use app::ssr::StoreResult;
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::codec::{db_error, micros, micros_after};

/// Inserts the id, or replaces it only when the remembered one has expired (`expires_at <= now`).
/// `rows_affected` is 1 exactly when this call inserted or replaced.
pub(super) async fn remember_message(
    pool: &SqlitePool,
    message_id: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO seen_messages (id, expires_at) VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at
         WHERE seen_messages.expires_at <= ?3",
    )
    .bind(message_id)
    .bind(micros_after(now, ttl))
    .bind(micros(now))
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// Deletes message ids and leases whose time is up (`expires_at <= now`).
pub(super) async fn purge_expired(pool: &SqlitePool, now: DateTime<Utc>) -> StoreResult<u64> {
    let now = micros(now);
    let messages = sqlx::query("DELETE FROM seen_messages WHERE expires_at <= ?1")
        .bind(now)
        .execute(pool)
        .await
        .map_err(db_error)?;
    let leases = sqlx::query("DELETE FROM leases WHERE expires_at <= ?1")
        .bind(now)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(messages.rows_affected() + leases.rows_affected())
}

/// Takes the lease when free, expired, or already ours (renewal), in one upsert.
pub(super) async fn acquire_lease(
    pool: &SqlitePool,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4",
    )
    .bind(name)
    .bind(holder)
    .bind(micros_after(now, ttl))
    .bind(micros(now))
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn release_lease(pool: &SqlitePool, name: &str, holder: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM leases WHERE name = ?1 AND holder = ?2")
        .bind(name)
        .bind(holder)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(())
}
