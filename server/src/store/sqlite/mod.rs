//! The SQLite backend (`sqlite://path/to/file.db`): the embedded default for a single instance.
//! Owns the connection pool, the schema (`migrations/sqlite`) and both ports it serves:
//! [`app::ssr::Store`] and tower-sessions' [`SessionStore`](tower_sessions::SessionStore).
//!
//! Every operation that must be atomic is a single statement (an upsert or a conditional
//! `UPDATE`/`DELETE` whose `rows_affected` tells whether this call won): SQLite runs one writer at a
//! time, so racing callers, on this or another process sharing the file, see exactly one winner.
//! The one exception is an audit append, one transaction with its analytics counters.

mod analytics;
mod api_tokens;
mod audit;
#[cfg(test)]
mod backfill_tests;
mod channels;
mod codec;
mod coordination;
mod inbox;
mod live_events;
mod login_sessions;
#[cfg(test)]
mod query_plans;
mod redemption_attempts;
mod rewards;
mod sessions;
mod waitlist;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use app::model::{
    AuditEntry, AuditPage, AuditQuery, Channel, ChannelId, RedemptionOutcome, RedemptionRecord,
    Reward, SessionState, Settings, VipSession, WaitlistEntry,
};
use app::ssr::store::RelayedEvent;
use app::ssr::{ActiveWith, ApiTokenRecord, SealedTokens, Store, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// How long a statement waits for another writer before failing with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite store. Cloning is cheap: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating the file and its parent directories on first start) and migrates the
    /// database at `url`, e.g. `sqlite://data/vip.db`. `sqlite::memory:` gives a private in-memory
    /// database on a single connection (for experiments; it is lost when the store is dropped).
    ///
    /// # Errors
    /// When the URL is not a SQLite URL, the file cannot be created or opened, or a migration fails.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .context("DATABASE_URL is not a valid sqlite:// URL")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            if let Some(dir) = options.get_filename().parent() {
                if !dir.as_os_str().is_empty() {
                    tokio::fs::create_dir_all(dir).await.with_context(|| {
                        format!("cannot create the database directory {}", dir.display())
                    })?;
                }
            }
        }
        let pool = if in_memory {
            // One connection that never closes: the database lives exactly as long as the pool.
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            // A local file cannot hang up: skip sqlx's ping before every query (a round trip to
            // the connection's thread each time).
            SqlitePoolOptions::new().test_before_acquire(false)
        }
        .connect_with(options)
        .await
        .context("cannot open the SQLite database")?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .context("cannot migrate the SQLite database")?;
        Ok(Self { pool })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    #[tracing::instrument(skip_all)]
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(codec::db_error)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn save_channel(&self, channel: &Channel) -> StoreResult<()> {
        channels::save(&self.pool, channel).await
    }

    #[tracing::instrument(skip_all)]
    async fn channel(&self, id: &ChannelId) -> StoreResult<Option<Channel>> {
        channels::get(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn channel_by_login(&self, login: &str) -> StoreResult<Option<Channel>> {
        channels::by_login(&self.pool, login).await
    }

    #[tracing::instrument(skip_all)]
    async fn channels(&self) -> StoreResult<Vec<Channel>> {
        channels::all(&self.pool).await
    }

    #[tracing::instrument(skip_all)]
    async fn update_settings(&self, id: &ChannelId, settings: &Settings) -> StoreResult<bool> {
        channels::update_settings(&self.pool, id, settings).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_needs_reauth(&self, id: &ChannelId, needs_reauth: bool) -> StoreResult<bool> {
        channels::set_needs_reauth(&self.pool, id, needs_reauth).await
    }

    #[tracing::instrument(skip_all)]
    async fn put_tokens(&self, user_id: &str, tokens: &SealedTokens) -> StoreResult<()> {
        channels::put_tokens(&self.pool, user_id, tokens).await
    }

    #[tracing::instrument(skip_all)]
    async fn tokens(&self, user_id: &str) -> StoreResult<Option<SealedTokens>> {
        channels::tokens(&self.pool, user_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_tokens(&self, user_id: &str) -> StoreResult<()> {
        channels::delete_tokens(&self.pool, user_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn save_reward(&self, reward: &Reward) -> StoreResult<()> {
        rewards::save_reward(&self.pool, reward).await
    }

    #[tracing::instrument(skip_all)]
    async fn reward(&self, reward_id: &str) -> StoreResult<Option<Reward>> {
        rewards::reward(&self.pool, reward_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn rewards(&self, channel: &ChannelId) -> StoreResult<Vec<Reward>> {
        rewards::rewards(&self.pool, channel).await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_reward(&self, reward_id: &str) -> StoreResult<bool> {
        rewards::delete_reward(&self.pool, reward_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn create_redemption(&self, record: &RedemptionRecord) -> StoreResult<bool> {
        rewards::create_redemption(&self.pool, record).await
    }

    #[tracing::instrument(skip_all)]
    async fn redemption(&self, id: &str) -> StoreResult<Option<RedemptionRecord>> {
        rewards::redemption(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_redemption_outcome(
        &self,
        id: &str,
        outcome: RedemptionOutcome,
    ) -> StoreResult<bool> {
        rewards::set_redemption_outcome(&self.pool, id, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn insert_session(&self, session: &VipSession) -> StoreResult<()> {
        sessions::insert(&self.pool, session).await
    }

    #[tracing::instrument(skip_all)]
    async fn session(&self, id: &str) -> StoreResult<Option<VipSession>> {
        sessions::get(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn active_session(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> StoreResult<Option<VipSession>> {
        sessions::active(&self.pool, channel, viewer_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn active_sessions(&self, channel: &ChannelId) -> StoreResult<Vec<VipSession>> {
        sessions::active_in(&self.pool, channel).await
    }

    #[tracing::instrument(skip_all)]
    async fn due_sessions(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<VipSession>> {
        sessions::due(&self.pool, now, limit).await
    }

    #[tracing::instrument(skip_all)]
    async fn next_deadline(&self) -> StoreResult<Option<DateTime<Utc>>> {
        sessions::next_deadline(&self.pool).await
    }

    #[tracing::instrument(skip_all)]
    async fn extend_session(
        &self,
        id: &str,
        expected: ActiveWith,
        new_expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        sessions::extend(&self.pool, id, expected, Some(new_expires_at)).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_deadline(
        &self,
        id: &str,
        expected: ActiveWith,
        to: Option<DateTime<Utc>>,
    ) -> StoreResult<bool> {
        sessions::extend(&self.pool, id, expected, to).await
    }

    #[tracing::instrument(skip_all)]
    async fn end_session(
        &self,
        id: &str,
        expected: ActiveWith,
        to: SessionState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        sessions::end(&self.pool, id, expected, to, at).await
    }

    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        audit::append(&self.pool, entry).await
    }

    #[tracing::instrument(skip_all)]
    async fn audit_page(&self, channel: &ChannelId, query: &AuditQuery) -> StoreResult<AuditPage> {
        audit::page(&self.pool, channel, query).await
    }

    #[tracing::instrument(skip_all)]
    async fn remember_message(
        &self,
        message_id: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool> {
        coordination::remember_message(&self.pool, message_id, now, ttl).await
    }

    #[tracing::instrument(skip_all)]
    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let coordination = coordination::purge_expired(&self.pool, now).await?;
        let live = live_events::purge(&self.pool, now).await?;
        Ok(coordination + live + inbox::purge(&self.pool, now).await?)
    }

    #[tracing::instrument(skip_all)]
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool> {
        coordination::acquire_lease(&self.pool, name, holder, now, ttl).await
    }

    #[tracing::instrument(skip_all)]
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        coordination::release_lease(&self.pool, name, holder).await
    }

    #[tracing::instrument(skip_all)]
    async fn waitlist_push(&self, entry: &WaitlistEntry) -> StoreResult<()> {
        waitlist::push(&self.pool, entry).await
    }

    #[tracing::instrument(skip_all)]
    async fn waitlist(&self, channel: &ChannelId) -> StoreResult<Vec<WaitlistEntry>> {
        waitlist::list(&self.pool, channel).await
    }

    #[tracing::instrument(skip_all)]
    async fn waitlist_remove(&self, channel: &ChannelId, redemption_id: &str) -> StoreResult<bool> {
        waitlist::remove(&self.pool, channel, redemption_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn create_api_token(
        &self,
        token: &ApiTokenRecord,
        max_per_user: u32,
    ) -> StoreResult<bool> {
        api_tokens::create(&self.pool, token, max_per_user).await
    }

    #[tracing::instrument(skip_all)]
    async fn api_token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiTokenRecord>> {
        api_tokens::by_hash(&self.pool, hash).await
    }

    #[tracing::instrument(skip_all)]
    async fn api_tokens(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>> {
        api_tokens::by_user(&self.pool, user_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn touch_api_token(&self, hash: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        api_tokens::touch(&self.pool, hash, at).await
    }

    #[tracing::instrument(skip_all)]
    async fn revoke_api_token(
        &self,
        user_id: &str,
        id: &str,
    ) -> StoreResult<Option<ApiTokenRecord>> {
        api_tokens::revoke(&self.pool, user_id, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn append_live_event(&self, event: &RelayedEvent) -> StoreResult<()> {
        live_events::append(&self.pool, event).await
    }

    #[tracing::instrument(skip_all)]
    async fn live_events_since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<RelayedEvent>> {
        live_events::since(&self.pool, since, limit).await
    }

    #[tracing::instrument(skip_all)]
    async fn note_redemption_attempt(&self, id: &str) -> StoreResult<Option<u32>> {
        redemption_attempts::note(&self.pool, id).await
    }
}
