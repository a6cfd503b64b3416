//! The storage port: `app::ssr::Store` for [`FirestoreStore`], each method traced and delegated
//! to the module that owns its collections.

use std::time::Duration;

use app::model::{AuditEntry, AuditPage, AuditQuery, ChannelId, SessionState, VipSession};
use app::ssr::store::RelayedEvent;
use app::ssr::{ActiveWith, ApiTokenRecord, Store, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;

use super::inbox::INBOX;
use super::live_events::LIVE_EVENTS;
use super::support::HEALTH;
use super::FirestoreStore;

#[async_trait]
impl Store for FirestoreStore {
    fn backend(&self) -> &'static str {
        "firestore"
    }

    #[tracing::instrument(skip_all)]
    async fn ping(&self) -> StoreResult<()> {
        self.get_doc::<IgnoredAny>(HEALTH, "ping").await.map(drop)
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
        self.extend_session_doc(id, expected, Some(new_expires_at))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn set_deadline(
        &self,
        id: &str,
        expected: ActiveWith,
        to: Option<DateTime<Utc>>,
    ) -> StoreResult<bool> {
        self.extend_session_doc(id, expected, to).await
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
        let coordination = self.purge_expired_docs(now).await?;
        let live = self.purge(LIVE_EVENTS, now).await?;
        Ok(coordination + live + self.purge(INBOX, now).await?)
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
    async fn create_api_token(
        &self,
        token: &ApiTokenRecord,
        max_per_user: u32,
    ) -> StoreResult<bool> {
        self.create_api_token_doc(token, max_per_user).await
    }

    #[tracing::instrument(skip_all)]
    async fn api_token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiTokenRecord>> {
        self.api_token_doc(hash).await
    }

    #[tracing::instrument(skip_all)]
    async fn api_tokens(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>> {
        self.user_api_tokens(user_id).await
    }

    #[tracing::instrument(skip_all)]
    async fn touch_api_token(&self, hash: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        self.touch_api_token_doc(hash, at).await
    }

    #[tracing::instrument(skip_all)]
    async fn revoke_api_token(
        &self,
        user_id: &str,
        id: &str,
    ) -> StoreResult<Option<ApiTokenRecord>> {
        self.revoke_api_token_doc(user_id, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn append_live_event(&self, event: &RelayedEvent) -> StoreResult<()> {
        self.append_live_event_doc(event).await
    }

    #[tracing::instrument(skip_all)]
    async fn live_events_since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<RelayedEvent>> {
        self.live_event_docs_since(since, limit).await
    }
}
