//! Personal API tokens, stored hashed and looked up by hash.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;

/// A personal API token as stored: never the token itself, only its SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    /// SHA-256 of the whole token text, as 64 lowercase hex digits: the lookup key.
    pub hash: String,
    /// Public handle (lists, revocation), chosen by the app; unique per user.
    pub id: String,
    /// Whom the token acts as (a Twitch user id).
    pub user_id: String,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The API tokens' part of the storage port.
#[async_trait]
pub trait ApiTokenStore: Send + Sync {
    /// Stores a new token unless its owner already holds `max_per_user` tokens. Returns whether
    /// it was stored. Atomic: of any number of racing creations for one user, on any number of
    /// instances, never more succeed than there is room for.
    ///
    /// # Errors
    /// [`StoreError::Conflict`](super::StoreError::Conflict) when a token with this hash, or one
    /// of the user's tokens with this id, exists.
    async fn create_api_token(
        &self,
        token: &ApiTokenRecord,
        max_per_user: u32,
    ) -> StoreResult<bool>;
    /// The token with this hash, if it exists (revoked tokens do not). An indexed lookup: its
    /// cost does not grow with the number of tokens.
    async fn api_token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiTokenRecord>>;
    /// A user's tokens, newest first (ties broken by id, descending).
    async fn api_tokens(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>>;
    /// Records a use of the token at `at`; `last_used_at` never moves backwards. Returns
    /// `false` when there is no such token (a revoked token is never brought back).
    async fn touch_api_token(&self, hash: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Deletes `user_id`'s token with this id and returns it; `None` when the user has no such
    /// token (another user's token is never touched). Of racing revocations exactly one gets it.
    async fn revoke_api_token(
        &self,
        user_id: &str,
        id: &str,
    ) -> StoreResult<Option<ApiTokenRecord>>;
}
