//! The OAuth `state` of a login under way, kept in a short-lived cookie of its own.
//!
//! Starting a login stores nothing on the server: an anonymous visitor of `/api/auth/login` gets a
//! random state in a cookie that lasts [`STATE_TTL_SECS`], and the callback compares Twitch's
//! `state` with it (a login link from another browser or an expired one is refused). The login
//! session is created only once the callback has succeeded.

use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

/// How long a login may take at Twitch, in seconds.
pub const STATE_TTL_SECS: u32 = 10 * 60;

/// The cookie's name; with the `__Host-` prefix on HTTPS (it must then be `Secure`, `Path=/`).
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-vip_oauth_state"
    } else {
        "vip_oauth_state"
    }
}

/// A fresh random state.
pub fn new_state() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn set(response: &mut Response, secure: bool, value: &str, max_age: u32) {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    let cookie =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// Puts `state` into the browser for [`STATE_TTL_SECS`].
pub fn remember(response: &mut Response, secure: bool, state: &str) {
    set(response, secure, state, STATE_TTL_SECS);
}

/// Deletes the cookie (the callback used it up).
pub fn forget(response: &mut Response, secure: bool) {
    set(response, secure, "", 0);
}

/// Whether `returned` (Twitch's `state`) is the one this browser was given.
pub fn matches(headers: &HeaderMap, secure: bool, returned: &str) -> bool {
    crate::security::cookies(headers, cookie_name(secure))
        .any(|value| !value.is_empty() && value == returned)
}

#[cfg(test)]
mod tests {
    use axum::http::header::COOKIE;
    use axum::response::IntoResponse;

    use super::*;

    #[test]
    fn the_cookie_is_short_lived_and_prefixed_on_https() {
        let mut response = ().into_response();
        remember(&mut response, true, "abc");
        let set = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        assert!(
            set.starts_with("__Host-vip_oauth_state=abc; Path=/;"),
            "{set}"
        );
        assert!(
            set.contains("Max-Age=600") && set.ends_with("; Secure"),
            "{set}"
        );
        let mut response = ().into_response();
        forget(&mut response, false);
        let set = response.headers()[SET_COOKIE].to_str().unwrap();
        assert_eq!(
            set,
            "vip_oauth_state=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        );
    }

    #[test]
    fn only_the_state_this_browser_was_given_matches() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=b; vip_oauth_state=s1"));
        assert!(matches(&h, false, "s1"));
        assert!(!matches(&h, false, "s2"));
        assert!(
            !matches(&h, true, "s1"),
            "the HTTPS cookie has another name"
        );
        h.insert(COOKIE, HeaderValue::from_static("vip_oauth_state="));
        assert!(!matches(&h, false, ""));
    }
}
