//! What authorises a request, for the per-caller budget and the cross-site check.
//!
//! Server functions are authorised by the login cookie alone: they never read `Authorization`.
//! The REST API and the live stream are authorised by `Authorization` when the request carries
//! one, and by the cookie otherwise. Keying a budget (or skipping the cross-site check) on a header
//! that the handler ignores would let any caller escape both by adding that header, so each
//! request is judged by the credential its handler actually uses.

use std::collections::HashSet;
use std::sync::OnceLock;

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

/// The credential a request is authorised by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// `Authorization` (an API token, or the scheduler's secret).
    Header(&'a str),
    /// The login cookie.
    Cookie(&'a str),
}

impl<'a> Credential<'a> {
    /// The credential's value, to key a budget on.
    pub fn value(self) -> &'a str {
        match self {
            Self::Header(v) | Self::Cookie(v) => v,
        }
    }
}

/// The registered server functions' paths, read once (they are registered at start-up).
fn server_fn_paths() -> &'static HashSet<&'static str> {
    static PATHS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    PATHS.get_or_init(|| {
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect()
    })
}

/// Whether `path` is a server function's: authorised by the login cookie only.
pub fn is_server_fn(path: &str) -> bool {
    server_fn_paths().contains(path)
}

/// The credential the handler of `path` authorises the request by; `cookie_name` is the login
/// cookie's name.
pub fn credential<'a>(
    path: &str,
    headers: &'a HeaderMap,
    cookie_name: &str,
) -> Option<Credential<'a>> {
    let cookie = || super::cookie(headers, cookie_name).map(Credential::Cookie);
    if is_server_fn(path) {
        return cookie();
    }
    match headers.get(AUTHORIZATION) {
        Some(value) => Some(Credential::Header(value.to_str().unwrap_or_default())),
        None => cookie(),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::header::COOKIE;
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(axum::http::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name.clone(), HeaderValue::from_static(value));
        }
        h
    }

    fn a_server_fn() -> &'static str {
        server_fn_paths()
            .iter()
            .next()
            .copied()
            .expect("the app registers server functions")
    }

    #[test]
    fn server_functions_are_judged_by_the_cookie_alone() {
        let h = headers(&[(COOKIE, "vip_session=s1"), (AUTHORIZATION, "random")]);
        assert_eq!(
            credential(a_server_fn(), &h, "vip_session"),
            Some(Credential::Cookie("s1"))
        );
        let no_cookie = headers(&[(AUTHORIZATION, "random")]);
        assert_eq!(credential(a_server_fn(), &no_cookie, "vip_session"), None);
    }

    #[test]
    fn the_rest_api_is_judged_by_its_header_when_present() {
        let h = headers(&[(COOKIE, "vip_session=s1"), (AUTHORIZATION, "Bearer t")]);
        assert_eq!(
            credential("/api/vip", &h, "vip_session"),
            Some(Credential::Header("Bearer t"))
        );
        let h = headers(&[(COOKIE, "vip_session=s1")]);
        assert_eq!(
            credential("/api/ws", &h, "vip_session"),
            Some(Credential::Cookie("s1"))
        );
        assert!(!is_server_fn("/api/vip"));
    }

    #[test]
    fn only_the_configured_cookie_counts() {
        let h = headers(&[(COOKIE, "vip_session=decoy; __Host-vip_session=real")]);
        assert_eq!(
            credential(a_server_fn(), &h, "__Host-vip_session"),
            Some(Credential::Cookie("real"))
        );
    }
}
