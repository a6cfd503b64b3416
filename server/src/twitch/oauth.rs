//! Twitch's OAuth endpoints (`{TWITCH_AUTH_URL}/authorize|token|validate|revoke`): the authorization
//! code flow, refresh, the hourly validation Twitch requires, and revocation. Secrets travel only in
//! POST bodies and headers, never in URLs or logs.

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::config::TwitchCredentials;

use super::scopes;

#[derive(Clone)]
pub struct OAuthClient {
    http: reqwest::Client,
    auth_url: String,
    credentials: TwitchCredentials,
    redirect_uri: String,
    /// The cached app access token and when to stop using it (shared by clones).
    app_token: std::sync::Arc<tokio::sync::Mutex<Option<CachedAppToken>>>,
}

/// An app access token and the moment to stop using it.
type CachedAppToken = (SecretString, DateTime<Utc>);

/// Tokens as the token endpoint returns them.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

/// What `/validate` says about a token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Validation {
    pub client_id: String,
    pub login: Option<String>,
    pub user_id: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    pub expires_in: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// Twitch refused the code, refresh token or access token (400/401): the user must log in again.
    #[error("Twitch refused the credentials: {0}")]
    Refused(String),
    /// Network trouble or a 5xx: try again later.
    #[error("Twitch's OAuth service is unavailable: {0}")]
    Transient(String),
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: i64,
    #[serde(default)]
    scope: Vec<String>,
}

/// Twitch's error body, `{"status":400,"message":"Invalid refresh token"}`.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
}

impl OAuthClient {
    pub fn new(
        http: reqwest::Client,
        auth_url: &str,
        credentials: TwitchCredentials,
        redirect_uri: String,
    ) -> Self {
        Self {
            http,
            auth_url: auth_url.trim_end_matches('/').to_owned(),
            credentials,
            redirect_uri,
            app_token: std::sync::Arc::default(),
        }
    }

    pub fn client_id(&self) -> &str {
        &self.credentials.client_id
    }

    /// Where Twitch sends the browser back (`{PUBLIC_URL}/api/auth/callback`).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Where to send the browser to log in, asking for the required scopes. `state` is the CSRF
    /// value kept in the login session.
    pub fn authorize_url(&self, state: &str, force_verify: bool) -> String {
        self.authorize_url_with_scopes(state, force_verify, &scopes::scope_param_for(None, false))
    }

    /// As [`Self::authorize_url`], asking for `scope` (space-separated, from [`scopes`]).
    pub fn authorize_url_with_scopes(
        &self,
        state: &str,
        force_verify: bool,
        scope: &str,
    ) -> String {
        let mut url = reqwest::Url::parse(&format!("{}/authorize", self.auth_url))
            .expect("TWITCH_AUTH_URL was validated at start-up");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.credentials.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", scope)
            .append_pair("state", state);
        if force_verify {
            url.query_pairs_mut().append_pair("force_verify", "true");
        }
        url.into()
    }

    /// Exchanges an authorization code.
    ///
    /// # Errors
    /// [`OAuthError::Refused`] for a bad or used code, else [`OAuthError::Transient`].
    #[tracing::instrument(skip_all)]
    pub async fn exchange_code(&self, code: &str) -> Result<IssuedTokens, OAuthError> {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.redirect_uri),
        ])
        .await
    }

    /// Trades a refresh token for new tokens. Twitch may rotate the refresh token: store what comes back.
    ///
    /// # Errors
    /// [`OAuthError::Refused`] when the refresh token is dead, else [`OAuthError::Transient`].
    #[tracing::instrument(skip_all)]
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<IssuedTokens, OAuthError> {
        let issued = self
            .token_request(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose_secret()),
            ])
            .await?;
        Ok(issued)
    }

    /// `GET /validate`, required at start-up and every hour for every stored token.
    ///
    /// # Errors
    /// [`OAuthError::Refused`] on 401 (the token is dead), else [`OAuthError::Transient`].
    #[tracing::instrument(skip_all)]
    pub async fn validate(&self, access_token: &SecretString) -> Result<Validation, OAuthError> {
        let res = self
            .http
            .get(format!("{}/validate", self.auth_url))
            .header(
                "Authorization",
                format!("OAuth {}", access_token.expose_secret()),
            )
            .send()
            .await
            .map_err(transient)?;
        match res.status().as_u16() {
            200 => res.json().await.map_err(transient),
            401 => Err(OAuthError::Refused(message(res).await)),
            s => Err(OAuthError::Transient(format!("validate answered {s}"))),
        }
    }

    /// Revokes a token (logout). A token Twitch no longer knows counts as revoked.
    ///
    /// # Errors
    /// [`OAuthError::Transient`] when Twitch cannot be reached.
    #[tracing::instrument(skip_all)]
    pub async fn revoke(&self, token: &SecretString) -> Result<(), OAuthError> {
        let res = self
            .http
            .post(format!("{}/revoke", self.auth_url))
            .form(&[
                ("client_id", self.credentials.client_id.as_str()),
                ("token", token.expose_secret()),
            ])
            .send()
            .await
            .map_err(transient)?;
        match res.status().as_u16() {
            200 | 400 => Ok(()),
            s => Err(OAuthError::Transient(format!("revoke answered {s}"))),
        }
    }

    /// An app access token (client-credentials grant), for webhook EventSub subscriptions. Cached
    /// until a minute before it expires, or until [`OAuthClient::forget_app_token`] after a 401.
    ///
    /// # Errors
    /// [`OAuthError::Refused`] when Twitch refuses the client credentials, else [`OAuthError::Transient`].
    #[tracing::instrument(skip_all)]
    pub async fn app_token(&self) -> Result<SecretString, OAuthError> {
        #[derive(Deserialize)]
        struct AppTokenBody {
            access_token: String,
            expires_in: i64,
        }
        let mut cached = self.app_token.lock().await;
        if let Some((token, until)) = cached.as_ref() {
            if Utc::now() < *until {
                return Ok(token.clone());
            }
        }
        let res = self
            .http
            .post(format!("{}/token", self.auth_url))
            .form(&[
                ("client_id", self.credentials.client_id.as_str()),
                (
                    "client_secret",
                    self.credentials.client_secret.expose_secret(),
                ),
                ("grant_type", "client_credentials"),
            ])
            .send()
            .await
            .map_err(transient)?;
        match res.status().as_u16() {
            200 => {
                let body: AppTokenBody = res.json().await.map_err(transient)?;
                let token = SecretString::from(body.access_token);
                let until = Utc::now() + Duration::seconds(body.expires_in - 60);
                *cached = Some((token.clone(), until));
                Ok(token)
            }
            400 | 401 | 403 => Err(OAuthError::Refused(message(res).await)),
            s => Err(OAuthError::Transient(format!(
                "token endpoint answered {s}"
            ))),
        }
    }

    /// Drops the cached app token if it is `rejected` (Helix answered 401 to it).
    pub async fn forget_app_token(&self, rejected: &SecretString) {
        let mut cached = self.app_token.lock().await;
        if cached
            .as_ref()
            .is_some_and(|(t, _)| t.expose_secret() == rejected.expose_secret())
        {
            *cached = None;
        }
    }

    async fn token_request(&self, grant: &[(&str, &str)]) -> Result<IssuedTokens, OAuthError> {
        let mut form = vec![
            ("client_id", self.credentials.client_id.as_str()),
            (
                "client_secret",
                self.credentials.client_secret.expose_secret(),
            ),
        ];
        form.extend_from_slice(grant);
        let res = self
            .http
            .post(format!("{}/token", self.auth_url))
            .form(&form)
            .send()
            .await
            .map_err(transient)?;
        let status = res.status().as_u16();
        match status {
            200 => {
                let body: TokenBody = res.json().await.map_err(transient)?;
                let refresh = body
                    .refresh_token
                    .ok_or_else(|| OAuthError::Refused("no refresh token was issued".into()))?;
                Ok(IssuedTokens {
                    access_token: body.access_token.into(),
                    refresh_token: refresh.into(),
                    scopes: body.scope,
                    expires_at: Utc::now() + Duration::seconds(body.expires_in),
                })
            }
            400 | 401 | 403 => Err(OAuthError::Refused(message(res).await)),
            s => Err(OAuthError::Transient(format!(
                "token endpoint answered {s}"
            ))),
        }
    }
}

fn transient(e: reqwest::Error) -> OAuthError {
    // reqwest's Display never includes the form body; drop the URL anyway to keep logs short.
    OAuthError::Transient(e.without_url().to_string())
}

async fn message(res: reqwest::Response) -> String {
    res.json::<ErrorBody>()
        .await
        .map(|b| b.message)
        .unwrap_or_default()
}
