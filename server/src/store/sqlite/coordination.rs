//! Coordination between instances: EventSub message dedupe and leases (`seen_messages`,
//! `leases`), and the purge of every expired record. Each decision is a single upsert, so
//! SQLite's one-writer-at-a-time rule makes exactly one racing caller win.

use std::time::Duration;

use app::ssr::store::CoordinationStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::codec::{micros, micros_after};
use super::{inbox, live_events, SqliteStore};

/// Takes the lease `?1` for holder `?2` until `?3` when it is free, expired at `?4`, or already
/// the holder's: one row changed exactly when the holder holds it now.
pub(super) const ACQUIRE_LEASE: &str =
    "INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
     ON CONFLICT (name) DO UPDATE
         SET holder = excluded.holder, expires_at = excluded.expires_at
     WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4";

#[async_trait]
impl CoordinationStore for SqliteStore {
    /// Inserts the id, or replaces it only when the remembered one has expired
    /// (`expires_at <= now`). `rows_affected` is 1 exactly when this call inserted or replaced.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn remember_message(
        &self,
        message_id: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "INSERT INTO seen_messages (id, expires_at) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at
                 WHERE seen_messages.expires_at <= ?3",
                &[&message_id, &micros_after(now, ttl), &micros(now)],
            )
            .await?;
        Ok(done == 1)
    }

    /// Deletes message ids and leases whose time is up (`expires_at <= now`), then the live events
    /// and inbox messages past their retention.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let at = micros(now);
        let messages = self
            .writer
            .execute("DELETE FROM seen_messages WHERE expires_at <= ?1", &[&at])
            .await?;
        let leases = self
            .writer
            .execute("DELETE FROM leases WHERE expires_at <= ?1", &[&at])
            .await?;
        let live = live_events::purge(&self.writer, now).await?;
        let inbox = inbox::purge(&self.writer, now).await?;
        Ok(messages + leases + live + inbox)
    }

    /// Takes the lease when free, expired, or already ours (renewal), in one upsert.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                ACQUIRE_LEASE,
                &[&name, &holder, &micros_after(now, ttl), &micros(now)],
            )
            .await?;
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        self.writer
            .execute(
                "DELETE FROM leases WHERE name = ?1 AND holder = ?2",
                &[&name, &holder],
            )
            .await?;
        Ok(())
    }
}
