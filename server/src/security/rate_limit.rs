//! Request budgets per client address and per caller (login session or API token), with
//! `governor`'s GCRA limiters.
//!
//! | requests | budget per |
//! |---|---|
//! | `/api/auth/*` (login, callback, logout) | address |
//! | `/api/cron/*` (the scheduler's endpoint) | address |
//! | the EventSub webhook | address |
//! | every other `/api/*` (JSON API, server functions, live updates) | address and caller |
//! | pages (also unknown paths, which render the 404 page) and `/api/health` | address |
//! | the site's files (`/pkg/*`, `/favicon.svg`), the demo simulator | not limited |
//!
//! Over budget: `429` with `Retry-After` (seconds) and `{"error":"rate_limited","message":…}`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};

use super::client_ip::{bucket, client_ip};
use super::SESSION_COOKIE;
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
    hasher: RandomState,
    checks: AtomicU64,
}

impl RateLimiter {
    pub fn new(config: &SecurityConfig) -> Self {
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
            hasher: RandomState::new(),
            checks: AtomicU64::new(0),
        }
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
    let ip = client_ip(peer, request.headers(), limits.trusted_proxy_hops)
        .or(peer)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    // An `Authorization` header alone decides who calls when present (an API token), as the
    // API itself does.
    let caller = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .or_else(|| super::cookie(request.headers(), SESSION_COOKIE));
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
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    fn limits(per_hour: u32) -> SecurityConfig {
        let rate = Some(Rate {
            count: NonZeroU32::new(per_hour).unwrap(),
            per: Duration::from_secs(3600),
        });
        SecurityConfig {
            rate_limits: RateLimits {
                api_per_session: rate,
                api_per_ip: rate.map(|r| Rate {
                    count: r.count.saturating_mul(NonZeroU32::new(2).unwrap()),
                    ..r
                }),
                auth_per_ip: rate,
                cron_per_ip: rate,
                webhook_per_ip: None,
                pages_per_ip: rate,
            },
            trusted_proxy_hops: 0,
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn paths_choose_their_budget() {
        assert_eq!(Class::of("/api/auth/login"), Some(Class::Auth));
        assert_eq!(Class::of("/api/auth/logout"), Some(Class::Auth));
        assert_eq!(
            Class::of("/api/cron/remove-expired-vips"),
            Some(Class::Cron)
        );
        assert_eq!(Class::of(WEBHOOK_PATH), Some(Class::Webhook));
        assert_eq!(Class::of("/api/vip"), Some(Class::Api));
        assert_eq!(Class::of("/api/grant_vip"), Some(Class::Api));
        assert_eq!(Class::of("/api/ws"), Some(Class::Api));
        assert_eq!(Class::of("/api/health"), Some(Class::Page));
        assert_eq!(Class::of("/dashboard"), Some(Class::Page));
        assert_eq!(Class::of("/"), Some(Class::Page));
        assert_eq!(Class::of("/c/someone"), Some(Class::Page));
        assert_eq!(Class::of("/no-such-page.svg"), Some(Class::Page));
        assert_eq!(Class::of("/pkg/vip-manager.wasm"), None);
        assert_eq!(Class::of("/favicon.svg"), None);
        assert_eq!(Class::of("/twitch-sim/oauth2/token"), None);
        assert_eq!(Class::of("/twitch-simulated"), Some(Class::Page));
    }

    #[test]
    fn each_address_has_its_own_budget_and_waits_are_an_hour_over_count() {
        let limiter = RateLimiter::new(&limits(2));
        let a = ip("192.0.2.1");
        assert_eq!(limiter.check(Class::Auth, a, None), Ok(()));
        assert_eq!(limiter.check(Class::Auth, a, None), Ok(()));
        let wait = limiter.check(Class::Auth, a, None).unwrap_err();
        assert!(
            wait > Duration::from_secs(1_700) && wait <= Duration::from_secs(1_800),
            "{wait:?}"
        );
        assert_eq!(limiter.check(Class::Auth, ip("192.0.2.2"), None), Ok(()));
        assert_eq!(
            limiter.check(Class::Cron, a, None),
            Ok(()),
            "another budget"
        );
        for _ in 0..100 {
            assert_eq!(limiter.check(Class::Webhook, a, None), Ok(()), "unlimited");
        }
    }

    #[test]
    fn api_calls_draw_on_the_session_and_the_address() {
        let limiter = RateLimiter::new(&limits(2));
        let a = ip("192.0.2.1");
        assert_eq!(limiter.check(Class::Api, a, Some("one")), Ok(()));
        assert_eq!(limiter.check(Class::Api, a, Some("one")), Ok(()));
        assert!(
            limiter.check(Class::Api, a, Some("one")).is_err(),
            "session spent"
        );
        assert_eq!(limiter.check(Class::Api, a, Some("two")), Ok(()));
        assert!(
            limiter.check(Class::Api, a, None).is_err(),
            "address spent (4)"
        );
        assert!(limiter.check(Class::Api, a, Some("three")).is_err());
        assert_eq!(limiter.check(Class::Api, ip("2001:db8::1"), None), Ok(()));
    }

    #[test]
    fn sweeping_keeps_the_budgets_in_force() {
        let limiter = RateLimiter::new(&limits(1));
        let a = ip("192.0.2.1");
        assert_eq!(limiter.check(Class::Auth, a, None), Ok(()));
        limiter.sweep();
        assert!(limiter.check(Class::Auth, a, None).is_err());
    }

    #[test]
    fn refusals_say_when_to_come_back() {
        let res = too_many(Duration::from_millis(1_200));
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[RETRY_AFTER], "2");
        assert_eq!(too_many(Duration::ZERO).headers()[RETRY_AFTER], "1");
        assert_eq!(
            too_many(Duration::from_secs(30)).headers()[RETRY_AFTER],
            "30"
        );
    }
}
