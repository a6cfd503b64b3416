//! Sealed Twitch tokens (`tokens`), one row per Twitch user id.

use app::ssr::store::TokenStore;
use app::ssr::{SealedTokens, StoreResult};
use async_trait::async_trait;

use super::readers::one;
use super::SqliteStore;

#[async_trait]
impl TokenStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn put_tokens(&self, user_id: &str, tokens: &SealedTokens) -> StoreResult<()> {
        self.writer
            .execute(
                "INSERT INTO tokens (user_id, key_id, nonce, ciphertext) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user_id) DO UPDATE SET
                     key_id = excluded.key_id, nonce = excluded.nonce,
                     ciphertext = excluded.ciphertext",
                &[
                    &user_id,
                    &tokens.key_id,
                    &tokens.nonce.as_slice(),
                    &tokens.ciphertext.as_slice(),
                ],
            )
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn tokens(&self, user_id: &str) -> StoreResult<Option<SealedTokens>> {
        self.reads.read(|c| {
            one(
                c,
                "SELECT key_id, nonce, ciphertext FROM tokens WHERE user_id = ?1",
                [user_id],
                |row| {
                    Ok(SealedTokens {
                        key_id: row.get(0)?,
                        nonce: row.get(1)?,
                        ciphertext: row.get(2)?,
                    })
                },
            )
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete_tokens(&self, user_id: &str) -> StoreResult<()> {
        self.writer
            .execute("DELETE FROM tokens WHERE user_id = ?1", &[&user_id])
            .await?;
        Ok(())
    }
}
