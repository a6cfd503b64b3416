//! Twitch tokens, sealed (encrypted) before the store sees them, keyed by Twitch user id: a
//! broadcaster's or a moderator's.

use async_trait::async_trait;

use super::StoreResult;

/// Twitch tokens after encryption: the store only ever sees these bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedTokens {
    /// Which encryption key sealed them (keys rotate).
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// The sealed tokens' part of the storage port.
#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn put_tokens(&self, user_id: &str, tokens: &SealedTokens) -> StoreResult<()>;
    async fn tokens(&self, user_id: &str) -> StoreResult<Option<SealedTokens>>;
    async fn delete_tokens(&self, user_id: &str) -> StoreResult<()>;
}
