//! The Helix client for `/eventsub/subscriptions` (Twitch docs): create (409 "already exists"
//! counts as done; the answer's cost totals are returned), list (all pages), delete (404 counts as
//! done). Which token to use, and what to subscribe, is [`subscribe`]'s business.

pub mod chat;
pub(crate) mod limits;
pub(crate) mod status;
pub mod subscribe;
pub(crate) mod webhook;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use limits::Cost;

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
    /// 429: an EventSub limit (connections, cost, duplicates) or the rate limit.
    #[error("Twitch refused for a limit (429): {0}")]
    TooMany(String),
    #[error("Twitch refused the token (401): {0}")]
    Unauthorized(String),
    #[error("missing authorisation (403): {0}")]
    Forbidden(String),
    #[error("Helix answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("Helix unreachable: {0}")]
    Network(String),
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

/// What Create EventSub Subscription answered for a new subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub id: String,
    /// `enabled` (WebSocket) or `webhook_callback_verification_pending`.
    pub status: String,
    pub cost: Cost,
}

#[derive(Deserialize)]
struct CreatedBody {
    data: Vec<CreatedItem>,
    #[serde(default)]
    total_cost: i64,
    #[serde(default)]
    max_total_cost: i64,
}

#[derive(Deserialize)]
struct CreatedItem {
    id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    cost: i64,
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

    /// Creates one subscription (version 1). Returns `None` when it already existed (409).
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
    ) -> Result<Option<Created>, HelixError> {
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
            200..=299 => {}
            409 => return Ok(None),
            _ => return Err(error(res).await),
        }
        let body: CreatedBody = res.json().await.map_err(network)?;
        let item = body.data.into_iter().next().ok_or_else(|| {
            HelixError::Network("Create EventSub Subscription without data".into())
        })?;
        Ok(Some(Created {
            id: item.id,
            status: item.status,
            cost: Cost {
                cost: item.cost,
                total_cost: body.total_cost,
                max_total_cost: body.max_total_cost,
            },
        }))
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
        429 => HelixError::TooMany(message),
        _ => HelixError::Status { status, message },
    }
}
