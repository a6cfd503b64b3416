//! Refuses cross-site requests that the login cookie would authorise (CSRF).
//!
//! The check applies to unsafe methods (all but `GET`, `HEAD`, `OPTIONS`, `TRACE`) that carry the
//! session cookie and no `Authorization` header: a bearer-authorised caller (the scheduler, a
//! script with an API token) does not act on a browser's cookie (the API judges such a request by
//! its header alone), and a page cannot add that header to a cross-site request without CORS,
//! which the server never allows. The EventSub webhook carries no cookie; its HMAC
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
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN, REFERER};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::SESSION_COOKIE;

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
}

impl OriginCheck {
    /// `public_url`: where browsers reach the server (`PUBLIC_URL`).
    pub fn new(public_url: &str) -> Self {
        Self {
            public_origin: origin_of(public_url),
        }
    }

    /// Decides on one request; `host` is where it was sent (`Host`, or the HTTP/2 authority).
    pub fn verdict(&self, method: &Method, headers: &HeaderMap, host: Option<&str>) -> Verdict {
        let safe = matches!(
            *method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        );
        if safe
            || headers.contains_key(AUTHORIZATION)
            || super::cookie(headers, SESSION_COOKIE).is_none()
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
    match check.verdict(request.method(), request.headers(), host) {
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
        check.verdict(&Method::POST, &headers(&all), Some("127.0.0.1:3000"))
    }

    #[test]
    fn browsers_on_the_same_origin_pass_and_other_sites_do_not() {
        let check = OriginCheck::new(US);
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
        let check = OriginCheck::new("https://vip.example.com/");
        let h = headers(&[
            ("cookie", "vip_session=abc"),
            ("origin", "https://vip.example.com"),
        ]);
        assert_eq!(
            check.verdict(&Method::PUT, &h, Some("internal:8080")),
            Verdict::Allowed
        );
        let h = headers(&[
            ("cookie", "vip_session=abc"),
            ("origin", "http://localhost:3000"),
        ]);
        assert_eq!(
            check.verdict(&Method::DELETE, &h, Some("localhost:3000")),
            Verdict::Allowed
        );
        assert!(matches!(
            check.verdict(&Method::DELETE, &h, Some("localhost:4000")),
            Verdict::Refused(_)
        ));
        assert!(matches!(
            check.verdict(&Method::PATCH, &h, None),
            Verdict::Refused(_)
        ));
    }

    #[test]
    fn only_unsafe_cookie_authorised_requests_are_checked() {
        let check = OriginCheck::new(US);
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
            check.verdict(&Method::GET, &with_cookie(&[]), host),
            Verdict::Allowed
        );
        assert_eq!(
            check.verdict(&Method::HEAD, &with_cookie(&[]), host),
            Verdict::Allowed
        );
        assert!(matches!(
            check.verdict(&Method::POST, &with_cookie(&[]), host),
            Verdict::Refused(_)
        ));
        let bearer = with_cookie(&[("authorization", "Bearer s3cret")]);
        assert_eq!(
            check.verdict(&Method::POST, &bearer, host),
            Verdict::Allowed
        );
        assert_eq!(
            check.verdict(&Method::POST, &headers(&evil), host),
            Verdict::Allowed
        );
        let other_cookie = headers(&[("cookie", "vip_session_old=1"), evil[0], evil[1]]);
        assert_eq!(
            check.verdict(&Method::POST, &other_cookie, host),
            Verdict::Allowed
        );
    }

    #[test]
    fn callers_that_say_nothing_about_their_origin_are_not_browsers() {
        let check = OriginCheck::new(US);
        assert_eq!(post(&check, &[]), Verdict::Allowed);
    }
}
