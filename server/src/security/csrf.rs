//! Refuses cross-site requests that the login cookie would authorise (CSRF).
//!
//! The check applies to unsafe methods (all but `GET`, `HEAD`, `OPTIONS`, `TRACE`), and to WebSocket
//! handshakes (a `GET`, but one that no same-origin policy protects: any page may open a socket to
//! any site, and the answer is readable), that the session cookie authorises ([`super::credential`]): a bearer-authorised caller of the REST API
//! (the scheduler, a script with an API token) does not act on a browser's cookie (the API judges
//! such a request by its header alone), and a page cannot add that header to a cross-site request
//! without CORS, which the server never allows. Server functions read the cookie only, so an
//! `Authorization` header on one changes nothing: it is checked like any other. The EventSub webhook carries no cookie; its HMAC
//! authorises it. The browser says where a request comes from, in this order:
//!
//! 1. `Sec-Fetch-Site` (every current browser): `same-origin` or `none` pass; `same-site` (a
//!    sibling subdomain) and `cross-site` are refused.
//! 2. Otherwise `Origin`: it must be the public address (`PUBLIC_URL`) or the address the request
//!    was sent to (`Host`).
//! 3. Otherwise `Referer`: its origin, as above.
//! 4. None of the three: the caller is not a browser (a script or Stream Deck calling the JSON
//!    API with its own cookie) and passes. Browsers send `Origin` with every cross-site `POST`, so
//!    a forged request always carries one of the three; `SameSite=Lax` keeps the cookie off it too.
//!
//! A plain HTML form without JavaScript sends `Origin` and `Sec-Fetch-Site: same-origin`, so forms
//! keep working.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN, REFERER, UPGRADE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::credential::{credential, Credential};

/// Whether a request may go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused, with the reason logged.
    Refused(&'static str),
}

/// The server's own origins, against which requests are checked.
#[derive(Debug, Clone)]
pub struct OriginCheck {
    public_origin: Option<String>,
    /// The login cookie's name.
    cookie: &'static str,
}

impl OriginCheck {
    /// `public_url`: where browsers reach the server (`PUBLIC_URL`).
    /// `cookie`: the login cookie's name.
    pub fn new(public_url: &str, cookie: &'static str) -> Self {
        Self {
            public_origin: origin_of(public_url),
            cookie,
        }
    }

    /// Decides on one request to `path`; `host` is where it was sent (`Host`, or the HTTP/2
    /// authority).
    pub fn verdict(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
        host: Option<&str>,
    ) -> Verdict {
        let safe = matches!(
            *method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        ) && !headers.contains_key(UPGRADE);
        if safe
            || !matches!(
                credential(path, headers, self.cookie),
                Some(Credential::Cookie(_))
            )
        {
            return Verdict::Allowed;
        }
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(site) = text("sec-fetch-site") {
            return match site {
                "same-origin" | "none" => Verdict::Allowed,
                _ => Verdict::Refused("Sec-Fetch-Site is not same-origin"),
            };
        }
        let (source, refused) = match (text(ORIGIN.as_str()), text(REFERER.as_str())) {
            (Some(origin), _) => (origin, "Origin is another site"),
            (None, Some(referer)) => (referer, "Referer is another site"),
            (None, None) => return Verdict::Allowed,
        };
        if self.is_ours(source, host) {
            Verdict::Allowed
        } else {
            Verdict::Refused(refused)
        }
    }

    fn is_ours(&self, url: &str, host: Option<&str>) -> bool {
        let Some(origin) = origin_of(url) else {
            return false; // `null` or garbage
        };
        if self.public_origin.as_deref() == Some(origin.as_str()) {
            return true;
        }
        let scheme = origin.split("://").next().unwrap_or("http");
        host.and_then(|host| origin_of(&format!("{scheme}://{host}")))
            .is_some_and(|ours| ours == origin)
    }
}

/// `scheme://host[:port]` of an http(s) URL, default ports left out.
fn origin_of(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.origin().ascii_serialization())
}

/// The middleware: 403 `{"error":"cross_site_request",…}` for a refused request.
pub async fn refuse_cross_site(
    State(check): State<Arc<OriginCheck>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    match check.verdict(
        request.method(),
        request.uri().path(),
        request.headers(),
        host,
    ) {
        Verdict::Allowed => next.run(request).await,
        Verdict::Refused(reason) => {
            tracing::warn!(
                method = %request.method(),
                path = request.uri().path(),
                reason,
                "refused a cross-site request"
            );
            let body = serde_json::json!({
                "error": "cross_site_request",
                "message": "this request came from another site and was refused",
            });
            (StatusCode::FORBIDDEN, Json(body)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const US: &str = "http://127.0.0.1:3000";

    impl OriginCheck {
        /// A verdict on a request to the REST API.
        fn verdict_api(&self, method: &Method, headers: &HeaderMap, host: Option<&str>) -> Verdict {
            self.verdict(method, "/api/vip", headers, host)
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn post(check: &OriginCheck, pairs: &[(&'static str, &'static str)]) -> Verdict {
        let mut all = vec![("cookie", "theme=dark; vip_session=abc")];
        all.extend_from_slice(pairs);
        check.verdict_api(&Method::POST, &headers(&all), Some("127.0.0.1:3000"))
    }

    #[test]
    fn browsers_on_the_same_origin_pass_and_other_sites_do_not() {
        let check = OriginCheck::new(US, "vip_session");
        assert_eq!(
            post(&check, &[("sec-fetch-site", "same-origin")]),
            Verdict::Allowed
        );
        assert_eq!(
            post(&check, &[("sec-fetch-site", "none")]),
            Verdict::Allowed
        );
        for site in ["same-site", "cross-site"] {
            let pairs = [("sec-fetch-site", site), ("origin", US)];
            assert!(
                matches!(post(&check, &pairs), Verdict::Refused(_)),
                "{site}"
            );
        }
        assert_eq!(post(&check, &[("origin", US)]), Verdict::Allowed);
        assert_eq!(
            post(&check, &[("origin", "HTTP://127.0.0.1:3000")]),
            Verdict::Allowed
        );
        assert!(matches!(
            post(&check, &[("origin", "https://evil.example")]),
            Verdict::Refused(_)
        ));
        assert!(matches!(
            post(&check, &[("origin", "null")]),
            Verdict::Refused(_)
        ));
        assert_eq!(
            post(&check, &[("referer", "http://127.0.0.1:3000/settings?x=1")]),
            Verdict::Allowed
        );
        assert!(matches!(
            post(&check, &[("referer", "https://evil.example/")]),
            Verdict::Refused(_)
        ));
    }

    #[test]
    fn the_public_address_and_the_requested_host_both_count_as_ours() {
        let check = OriginCheck::new("https://vip.example.com/", "vip_session");
        let h = headers(&[
            ("cookie", "vip_session=abc"),
            ("origin", "https://vip.example.com"),
        ]);
        assert_eq!(
            check.verdict_api(&Method::PUT, &h, Some("internal:8080")),
            Verdict::Allowed
        );
        let h = headers(&[
            ("cookie", "vip_session=abc"),
            ("origin", "http://localhost:3000"),
        ]);
        assert_eq!(
            check.verdict_api(&Method::DELETE, &h, Some("localhost:3000")),
            Verdict::Allowed
        );
        assert!(matches!(
            check.verdict_api(&Method::DELETE, &h, Some("localhost:4000")),
            Verdict::Refused(_)
        ));
        assert!(matches!(
            check.verdict_api(&Method::PATCH, &h, None),
            Verdict::Refused(_)
        ));
    }

    #[test]
    fn only_unsafe_cookie_authorised_requests_are_checked() {
        let check = OriginCheck::new(US, "vip_session");
        let evil = [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ];
        let with_cookie = |extra: &[(&'static str, &'static str)]| {
            let mut all = vec![("cookie", "vip_session=abc")];
            all.extend_from_slice(&evil);
            all.extend_from_slice(extra);
            headers(&all)
        };
        let host = Some("127.0.0.1:3000");
        assert_eq!(
            check.verdict_api(&Method::GET, &with_cookie(&[]), host),
            Verdict::Allowed
        );
        assert_eq!(
            check.verdict_api(&Method::HEAD, &with_cookie(&[]), host),
            Verdict::Allowed
        );
        assert!(matches!(
            check.verdict_api(&Method::POST, &with_cookie(&[]), host),
            Verdict::Refused(_)
        ));
        let bearer = with_cookie(&[("authorization", "Bearer s3cret")]);
        assert_eq!(
            check.verdict_api(&Method::POST, &bearer, host),
            Verdict::Allowed
        );
        assert_eq!(
            check.verdict_api(&Method::POST, &headers(&evil), host),
            Verdict::Allowed
        );
        let other_cookie = headers(&[("cookie", "vip_session_old=1"), evil[0], evil[1]]);
        assert_eq!(
            check.verdict_api(&Method::POST, &other_cookie, host),
            Verdict::Allowed
        );
    }

    #[test]
    fn a_websocket_handshake_is_checked_as_an_unsafe_request() {
        let check = OriginCheck::new(US, "vip_session");
        let host = Some("127.0.0.1:3000");
        let socket = |origin: &'static str| {
            headers(&[
                ("cookie", "vip_session=abc"),
                ("connection", "Upgrade"),
                ("upgrade", "websocket"),
                ("origin", origin),
            ])
        };
        assert!(matches!(
            check.verdict(
                &Method::GET,
                "/api/ws",
                &socket("https://evil.example"),
                host
            ),
            Verdict::Refused(_)
        ));
        assert_eq!(
            check.verdict(&Method::GET, "/api/ws", &socket(US), host),
            Verdict::Allowed
        );
    }

    #[test]
    fn an_authorization_header_does_not_exempt_a_server_function() {
        let check = OriginCheck::new(US, "vip_session");
        let server_fn = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .next()
            .expect("the app registers server functions");
        let h = headers(&[
            ("cookie", "vip_session=abc"),
            ("authorization", "anything"),
            ("origin", "https://evil.example"),
        ]);
        let host = Some("127.0.0.1:3000");
        assert!(matches!(
            check.verdict(&Method::POST, server_fn, &h, host),
            Verdict::Refused(_)
        ));
        assert_eq!(check.verdict_api(&Method::POST, &h, host), Verdict::Allowed);
    }

    #[test]
    fn callers_that_say_nothing_about_their_origin_are_not_browsers() {
        let check = OriginCheck::new(US, "vip_session");
        assert_eq!(post(&check, &[]), Verdict::Allowed);
    }
}
