//! Users' Twitch tokens: sealed in the store, opened on use, refreshed after a 401 (one refresh at a
//! time per user; the rotated refresh token is stored), validated at start-up and hourly.

use std::collections::HashMap;
use std::sync::Arc;

use app::ssr::{Store, TwitchTokens};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use super::oauth::{IssuedTokens, OAuthClient, OAuthError, Validation};
use crate::crypto::TokenCipher;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// No stored token, or Twitch refused it and its refresh: the user must log in again.
    #[error("no usable Twitch authorisation: {0}")]
    NeedsReauth(String),
    /// Twitch or the store could not be reached: try again later.
    #[error("token service unavailable: {0}")]
    Transient(String),
}

pub struct TokenManager {
    store: Arc<dyn Store>,
    cipher: TokenCipher,
    oauth: OAuthClient,
    /// One lock per user id: concurrent 401s lead to one refresh.
    refreshing: std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

impl TokenManager {
    pub fn new(store: Arc<dyn Store>, cipher: TokenCipher, oauth: OAuthClient) -> Self {
        Self {
            store,
            cipher,
            oauth,
            refreshing: std::sync::Mutex::default(),
        }
    }

    pub fn oauth(&self) -> &OAuthClient {
        &self.oauth
    }

    /// Seals and stores freshly issued tokens.
    ///
    /// # Errors
    /// [`TokenError::Transient`] when the store fails.
    pub async fn save(&self, user_id: &str, issued: &IssuedTokens) -> Result<(), TokenError> {
        let tokens = TwitchTokens {
            access_token: issued.access_token.clone(),
            refresh_token: issued.refresh_token.clone(),
            scopes: issued.scopes.clone(),
            expires_at: issued.expires_at,
        };
        let sealed = self
            .cipher
            .seal(user_id, &tokens)
            .map_err(|e| TokenError::Transient(e.to_string()))?;
        self.store
            .put_tokens(user_id, &sealed)
            .await
            .map_err(|e| TokenError::Transient(e.to_string()))
    }

    /// The user's stored tokens, opened.
    ///
    /// # Errors
    /// [`TokenError::NeedsReauth`] when none are stored or they no longer open.
    pub async fn get(&self, user_id: &str) -> Result<TwitchTokens, TokenError> {
        let sealed = self
            .store
            .tokens(user_id)
            .await
            .map_err(|e| TokenError::Transient(e.to_string()))?
            .ok_or_else(|| TokenError::NeedsReauth("no stored token".into()))?;
        self.cipher.open(user_id, &sealed).map_err(|e| {
            tracing::error!(error = %e, "stored tokens do not open");
            TokenError::NeedsReauth(e.to_string())
        })
    }

    /// Called after Twitch answered 401 to `rejected`: refreshes once, however many callers ask at
    /// the same time. A caller that arrives after another refreshed gets the new token at once.
    ///
    /// # Errors
    /// [`TokenError::NeedsReauth`] when the refresh token is refused too.
    pub async fn refresh_after_401(
        &self,
        user_id: &str,
        rejected: &SecretString,
    ) -> Result<SecretString, TokenError> {
        let lock = {
            let mut locks = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
            locks.entry(user_id.to_owned()).or_default().clone()
        };
        let _guard = lock.lock().await;
        let current = self.get(user_id).await?;
        if current.access_token.expose_secret() != rejected.expose_secret() {
            return Ok(current.access_token);
        }
        match self.oauth.refresh(&current.refresh_token).await {
            Ok(issued) => {
                self.save(user_id, &issued).await?;
                tracing::info!("refreshed a Twitch token after a 401");
                Ok(issued.access_token)
            }
            Err(OAuthError::Refused(msg)) => Err(TokenError::NeedsReauth(msg)),
            Err(OAuthError::Transient(msg)) => Err(TokenError::Transient(msg)),
        }
    }

    /// Validates the user's token as Twitch requires (start-up and hourly), refreshing a dead one.
    /// Returns the scopes the valid token carries.
    ///
    /// # Errors
    /// [`TokenError::NeedsReauth`] when neither the token nor its refresh is accepted.
    pub async fn validate(&self, user_id: &str) -> Result<Vec<String>, TokenError> {
        self.validation(user_id).await.map(|v| v.scopes)
    }

    /// [`Self::validate`], with all that Twitch says about the valid token (whose it is).
    ///
    /// # Errors
    /// As [`Self::validate`].
    pub async fn validation(&self, user_id: &str) -> Result<Validation, TokenError> {
        let tokens = self.get(user_id).await?;
        match self.oauth.validate(&tokens.access_token).await {
            Ok(v) => Ok(v),
            Err(OAuthError::Refused(_)) => {
                let fresh = self
                    .refresh_after_401(user_id, &tokens.access_token)
                    .await?;
                match self.oauth.validate(&fresh).await {
                    Ok(v) => Ok(v),
                    Err(OAuthError::Refused(msg)) => Err(TokenError::NeedsReauth(msg)),
                    Err(OAuthError::Transient(msg)) => Err(TokenError::Transient(msg)),
                }
            }
            Err(OAuthError::Transient(msg)) => Err(TokenError::Transient(msg)),
        }
    }
}
