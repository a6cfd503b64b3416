//! The Firestore backend: [`FirestoreStore`] implements the storage port (`app::ssr::Store`) and
//! tower-sessions' `SessionStore` over one Firestore database, for deployments with several
//! instances. Collections and their documents are described in `docs.rs`; the composite queries
//! (and the index file they need) in `queries.rs`.
//!
//! Uniqueness and compare-and-set rules are enforced by Firestore itself: creates with a document
//! id fail when it exists, and read-check-write steps run in transactions (see `support.rs`).

mod audit;
mod channels;
mod docs;
mod expiring;
mod login_sessions;
mod queries;
mod redemptions;
mod sessions;
mod support;
mod tx;

use std::time::Duration;

use app::model::{
    AuditEntry, AuditPage, AuditQuery, Channel, ChannelId, RedemptionOutcome, RedemptionRecord,
    Reward, SessionState, Settings, VipSession, WaitlistEntry,
};
use app::ssr::{ActiveWith, SealedTokens, Store, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use firestore::{FirestoreDb, FirestoreDbOptions, FirestoreWritePrecondition};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Serialize;

use support::{already_exists, backend, decode, not_found};

/// A Firestore database holding the app's state. Cheap to clone (one shared client).
#[derive(Clone)]
pub struct FirestoreStore {
    db: FirestoreDb,
}

impl std::fmt::Debug for FirestoreStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirestoreStore")
            .field("database", self.db.get_database_path())
            .finish()
    }
}

impl FirestoreStore {
    /// Connects to `project_id`'s database (`(default)` unless `database_id` is given), using
    /// the emulator when `FIRESTORE_EMULATOR_HOST` is set and Application Default Credentials
    /// otherwise.
    ///
    /// # Errors
    /// When no credentials are found or the client cannot be built.
    pub async fn connect(project_id: &str, database_id: Option<&str>) -> anyhow::Result<Self> {
        let mut options = FirestoreDbOptions::new(project_id.to_owned());
        if let Some(database_id) = database_id {
            options = options.with_database_id(database_id.to_owned());
        }
        let db = FirestoreDb::with_options(options).await?;
        Ok(Self { db })
    }

    async fn get_doc<T: DeserializeOwned>(
        &self,
        collection: &str,
        id: &str,
    ) -> StoreResult<Option<T>> {
        let doc = self.db.fluent().select().by_id_in(collection).one(id).await;
        doc.map_err(backend)?.as_ref().map(decode).transpose()
    }

    /// Creates or fully replaces a document.
    async fn set_doc<T>(&self, collection: &str, id: &str, doc: &T) -> StoreResult<()>
    where
        T: Serialize + DeserializeOwned + Sync + Send,
    {
        let update = self.db.fluent().update().in_col(collection).document_id(id);
        update
            .object(doc)
            .execute::<IgnoredAny>()
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Creates a document; `false` when one with this id exists.
    async fn create_doc<T>(&self, collection: &str, id: &str, doc: &T) -> StoreResult<bool>
    where
        T: Serialize + DeserializeOwned + Sync + Send,
    {
        let insert = self.db.fluent().insert().into(collection).document_id(id);
        match insert.object(doc).execute::<IgnoredAny>().await {
            Ok(_) => Ok(true),
            Err(e) if already_exists(&e) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }

    /// Overwrites `fields` of an existing document; `false` when there is no such document.
    async fn patch_doc<T>(
        &self,
        collection: &str,
        id: &str,
        fields: &[&str],
        doc: &T,
    ) -> StoreResult<bool>
    where
        T: Serialize + DeserializeOwned + Sync + Send,
    {
        let update = self.db.fluent().update().fields(fields.iter().copied());
        let update = update
            .in_col(collection)
            .precondition(FirestoreWritePrecondition::Exists(true))
            .document_id(id);
        match update.object(doc).execute::<IgnoredAny>().await {
            Ok(_) => Ok(true),
            Err(e) if not_found(&e) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }

    async fn delete_doc(&self, collection: &str, id: &str) -> StoreResult<()> {
        let delete = self.db.fluent().delete().from(collection).document_id(id);
        delete.execute().await.map_err(backend)
    }
}

#[async_trait]
impl Store for FirestoreStore {
    fn backend(&self) -> &'static str {
        "firestore"
    }

    #[tracing::instrument(skip_all)]
    async fn ping(&self) -> StoreResult<()> {
        self.get_doc::<IgnoredAny>(support::HEALTH, "ping")
            .await
            .map(drop)
    }

    #[tracing::instrument(skip_all)]
    async fn save_channel(&self, channel: &Channel) -> StoreResult<()> {
        self.save_channel_doc(channel).await
    }

    #[tracing::instrument(skip_all)]
    async fn channel(&self, id: &ChannelId) -> StoreResult<Option<Channel>> {
        self.channel_doc(id).await
    }

    #[tracing::instrument(skip_all)]
    async fn channel_by_login(&self, login: &str) -> StoreResult<Option<Channel>> {
        self.channel_doc_by_login(login).await
    }

    #[tracing::instrument(skip_all)]
    async fn channels(&self) -> StoreResult<Vec<Channel>> {
        self.all_channels().await
    }

    #[tracing::instrument(skip_all)]
    async fn update_settings(&self, id: &ChannelId, settings: &Settings) -> StoreResult<bool> {
        self.patch_settings(id, settings).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_needs_reauth(&self, id: &ChannelId, needs_reauth: bool) -> StoreResult<bool> {
        self.patch_needs_reauth(id, needs_reauth).await
    }

    #[tracing::instrument(skip_all)]
    async fn put_tokens(&self, user_id: &str, tokens: &SealedTokens) -> StoreResult<()> {
        self.put_tokens_doc(user_id, tokens).await
    }

    #[tracing::instrument(skip_all)]
    async fn tokens(&self, user_id: &str) -> StoreResult<Option<SealedTokens>> {
        self.tokens_doc(user_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_tokens(&self, user_id: &str) -> StoreResult<()> {
        self.delete_doc(support::TOKENS, &support::key(&[user_id]))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn save_reward(&self, reward: &Reward) -> StoreResult<()> {
        self.save_reward_doc(reward).await
    }

    #[tracing::instrument(skip_all)]
    async fn reward(&self, reward_id: &str) -> StoreResult<Option<Reward>> {
        self.reward_doc(reward_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn rewards(&self, channel: &ChannelId) -> StoreResult<Vec<Reward>> {
        self.channel_rewards(channel).await
    }

    #[tracing::instrument(skip_all)]
    async fn delete_reward(&self, reward_id: &str) -> StoreResult<bool> {
        self.delete_reward_doc(reward_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn create_redemption(&self, record: &RedemptionRecord) -> StoreResult<bool> {
        self.create_redemption_doc(record).await
    }

    #[tracing::instrument(skip_all)]
    async fn redemption(&self, id: &str) -> StoreResult<Option<RedemptionRecord>> {
        self.redemption_doc(id).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_redemption_outcome(
        &self,
        id: &str,
        outcome: RedemptionOutcome,
    ) -> StoreResult<bool> {
        self.patch_redemption_outcome(id, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn insert_session(&self, session: &VipSession) -> StoreResult<()> {
        self.insert_session_doc(session).await
    }

    #[tracing::instrument(skip_all)]
    async fn session(&self, id: &str) -> StoreResult<Option<VipSession>> {
        self.session_doc(id).await
    }

    #[tracing::instrument(skip_all)]
    async fn active_session(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> StoreResult<Option<VipSession>> {
        self.active_session_doc(channel, viewer_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn active_sessions(&self, channel: &ChannelId) -> StoreResult<Vec<VipSession>> {
        self.channel_active_sessions(channel).await
    }

    #[tracing::instrument(skip_all)]
    async fn due_sessions(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<VipSession>> {
        self.due_session_docs(now, limit).await
    }

    #[tracing::instrument(skip_all)]
    async fn next_deadline(&self) -> StoreResult<Option<DateTime<Utc>>> {
        self.earliest_deadline().await
    }

    #[tracing::instrument(skip_all)]
    async fn extend_session(
        &self,
        id: &str,
        expected: ActiveWith,
        new_expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.extend_session_doc(id, expected, new_expires_at).await
    }

    #[tracing::instrument(skip_all)]
    async fn end_session(
        &self,
        id: &str,
        expected: ActiveWith,
        to: SessionState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.end_session_doc(id, expected, to, at).await
    }

    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        self.append_audit_doc(entry).await
    }

    #[tracing::instrument(skip_all)]
    async fn audit_page(&self, channel: &ChannelId, query: &AuditQuery) -> StoreResult<AuditPage> {
        self.audit_docs_page(channel, query).await
    }

    #[tracing::instrument(skip_all)]
    async fn remember_message(
        &self,
        message_id: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool> {
        self.remember_message_doc(message_id, now, ttl).await
    }

    #[tracing::instrument(skip_all)]
    async fn purge_expired(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.purge_expired_docs(now).await
    }

    #[tracing::instrument(skip_all)]
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<bool> {
        self.acquire_lease_doc(name, holder, now, ttl).await
    }

    #[tracing::instrument(skip_all)]
    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        self.release_lease_doc(name, holder).await
    }

    #[tracing::instrument(skip_all)]
    async fn waitlist_push(&self, entry: &WaitlistEntry) -> StoreResult<()> {
        self.waitlist_push_doc(entry).await
    }

    #[tracing::instrument(skip_all)]
    async fn waitlist(&self, channel: &ChannelId) -> StoreResult<Vec<WaitlistEntry>> {
        self.channel_waitlist(channel).await
    }

    #[tracing::instrument(skip_all)]
    async fn waitlist_remove(&self, channel: &ChannelId, redemption_id: &str) -> StoreResult<bool> {
        self.waitlist_remove_doc(channel, redemption_id).await
    }
}

/// Maps a contract violation by the caller that has no better variant.
fn refused(what: &str) -> StoreError {
    StoreError::Conflict(what.to_owned())
}
