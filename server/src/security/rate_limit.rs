//! Request budgets per client address and per caller (login session or API token), with
//! `governor`'s GCRA limiters.
//!
//! | requests | budget per |
//! |---|---|
//! | `/api/auth/*` (login, callback, logout) | address |
//! | `/api/cron/*` (the scheduler's endpoint) | address |
//! | the EventSub webhook, deliveries that fail verification | address |
//! | every other `/api/*` (JSON API, server functions, live updates) | address and caller |
//! | pages (also unknown paths, which render the 404 page) and `/api/health` | address |
//! | the site's files (`/pkg/*`, `/favicon.svg`), the demo simulator | not limited |
//!
//! The caller is the credential the request's handler is authorised by ([`credential`]): the
//! login cookie for server functions, whatever else the request carries. The webhook's budget is
//! spent only by posts whose signature does not verify, after the handler has checked it
//! ([`UnverifiedWebhooks`]): Twitch's signed deliveries are never refused for junk sent by others.
//!
//! Over budget: `429` with `Retry-After` (seconds) and `{"error":"rate_limited","message":…}`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};

use super::client_ip::{bucket, client_ip};
use super::credential::credential;
use crate::config::{Rate, RateLimits, SecurityConfig};
use crate::eventsub::WEBHOOK_PATH;

/// Forgotten keys are dropped from memory after this many checks.
const SWEEP_EVERY: u64 = 4096;

/// Which budget a request draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Api,
    Auth,
    Cron,
    Webhook,
    Page,
}

impl Class {
    /// `None`: not limited.
    pub fn of(path: &str) -> Option<Self> {
        if path.starts_with("/pkg/")
            || path == "/favicon.svg"
            || path == crate::demo::MOUNT
            || path.starts_with(&format!("{}/", crate::demo::MOUNT))
        {
            None
        } else if path == "/api/health" || !path.starts_with("/api/") {
            Some(Self::Page)
        } else if path.starts_with("/api/auth/") {
            Some(Self::Auth)
        } else if path.starts_with("/api/cron/") {
            Some(Self::Cron)
        } else if path == WEBHOOK_PATH {
            Some(Self::Webhook)
        } else {
            Some(Self::Api)
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Auth => "auth",
            Self::Cron => "cron",
            Self::Webhook => "webhook",
            Self::Page => "page",
        }
    }
}

type Keyed<K> = Option<DefaultKeyedRateLimiter<K>>;

/// Every budget of the server, shared by all requests.
pub struct RateLimiter {
    /// Keyed by a keyed hash of the caller's credential (cookie or `Authorization`), never the
    /// credential itself.
    api_per_caller: Keyed<u64>,
    api_per_ip: Keyed<IpAddr>,
    auth_per_ip: Keyed<IpAddr>,
    cron_per_ip: Keyed<IpAddr>,
    webhook_per_ip: Keyed<IpAddr>,
    pages_per_ip: Keyed<IpAddr>,
    trusted_proxy_hops: usize,
    /// The login cookie's name.
    cookie: &'static str,
    hasher: RandomState,
    checks: AtomicU64,
    /// Set once a request came without the `X-Forwarded-For` entry a trusted proxy should write.
    warned_missing_proxy: AtomicBool,
}

impl RateLimiter {
    /// `cookie`: the login cookie's name.
    pub fn new(config: &SecurityConfig, cookie: &'static str) -> Self {
        let RateLimits {
            api_per_session,
            api_per_ip,
            auth_per_ip,
            cron_per_ip,
            webhook_per_ip,
            pages_per_ip,
        } = config.rate_limits;
        Self {
            api_per_caller: limiter(api_per_session),
            api_per_ip: limiter(api_per_ip),
            auth_per_ip: limiter(auth_per_ip),
            cron_per_ip: limiter(cron_per_ip),
            webhook_per_ip: limiter(webhook_per_ip),
            pages_per_ip: limiter(pages_per_ip),
            trusted_proxy_hops: config.trusted_proxy_hops,
            cookie,
            hasher: RandomState::new(),
            checks: AtomicU64::new(0),
            warned_missing_proxy: AtomicBool::new(false),
        }
    }

    /// The client a request comes from; logs once when the trusted proxies' entry is missing
    /// (`TRUSTED_PROXY_HOPS` larger than the proxies in front), in which case the peer is used.
    fn client(&self, peer: Option<IpAddr>, headers: &axum::http::HeaderMap) -> IpAddr {
        let found = client_ip(peer, headers, self.trusted_proxy_hops);
        if found.is_none()
            && self.trusted_proxy_hops > 0
            && !self.warned_missing_proxy.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                hops = self.trusted_proxy_hops,
                "a request came without the X-Forwarded-For entry TRUSTED_PROXY_HOPS expects; \
                 limiting it by its peer address (is TRUSTED_PROXY_HOPS too high?)"
            );
        }
        found.or(peer).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    /// Takes one request from the budgets of `class`; `caller` is the credential the request
    /// carries. `Err` holds how long until a request is free again.
    pub fn check(&self, class: Class, ip: IpAddr, caller: Option<&str>) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep();
        }
        let ip = bucket(ip);
        match class {
            Class::Auth => take(&self.auth_per_ip, &ip),
            Class::Cron => take(&self.cron_per_ip, &ip),
            Class::Webhook => take(&self.webhook_per_ip, &ip),
            Class::Page => take(&self.pages_per_ip, &ip),
            Class::Api => {
                take(&self.api_per_ip, &ip)?;
                match caller {
                    Some(credential) => {
                        take(&self.api_per_caller, &self.hasher.hash_one(credential))
                    }
                    None => Ok(()),
                }
            }
        }
    }

    fn sweep(&self) {
        fn forget<K: Hash + Eq + Clone>(limiter: &Keyed<K>) {
            if let Some(limiter) = limiter {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
        forget(&self.api_per_caller);
        forget(&self.api_per_ip);
        forget(&self.auth_per_ip);
        forget(&self.cron_per_ip);
        forget(&self.webhook_per_ip);
        forget(&self.pages_per_ip);
    }
}

fn limiter<K: Hash + Eq + Clone>(rate: Option<Rate>) -> Keyed<K> {
    rate.map(|rate| DefaultKeyedRateLimiter::keyed(quota(rate)))
}

/// `count` at once, then one more every `per / count`.
fn quota(rate: Rate) -> Quota {
    Quota::with_period(rate.per / rate.count.get())
        .unwrap_or_else(|| Quota::per_second(rate.count))
        .allow_burst(rate.count)
}

fn take<K: Hash + Eq + Clone>(limiter: &Keyed<K>, key: &K) -> Result<(), Duration> {
    let Some(limiter) = limiter else {
        return Ok(());
    };
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(limiter.clock().now()))
}

/// The middleware.
pub async fn limit(
    State(limits): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(class) = Class::of(request.uri().path()) else {
        return next.run(request).await;
    };
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let ip = limits.client(peer, request.headers());
    if class == Class::Webhook {
        // Counted by the handler, and only for posts that fail verification.
        let mut request = request;
        request.extensions_mut().insert(UnverifiedWebhooks {
            limits: limits.clone(),
            ip,
        });
        return next.run(request).await;
    }
    let path = request.uri().path();
    let caller = credential(path, request.headers(), limits.cookie).map(|c| c.value());
    match limits.check(class, ip, caller) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::info!(
                class = class.name(),
                path = request.uri().path(),
                "rate limited"
            );
            too_many(wait)
        }
    }
}

/// The webhook budget of the client a webhook post came from, handed to the handler in the
/// request's extensions: it spends one request only for a post that fails verification.
#[derive(Clone)]
pub struct UnverifiedWebhooks {
    limits: Arc<RateLimiter>,
    ip: IpAddr,
}

impl UnverifiedWebhooks {
    /// Counts one unverified post. `Err`: the client's budget is spent; answer [`too_many`].
    ///
    /// # Errors
    /// How long until the client may post again.
    pub fn spend(&self) -> Result<(), Duration> {
        self.limits.check(Class::Webhook, self.ip, None)
    }
}

/// `429` with `Retry-After` in whole seconds (at least 1).
pub fn too_many(wait: Duration) -> Response {
    let secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    let body = serde_json::json!({
        "error": "rate_limited",
        "message": format!("too many requests; try again in {secs} s"),
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(secs));
    response
}

#[cfg(test)]
#[path = "rate_limit_tests.rs"]
mod tests;
