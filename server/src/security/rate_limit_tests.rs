//! Unit tests of the request budgets.
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
        cloud_run: false,
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

impl RateLimiter {
    fn new_test(config: &SecurityConfig) -> Self {
        Self::new(config, crate::security::SESSION_COOKIE)
    }
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
    let limiter = RateLimiter::new_test(&limits(2));
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
    let limiter = RateLimiter::new_test(&limits(2));
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
    let limiter = RateLimiter::new_test(&limits(1));
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
