//! EventSub subscription management over Helix `/eventsub/subscriptions` (TWITCH.md §2.13):
//! create (409 "already exists" counts as done), list (all pages), delete (404 counts as done).
//! WebSocket subscriptions use the broadcaster's user token (refreshed once after a 401); webhook
//! subscriptions use the app token (fetched anew once after a 401).

use app::model::ChannelId;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::parse::{CHANNEL_TYPES, USER_AUTHORIZATION_REVOKE};
use crate::twitch::oauth::{OAuthClient, OAuthError};
use crate::twitch::tokens::{TokenError, TokenManager};

/// How a subscription reaches the server.
#[derive(Clone, Copy)]
pub enum Delivery<'a> {
    WebSocket {
        session_id: &'a str,
    },
    Webhook {
        callback: &'a str,
        secret: &'a SecretString,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum HelixError {
    #[error("Twitch refused the token (401): {0}")]
    Unauthorized(String),
    #[error("missing authorisation (403): {0}")]
    Forbidden(String),
    #[error("Helix answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("Helix unreachable: {0}")]
    Network(String),
}

/// Why subscribing a channel failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscribeError {
    /// The token is gone or lacks a scope: the broadcaster must log in again.
    #[error("needs re-authorisation: {0}")]
    NeedsReauth(String),
    /// Try again later.
    #[error("{0}")]
    Transient(String),
}

/// A subscription as Get EventSub Subscriptions lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Listed {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    #[serde(default)]
    pub condition: Map<String, Value>,
    #[serde(default)]
    pub transport: Map<String, Value>,
}

#[derive(Deserialize)]
struct Page {
    data: Vec<Listed>,
    #[serde(default)]
    pagination: Map<String, Value>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
}

/// The Helix client for `/eventsub/subscriptions`.
#[derive(Clone)]
pub struct SubscriptionClient {
    http: reqwest::Client,
    url: String,
    client_id: String,
}

impl SubscriptionClient {
    /// `api_url` is the Helix base (`https://api.twitch.tv/helix`).
    pub fn new(http: reqwest::Client, api_url: &str, client_id: &str) -> Self {
        Self {
            http,
            url: format!("{}/eventsub/subscriptions", api_url.trim_end_matches('/')),
            client_id: client_id.to_owned(),
        }
    }

    fn request(&self, method: reqwest::Method, token: &SecretString) -> reqwest::RequestBuilder {
        self.http
            .request(method, &self.url)
            .bearer_auth(token.expose_secret())
            .header("Client-Id", &self.client_id)
    }

    /// Creates one subscription (version 1). Returns `false` when it already existed (409).
    ///
    /// # Errors
    /// [`HelixError`] for every other non-2xx answer or a network failure.
    #[tracing::instrument(skip_all, fields(kind))]
    pub async fn create(
        &self,
        token: &SecretString,
        kind: &str,
        condition: Value,
        delivery: Delivery<'_>,
    ) -> Result<bool, HelixError> {
        let transport = match delivery {
            Delivery::WebSocket { session_id } => {
                json!({"method": "websocket", "session_id": session_id})
            }
            Delivery::Webhook { callback, secret } => {
                json!({"method": "webhook", "callback": callback, "secret": secret.expose_secret()})
            }
        };
        let body =
            json!({"type": kind, "version": "1", "condition": condition, "transport": transport});
        let res = self
            .request(reqwest::Method::POST, token)
            .json(&body)
            .send()
            .await
            .map_err(network)?;
        match res.status().as_u16() {
            200..=299 => Ok(true),
            409 => Ok(false),
            _ => Err(error(res).await),
        }
    }

    /// Every subscription the token may see, optionally filtered (`("user_id", id)`, `("type", t)`, …).
    ///
    /// # Errors
    /// [`HelixError`] on a non-2xx answer or a network failure.
    pub async fn list(
        &self,
        token: &SecretString,
        filter: Option<(&str, &str)>,
    ) -> Result<Vec<Listed>, HelixError> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut req = self.request(reqwest::Method::GET, token);
            if let Some((key, value)) = filter {
                req = req.query(&[(key, value)]);
            }
            if let Some(cursor) = &after {
                req = req.query(&[("after", cursor)]);
            }
            let res = req.send().await.map_err(network)?;
            if !res.status().is_success() {
                return Err(error(res).await);
            }
            let page: Page = res.json().await.map_err(network)?;
            all.extend(page.data);
            match page.pagination.get("cursor").and_then(Value::as_str) {
                Some(c) if !c.is_empty() && after.as_deref() != Some(c) => {
                    after = Some(c.to_owned())
                }
                _ => return Ok(all),
            }
        }
    }

    /// Deletes one subscription; an unknown id counts as deleted.
    ///
    /// # Errors
    /// [`HelixError`] on another non-2xx answer or a network failure.
    pub async fn delete(&self, token: &SecretString, id: &str) -> Result<(), HelixError> {
        let res = self
            .request(reqwest::Method::DELETE, token)
            .query(&[("id", id)])
            .send()
            .await
            .map_err(network)?;
        match res.status().as_u16() {
            200..=299 | 404 => Ok(()),
            _ => Err(error(res).await),
        }
    }
}

fn network(e: reqwest::Error) -> HelixError {
    HelixError::Network(e.without_url().to_string())
}

async fn error(res: reqwest::Response) -> HelixError {
    let status = res.status().as_u16();
    let message = res
        .json::<ErrorBody>()
        .await
        .map(|b| b.message)
        .unwrap_or_default();
    match status {
        401 => HelixError::Unauthorized(message),
        403 => HelixError::Forbidden(message),
        _ => HelixError::Status { status, message },
    }
}

fn from_token_error(e: TokenError) -> SubscribeError {
    match e {
        TokenError::NeedsReauth(m) => SubscribeError::NeedsReauth(m),
        TokenError::Transient(m) => SubscribeError::Transient(m),
    }
}

fn from_helix(kind: &str, e: HelixError) -> SubscribeError {
    match e {
        HelixError::Unauthorized(m) | HelixError::Forbidden(m) => {
            SubscribeError::NeedsReauth(format!("{kind}: {m}"))
        }
        other => SubscribeError::Transient(format!("{kind}: {other}")),
    }
}

fn channel_condition(channel: &ChannelId) -> Value {
    json!({"broadcaster_user_id": channel.as_str()})
}

/// Creates the channel's subscriptions on a WebSocket session with the broadcaster's user token.
/// Returns how many were new.
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the token (even refreshed) is refused or lacks a scope.
pub async fn subscribe_websocket(
    client: &SubscriptionClient,
    tokens: &TokenManager,
    channel: &ChannelId,
    session_id: &str,
) -> Result<usize, SubscribeError> {
    let mut token = tokens
        .get(channel.as_str())
        .await
        .map_err(from_token_error)?
        .access_token;
    let mut created = 0;
    for kind in CHANNEL_TYPES {
        let delivery = Delivery::WebSocket { session_id };
        let result = match client
            .create(&token, kind, channel_condition(channel), delivery)
            .await
        {
            Err(HelixError::Unauthorized(_)) => {
                token = tokens
                    .refresh_after_401(channel.as_str(), &token)
                    .await
                    .map_err(from_token_error)?;
                client
                    .create(&token, kind, channel_condition(channel), delivery)
                    .await
            }
            other => other,
        };
        created += usize::from(result.map_err(|e| from_helix(kind, e))?);
    }
    Ok(created)
}

/// Runs `call` with the app token, once more with a fresh one after a 401.
async fn with_app_token<T, F, Fut>(oauth: &OAuthClient, call: F) -> Result<T, SubscribeError>
where
    F: Fn(SecretString) -> Fut,
    Fut: std::future::Future<Output = Result<T, HelixError>>,
{
    let app_token = || async {
        oauth.app_token().await.map_err(|e| match e {
            OAuthError::Refused(m) => SubscribeError::Transient(format!("app token refused: {m}")),
            OAuthError::Transient(m) => SubscribeError::Transient(m),
        })
    };
    // A 403 means the broadcaster has not granted the type's scope to this client; anything else
    // about the app token is the app's problem, not the broadcaster's.
    let map = |e: HelixError| match e {
        HelixError::Forbidden(m) => SubscribeError::NeedsReauth(m),
        other => SubscribeError::Transient(other.to_string()),
    };
    let token = app_token().await?;
    match call(token.clone()).await {
        Err(HelixError::Unauthorized(_)) => {
            oauth.forget_app_token(&token).await;
            call(app_token().await?).await.map_err(map)
        }
        other => other.map_err(map),
    }
}

/// Creates the channel's webhook subscriptions with the app token. Returns how many were new.
///
/// # Errors
/// [`SubscribeError::NeedsReauth`] when the broadcaster has not granted the scopes (403).
pub async fn subscribe_webhook(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    channel: &ChannelId,
    callback: &str,
    secret: &SecretString,
) -> Result<usize, SubscribeError> {
    let mut created = 0;
    for kind in CHANNEL_TYPES {
        let new = with_app_token(oauth, |token| async move {
            let delivery = Delivery::Webhook { callback, secret };
            client
                .create(&token, kind, channel_condition(channel), delivery)
                .await
        })
        .await
        .map_err(|e| match e {
            SubscribeError::NeedsReauth(m) => SubscribeError::NeedsReauth(format!("{kind}: {m}")),
            other => other,
        })?;
        created += usize::from(new);
    }
    Ok(created)
}

/// Creates the app-wide `user.authorization.revoke` webhook subscription (condition: this client id).
/// Returns whether it was new.
///
/// # Errors
/// [`SubscribeError::Transient`] on any failure (nothing here needs a broadcaster).
pub async fn subscribe_authorization_revoke(
    client: &SubscriptionClient,
    oauth: &OAuthClient,
    callback: &str,
    secret: &SecretString,
) -> Result<bool, SubscribeError> {
    let condition = json!({"client_id": oauth.client_id()});
    with_app_token(oauth, |token| {
        let condition = condition.clone();
        async move {
            let delivery = Delivery::Webhook { callback, secret };
            client
                .create(&token, USER_AUTHORIZATION_REVOKE, condition, delivery)
                .await
        }
    })
    .await
    .map_err(|e| SubscribeError::Transient(e.to_string()))
}
