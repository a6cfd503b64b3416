//! The protections around every route: security headers and the pages' Content Security Policy
//! ([`headers`]), rate limits ([`rate_limit`]) and the refusal of cross-site requests that the
//! login cookie would authorise ([`csrf`]). The login cookie itself (`HttpOnly`, `SameSite=Lax`,
//! `Secure` on HTTPS) is set up with the routes.

pub mod client_ip;
pub mod credential;
pub mod csrf;
pub mod headers;
pub mod rate_limit;

use std::sync::Arc;

use axum::middleware::from_fn_with_state;
use axum::Router;

pub use headers::provide_nonce;

use crate::config::{SecurityConfig, TwitchConfig};

/// The name of the login-session cookie over plain HTTP.
pub const SESSION_COOKIE: &str = "vip_session";
/// Its name over HTTPS: the `__Host-` prefix makes browsers refuse it unless it is `Secure`, has
/// `Path=/` and no `Domain`, so a sibling subdomain cannot plant or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-vip_session";

/// The login cookie's name: with the `__Host-` prefix when cookies are `Secure` (an https
/// `PUBLIC_URL`).
pub fn session_cookie(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The protections, configured for one deployment.
#[derive(Clone)]
pub struct Security {
    headers: Arc<headers::HeaderPolicy>,
    origins: Arc<csrf::OriginCheck>,
    limits: Arc<rate_limit::RateLimiter>,
}

impl Security {
    /// `twitch` is the final Twitch configuration (its public address resolved, demo mode's
    /// simulator in place).
    pub fn new(config: &SecurityConfig, twitch: &TwitchConfig) -> Self {
        let auth_origin = reqwest::Url::parse(&twitch.auth_url)
            .ok()
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o != "null");
        let cookie = session_cookie(twitch.secure_cookies());
        config.warn_if_misconfigured();
        Self {
            headers: Arc::new(headers::HeaderPolicy {
                https: twitch.secure_cookies(),
                auth_origin,
                // Set by `cargo leptos watch`, as Leptos's reload script itself checks.
                dev_reload: std::env::var_os("LEPTOS_WATCH").is_some(),
            }),
            origins: Arc::new(csrf::OriginCheck::new(&twitch.public_url, cookie)),
            limits: Arc::new(rate_limit::RateLimiter::new(config, cookie)),
        }
    }

    /// Wraps `router`: headers outermost (so refusals carry them too), then rate limits (before
    /// any session is loaded), then the cross-site check.
    pub fn protect(&self, router: Router) -> Router {
        router
            .layer(from_fn_with_state(
                self.origins.clone(),
                csrf::refuse_cross_site,
            ))
            .layer(from_fn_with_state(self.limits.clone(), rate_limit::limit))
            .layer(from_fn_with_state(
                self.headers.clone(),
                headers::set_headers,
            ))
    }
}

pub(crate) use app::ssr::cookies::{cookie, cookies};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_cookie_is_host_prefixed_on_https() {
        assert_eq!(session_cookie(true), "__Host-vip_session");
        assert_eq!(session_cookie(false), "vip_session");
    }
}
