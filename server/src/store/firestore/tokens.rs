//! Sealed Twitch tokens: `tokens/{user id}`.

use app::ssr::store::TokenStore;
use app::ssr::{SealedTokens, StoreError, StoreResult};
use async_trait::async_trait;

use super::docs::TokensDoc;
use super::support::{key, TOKENS};
use super::FirestoreStore;

#[async_trait]
impl TokenStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn put_tokens(&self, user_id: &str, tokens: &SealedTokens) -> StoreResult<()> {
        self.set_doc(TOKENS, &key(&[user_id]), &TokensDoc::from(tokens))
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn tokens(&self, user_id: &str) -> StoreResult<Option<SealedTokens>> {
        // Decoding errors are replaced: they must never carry token bytes into logs.
        let doc: Option<TokensDoc> =
            self.get_doc(TOKENS, &key(&[user_id]))
                .await
                .map_err(|e| match e {
                    StoreError::Corrupt(_) => {
                        StoreError::Corrupt(format!("tokens of user {user_id} cannot be decoded"))
                    }
                    e => e,
                })?;
        Ok(doc.map(SealedTokens::from))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete_tokens(&self, user_id: &str) -> StoreResult<()> {
        self.delete_doc(TOKENS, &key(&[user_id])).await
    }
}
