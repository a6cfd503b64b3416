//! The storage port: `app::ssr::Store` for [`FirestoreStore`], each method traced and delegated
//! to the module that owns its collections.

use std::time::Duration;

use app::ssr::store::RelayedEvent;
use app::ssr::{ApiTokenRecord, Store, StoreResult};
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
