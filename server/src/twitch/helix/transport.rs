//! Sending one Helix request. Requests are built by twitch_api for `https://api.twitch.tv/helix/`
//! and re-based here onto the configured API URL (real Twitch, the simulator, the Twitch CLI mock);
//! they carry the broadcaster's user token and the Client-Id. This module applies the retry rules of
//! [`retry::next_step`] (401 → one refresh through [`TokenManager`], 429 → wait for a near
//! `Ratelimit-Reset`, 5xx and network failures → one retry), feeds the `Ratelimit-*` headers to the
//! channel's [`Limits`], and keeps each channel's access token in memory so the hot path does not read
//! the store. Tokens appear only in the `Authorization` header, never in logs or errors.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use app::ssr::twitch::TwitchError;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use twitch_api::helix::CreateRequestError;

use super::limits::{ChannelLimits, Limits};
use super::retry::{self, Attempt, Next, Tries};
use crate::twitch::tokens::{TokenError, TokenManager};

/// The key of the app access token's rate-limit bucket (never a user id: those are digits).
const APP_LIMITS: &str = "app";

/// How long one attempt may take before it counts as "no answer".
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A final answer for the endpoint to classify (never a 401, a 429 or a 5xx).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Bytes,
    pub uri: http::Uri,
    /// An earlier attempt of this call got a 5xx or no answer: what it asked for may have happened
    /// already, and this answer may be about that (e.g. "already a VIP" after a lost answer).
    pub after_unanswered: bool,
}

/// Twitch's error body, `{"error":"Conflict","status":409,"message":"…"}`.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The `message` of Twitch's error body ("" when there is none).
    pub fn message(&self) -> String {
        serde_json::from_slice::<ErrorBody>(&self.body)
            .map(|b| b.message)
            .unwrap_or_default()
    }

    /// The answer as twitch_api's `parse_response` takes it.
    pub fn into_http(self) -> http::Response<Bytes> {
        let mut response = http::Response::new(self.body);
        *response.status_mut() =
            http::StatusCode::from_u16(self.status).unwrap_or(http::StatusCode::OK);
        response
    }
}

pub struct Transport {
    http: reqwest::Client,
    /// The API URL without a trailing slash, e.g. `https://api.twitch.tv/helix`.
    base: String,
    client_id: String,
    tokens: Arc<TokenManager>,
    /// Each broadcaster's access token and when it expires.
    cached: RwLock<HashMap<String, (SecretString, DateTime<Utc>)>>,
    pub limits: Limits,
}

impl Transport {
    pub fn new(
        http: reqwest::Client,
        api_url: &str,
        client_id: String,
        tokens: Arc<TokenManager>,
    ) -> Self {
        Self {
            http,
            base: api_url.trim_end_matches('/').to_owned(),
            client_id,
            tokens,
            cached: RwLock::default(),
            limits: Limits::default(),
        }
    }

    /// The users' tokens this transport sends with.
    pub fn tokens(&self) -> &TokenManager {
        &self.tokens
    }

    /// Sends the request `build(token, client_id)` makes, as `channel`'s broadcaster, until an
    /// answer is final.
    ///
    /// # Errors
    /// [`TwitchError::Unauthorized`] (no token, refused refresh, second 401),
    /// [`TwitchError::RateLimited`], [`TwitchError::Transient`].
    pub async fn send<B>(&self, channel: &str, build: B) -> Result<Reply, TwitchError>
    where
        B: Fn(&str, &str) -> Result<http::Request<Bytes>, CreateRequestError> + Sync,
    {
        let result = self.send_inner(channel, build).await;
        if result
            .as_ref()
            .is_err_and(|e| *e == TwitchError::Unauthorized)
        {
            self.forget_token(channel);
        }
        result
    }

    async fn send_inner<B>(&self, channel: &str, build: B) -> Result<Reply, TwitchError>
    where
        B: Fn(&str, &str) -> Result<http::Request<Bytes>, CreateRequestError> + Sync,
    {
        let limits = self.limits.channel(channel);
        let mut token = self.token(channel).await?;
        let mut tries = Tries::default();
        loop {
            limits.token_ready().await;
            let request = build(token.expose_secret(), &self.client_id)
                .map_err(|e| TwitchError::Rejected(format!("invalid request: {e}")))?;
            let (request, uri) = self.rebase(request)?;
            let answer = self.execute(request, &limits).await;
            let attempt = match &answer {
                Ok((status, reset, _)) => Attempt::Answered {
                    status: *status,
                    reset: *reset,
                },
                Err(why) => Attempt::Failed(why.clone()),
            };
            match retry::next_step(&attempt, tries, Utc::now()) {
                Next::Done => {
                    let (status, _, body) = answer.unwrap_or_default();
                    return Ok(Reply {
                        status,
                        body,
                        uri,
                        after_unanswered: tries.transient_retries > 0,
                    });
                }
                Next::Refresh => {
                    tries.refreshed = true;
                    token = self.refresh(channel, &token).await?;
                }
                Next::WaitRateLimit(wait) => {
                    tries.rate_waits += 1;
                    tracing::info!(
                        wait_ms = wait.as_millis(),
                        "rate-limited by Twitch; waiting"
                    );
                    tokio::time::sleep(wait).await;
                }
                Next::RetryTransient(wait) => {
                    tries.transient_retries += 1;
                    tracing::warn!(attempt = ?attempt, "Twitch unavailable; retrying once");
                    tokio::time::sleep(wait).await;
                }
                Next::Fail(error) => return Err(error),
            }
        }
    }

    /// Sends the request `build(token, client_id)` makes with the app access token (client
    /// credentials), fetching a new one once after a 401. Nothing is retried after a 5xx or no
    /// answer: what it asked may have happened (a chat message would be posted twice).
    ///
    /// # Errors
    /// [`TwitchError::Unauthorized`] (no app token, second 401), [`TwitchError::Transient`].
    pub async fn send_app<B>(&self, build: B) -> Result<Reply, TwitchError>
    where
        B: Fn(&str, &str) -> Result<http::Request<Bytes>, CreateRequestError> + Sync,
    {
        let oauth = self.tokens.oauth();
        let limits = self.limits.channel(APP_LIMITS);
        let mut renewed = false;
        loop {
            let token = oauth.app_token().await.map_err(|e| match e {
                crate::twitch::oauth::OAuthError::Refused(_) => TwitchError::Unauthorized,
                crate::twitch::oauth::OAuthError::Transient(m) => TwitchError::Transient(m),
            })?;
            limits.token_ready().await;
            let request = build(token.expose_secret(), &self.client_id)
                .map_err(|e| TwitchError::Rejected(format!("invalid request: {e}")))?;
            let (request, uri) = self.rebase(request)?;
            let (status, _, body) = self
                .execute(request, &limits)
                .await
                .map_err(TwitchError::Transient)?;
            if status == 401 && !renewed {
                oauth.forget_app_token(&token).await;
                renewed = true;
                continue;
            }
            return Ok(Reply {
                status,
                body,
                uri,
                after_unanswered: false,
            });
        }
    }

    /// One attempt: `(status, Ratelimit-Reset, body)` or why there was no answer.
    async fn execute(
        &self,
        request: reqwest::Request,
        limits: &ChannelLimits,
    ) -> Result<(u16, Option<i64>, Bytes), String> {
        let response = self.http.execute(request).await.map_err(describe)?;
        let status = response.status().as_u16();
        let remaining = header::<u32>(response.headers(), "ratelimit-remaining");
        let reset = header::<i64>(response.headers(), "ratelimit-reset");
        limits.observe(remaining, reset.map(until));
        let body = response.bytes().await.map_err(describe)?;
        Ok((status, reset, body))
    }

    /// Moves a request twitch_api built for real Twitch onto the configured API URL.
    fn rebase(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<(reqwest::Request, http::Uri), TwitchError> {
        let (mut parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("", |p| p.as_str());
        let relative = path
            .strip_prefix(twitch_api::TWITCH_HELIX_URL.path())
            .unwrap_or_else(|| path.trim_start_matches('/'));
        parts.uri = format!("{}/{relative}", self.base)
            .parse()
            .map_err(|_| TwitchError::Rejected("invalid Twitch API URL".into()))?;
        let uri = parts.uri.clone();
        let mut request = reqwest::Request::try_from(http::Request::from_parts(parts, body))
            .map_err(|e| TwitchError::Rejected(format!("invalid request: {}", e.without_url())))?;
        *request.timeout_mut() = Some(REQUEST_TIMEOUT);
        Ok((request, uri))
    }

    /// The broadcaster's access token: from memory, or from the store when unknown or expired.
    async fn token(&self, channel: &str) -> Result<SecretString, TwitchError> {
        let cached = self
            .cached
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(channel)
            .filter(|(_, expires_at)| *expires_at > Utc::now())
            .map(|(token, _)| token.clone());
        if let Some(token) = cached {
            return Ok(token);
        }
        let stored = self.tokens.get(channel).await.map_err(token_error)?;
        self.remember(channel, stored.access_token.clone(), stored.expires_at);
        Ok(stored.access_token)
    }

    async fn refresh(
        &self,
        channel: &str,
        rejected: &SecretString,
    ) -> Result<SecretString, TwitchError> {
        let fresh = self
            .tokens
            .refresh_after_401(channel, rejected)
            .await
            .map_err(token_error)?;
        // The store has the expiry; until the next read, trust the new token for a while.
        let expires_at = Utc::now() + chrono::Duration::minutes(30);
        self.remember(channel, fresh.clone(), expires_at);
        Ok(fresh)
    }

    fn remember(&self, channel: &str, token: SecretString, expires_at: DateTime<Utc>) {
        self.cached
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(channel.to_owned(), (token, expires_at));
    }

    fn forget_token(&self, channel: &str) {
        self.cached
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(channel);
    }
}

fn token_error(e: TokenError) -> TwitchError {
    match e {
        TokenError::NeedsReauth(_) => TwitchError::Unauthorized,
        TokenError::Transient(msg) => TwitchError::Transient(msg),
    }
}

/// Why there was no answer, without the URL (which names the channel and viewer ids).
fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "Twitch did not answer in time".into()
    } else if e.is_connect() {
        "could not connect to Twitch".into()
    } else {
        format!("Twitch could not be reached: {}", e.without_url())
    }
}

fn header<T: std::str::FromStr>(headers: &reqwest::header::HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Time left until a Unix epoch second.
fn until(epoch_secs: i64) -> Duration {
    let millis = epoch_secs
        .saturating_mul(1000)
        .saturating_sub(Utc::now().timestamp_millis());
    Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}
