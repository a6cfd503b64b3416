//! The Helix client for conduits and their subscriptions (Twitch API reference, "Conduits" and
//! "EventSub"), always with the app access token ("The conduit transport type … requires app
//! access tokens"), fetched anew once after a 401. Every call passes the app token's rate-limit
//! bucket first: the `Ratelimit-Remaining` and `Ratelimit-Reset` headers of each answer are
//! recorded, a call waits while the bucket is known empty, and a 429 of the rate limit (`Remaining`
//! 0) is waited out until `Ratelimit-Reset` and sent again (twice at most). Every final answer is
//! classified in [`super::classify`].

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{json, Value};

use super::classify::{self, ConduitError, Placed};
use crate::eventsub::subscriptions::Listed;
use crate::twitch::helix::limits::{ChannelLimits, Limits};
use crate::twitch::oauth::OAuthError;
use crate::twitch::tokens::TokenManager;

/// How long one call may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Rate-limit waits for one call before its 429 is final.
const RATE_WAITS: u32 = 2;
/// Safety stop for paginated lists.
const MAX_PAGES: usize = 1_000;
/// Points of the app's bucket only a shard's registration may spend. Twitch closes a shard's
/// socket that is not registered within 10 s of its welcome ("you have 10 seconds from the time
/// you receive the Welcome message to associate it with a shard",
/// dev.twitch.tv/docs/eventsub/handling-conduit-events), while the bucket refills only at its
/// reset, up to a minute away: a listing of every subscription or a round of creations may empty
/// it. Every instance keeps the reserve, so up to ten instances may register at once.
const SHARD_RESERVE: u32 = 10;

/// Whether a call may wait for the app's bucket.
#[derive(Clone, Copy)]
enum Urgency {
    /// Listings, subscriptions, conduits: they keep [`SHARD_RESERVE`] and wait out a 429.
    CanWait,
    /// A shard's registration: it spends the reserve, and a 429 is final at once (the shard
    /// connects anew, after its back-off, rather than wait for a reset beyond its window).
    Shard,
}

/// A conduit as Get Conduits lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ConduitInfo {
    pub id: String,
    pub shard_count: usize,
}

#[derive(Deserialize)]
struct Data<T> {
    data: Vec<T>,
    #[serde(default)]
    pagination: serde_json::Map<String, Value>,
}

/// Cheap to clone; clones share the app token's bucket.
#[derive(Clone)]
pub struct ConduitClient {
    http: reqwest::Client,
    /// Helix's root, without a trailing slash.
    base: String,
    tokens: Arc<TokenManager>,
    limits: Arc<ChannelLimits>,
}

impl ConduitClient {
    pub fn new(http: reqwest::Client, api_url: &str, tokens: Arc<TokenManager>) -> Self {
        Self {
            http,
            base: api_url.trim_end_matches('/').to_owned(),
            tokens,
            limits: Limits::default().channel("app"),
        }
    }

    /// One call that can wait for the app's bucket, until its answer is final: `(status, body)`.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<(u16, Bytes), ConduitError> {
        self.call_as(Urgency::CanWait, method, path, query, body)
            .await
    }

    /// One call until its answer is final: `(status, body)`.
    async fn call_as(
        &self,
        urgency: Urgency,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<(u16, Bytes), ConduitError> {
        let (reserve, rate_waits) = match urgency {
            Urgency::CanWait => (SHARD_RESERVE, RATE_WAITS),
            Urgency::Shard => (0, 0),
        };
        let oauth = self.tokens.oauth();
        let (mut renewed, mut waits) = (false, 0);
        loop {
            let token = oauth.app_token().await.map_err(|e| match e {
                OAuthError::Refused(m) => ConduitError::Unauthorized(m),
                OAuthError::Transient(m) => ConduitError::Transient(m),
            })?;
            self.limits.token_ready_keeping(reserve).await;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(token.expose_secret())
                .header("Client-Id", oauth.client_id())
                .query(query)
                .timeout(TIMEOUT);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(|e| {
                ConduitError::Transient(format!("Twitch unreachable: {}", e.without_url()))
            })?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<i64>().ok())
            };
            let remaining = header("ratelimit-remaining");
            let reset = header("ratelimit-reset");
            let reset_in = reset.map(|at| {
                let millis = at * 1000 - chrono::Utc::now().timestamp_millis();
                Duration::from_millis(u64::try_from(millis).unwrap_or(0))
            });
            self.limits
                .observe(remaining.and_then(|r| u32::try_from(r).ok()), reset_in);
            let body = response.bytes().await.map_err(|e| {
                ConduitError::Transient(format!("Twitch's answer was cut: {}", e.without_url()))
            })?;
            if status == 401 && !renewed {
                oauth.forget_app_token(&token).await;
                renewed = true;
                continue;
            }
            if status == 429 && remaining == Some(0) {
                if waits == rate_waits {
                    // The app's bucket, not a limit of this call (the cost, the conduit count):
                    // worth trying again soon, not in a quarter of an hour.
                    return Err(ConduitError::Transient(
                        "Twitch's app rate limit is still reached".into(),
                    ));
                }
                waits += 1;
                let wait = reset_in.unwrap_or(Duration::from_secs(1));
                tracing::info!(
                    wait_ms = wait.as_millis(),
                    "app rate limit reached; waiting"
                );
                tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
                continue;
            }
            return Ok((status, body));
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Data<T>, ConduitError> {
        serde_json::from_slice(body)
            .map_err(|_| ConduitError::Transient("Twitch's answer could not be read".into()))
    }

    /// Get Conduits: the client's conduits, in Twitch's order.
    pub async fn conduits(&self) -> Result<Vec<ConduitInfo>, ConduitError> {
        let (status, body) = self
            .call(reqwest::Method::GET, "/eventsub/conduits", &[], None)
            .await?;
        if !(200..300).contains(&status) {
            return Err(classify::error(status, &body));
        }
        Ok(Self::parse(&body)?.data)
    }

    /// Create Conduits with `shard_count` shards.
    pub async fn create_conduit(&self, shard_count: usize) -> Result<ConduitInfo, ConduitError> {
        let body = json!({ "shard_count": shard_count });
        self.one_conduit(reqwest::Method::POST, &body).await
    }

    /// Update Conduits: `shard_count` shards from now on.
    pub async fn resize_conduit(
        &self,
        id: &str,
        shard_count: usize,
    ) -> Result<ConduitInfo, ConduitError> {
        let body = json!({ "id": id, "shard_count": shard_count });
        self.one_conduit(reqwest::Method::PATCH, &body).await
    }

    async fn one_conduit(
        &self,
        method: reqwest::Method,
        body: &Value,
    ) -> Result<ConduitInfo, ConduitError> {
        let (status, answer) = self
            .call(method, "/eventsub/conduits", &[], Some(body))
            .await?;
        if !(200..300).contains(&status) {
            return Err(classify::error(status, &answer));
        }
        Self::parse::<ConduitInfo>(&answer)?
            .data
            .into_iter()
            .next()
            .ok_or_else(|| ConduitError::Transient("a conduit answer without data".into()))
    }

    /// Update Conduit Shards: shard `shard` is the WebSocket session `session_id`.
    pub async fn assign_shard(
        &self,
        conduit_id: &str,
        shard: usize,
        session_id: &str,
    ) -> Result<(), ConduitError> {
        let id = shard.to_string();
        let body = json!({"conduit_id": conduit_id, "shards": [
            {"id": id, "transport": {"method": "websocket", "session_id": session_id}}
        ]});
        let (status, answer) = self
            .call_as(
                Urgency::Shard,
                reqwest::Method::PATCH,
                "/eventsub/conduits/shards",
                &[],
                Some(&body),
            )
            .await?;
        classify::shard_updated(status, &answer, &id)
    }

    /// Create EventSub Subscription of `kind` (version 1) on the conduit.
    pub async fn subscribe(
        &self,
        kind: &str,
        condition: Value,
        conduit_id: &str,
    ) -> Result<Placed, ConduitError> {
        let body = json!({"type": kind, "version": "1", "condition": condition,
            "transport": {"method": "conduit", "conduit_id": conduit_id}});
        let (status, answer) = self
            .call(
                reqwest::Method::POST,
                "/eventsub/subscriptions",
                &[],
                Some(&body),
            )
            .await?;
        classify::created(status, &answer)
    }

    /// Get EventSub Subscriptions with one filter (`("user_id", id)`, `("type", t)`), all pages.
    pub async fn subscriptions(&self, filter: (&str, &str)) -> Result<Vec<Listed>, ConduitError> {
        self.list(Some(filter)).await
    }

    /// Get EventSub Subscriptions without a filter: every subscription of the client, all pages.
    pub async fn all_subscriptions(&self) -> Result<Vec<Listed>, ConduitError> {
        self.list(None).await
    }

    async fn list(&self, filter: Option<(&str, &str)>) -> Result<Vec<Listed>, ConduitError> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query: Vec<(&str, &str)> = filter.into_iter().collect();
            if let Some(cursor) = &after {
                query.push(("after", cursor));
            }
            let (status, body) = self
                .call(
                    reqwest::Method::GET,
                    "/eventsub/subscriptions",
                    &query,
                    None,
                )
                .await?;
            if !(200..300).contains(&status) {
                return Err(classify::error(status, &body));
            }
            let page = Self::parse::<Listed>(&body)?;
            all.extend(page.data);
            match page.pagination.get("cursor").and_then(Value::as_str) {
                Some(c) if !c.is_empty() && after.as_deref() != Some(c) => {
                    after = Some(c.to_owned())
                }
                _ => return Ok(all),
            }
        }
        Ok(all)
    }

    /// Delete EventSub Subscription; an unknown id counts as deleted.
    pub async fn unsubscribe(&self, id: &str) -> Result<(), ConduitError> {
        let (status, body) = self
            .call(
                reqwest::Method::DELETE,
                "/eventsub/subscriptions",
                &[("id", id)],
                None,
            )
            .await?;
        match status {
            200..=299 | 404 => Ok(()),
            s => Err(classify::error(s, &body)),
        }
    }
}
