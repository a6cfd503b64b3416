//! Security headers on every response, and the Content Security Policy of the pages.
//!
//! Each request gets a fresh nonce in its extensions; [`provide_nonce`] hands it to the Leptos
//! render, which puts it on every inline script it writes (the hydration bootstrap and the
//! resolved-resource scripts), and the policy sent with the page allows scripts with that nonce
//! only. The WASM bundle, its JavaScript glue and the stylesheet come from the server itself.
//! Responses that are not pages may load nothing; the demo simulator's pages (it plays Twitch)
//! get a policy of their own without scripts.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// Where Twitch serves profile pictures (shown on the account page).
const TWITCH_IMAGES: &str = "https://static-cdn.jtvnw.net";
/// One year, without subdomains: the app does not decide for the rest of its owner's domain.
const HSTS: &str = "max-age=31536000";
/// Anything that is not a page (JSON, files) may load nothing and be framed by nobody.
const NON_PAGE_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// Pages of the demo mode's simulated Twitch (not the app): no scripts, their own inline styles.
const SIMULATOR_PAGE_CSP: &str = "default-src 'self'; script-src 'none'; \
     style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// What the page policy allows besides the server itself.
#[derive(Debug, Clone)]
pub struct HeaderPolicy {
    /// The public address is HTTPS: send HSTS and upgrade stray `http:` loads.
    pub https: bool,
    /// Where the login form may send the browser besides the server itself (Twitch's OAuth).
    pub auth_origin: Option<String>,
    /// `cargo leptos watch`: the reload script's WebSocket on another port.
    pub dev_reload: bool,
}

impl HeaderPolicy {
    /// The page policy for one response.
    pub fn page_csp(&self, nonce: &str) -> String {
        let mut connect = String::from("'self'");
        if self.dev_reload {
            connect.push_str(" ws: wss:");
        }
        let mut form_action = String::from("'self'");
        if let Some(origin) = &self.auth_origin {
            form_action.push(' ');
            form_action.push_str(origin);
        }
        let mut csp = format!(
            "default-src 'self'; \
             script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; \
             style-src-attr 'unsafe-inline'; \
             img-src 'self' {TWITCH_IMAGES}; \
             connect-src {connect}; \
             font-src 'self'; \
             object-src 'none'; \
             base-uri 'none'; \
             form-action {form_action}; \
             frame-ancestors 'none'"
        );
        if self.https {
            csp.push_str("; upgrade-insecure-requests");
        }
        csp
    }

    /// The policy of a response to `path`; `page`: it is HTML.
    fn csp_for(&self, path: &str, page: bool, nonce: &str) -> Option<HeaderValue> {
        let simulator = path
            .strip_prefix(crate::demo::MOUNT)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        match (page, simulator) {
            (true, false) => HeaderValue::from_str(&self.page_csp(nonce)).ok(),
            (true, true) => Some(HeaderValue::from_static(SIMULATOR_PAGE_CSP)),
            (false, _) => Some(HeaderValue::from_static(NON_PAGE_CSP)),
        }
    }
}

/// Puts the request's nonce into the Leptos render (call it in the render's context closure).
/// Without one (a router used without [`crate::security::Security::protect`]) Leptos keeps its own.
pub fn provide_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}

/// The middleware: a nonce in, the headers out.
pub async fn set_headers(
    State(policy): State<Arc<HeaderPolicy>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let page = is_html(response.headers());
    let headers = response.headers_mut();
    let fixed = |value: &'static str| HeaderValue::from_static(value);
    headers.insert(X_CONTENT_TYPE_OPTIONS, fixed("nosniff"));
    // Full addresses to the server itself (the no-JavaScript form flow returns to the referring
    // page), nothing to anyone else.
    headers.insert(REFERRER_POLICY, fixed("same-origin"));
    headers.insert(X_FRAME_OPTIONS, fixed("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        fixed("same-origin"),
    );
    if policy.https {
        headers.insert(STRICT_TRANSPORT_SECURITY, fixed(HSTS));
    }
    if let Some(csp) = policy.csp_for(&path, page, &nonce) {
        headers.insert(CONTENT_SECURITY_POLICY, csp);
    }
    if is_dynamic(headers) {
        // Pages and API answers may show a signed-in user's data: no browser or proxy keeps them.
        headers.insert(CACHE_CONTROL, fixed("no-store"));
    }
    response
}

/// Rendered pages, JSON, CSV exports and event streams (not the static bundle and files).
fn is_dynamic(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start().to_ascii_lowercase())
        .is_some_and(|v| {
            [
                "text/html",
                "application/json",
                "text/csv",
                "text/event-stream",
            ]
            .iter()
            .any(|t| v.starts_with(t))
        })
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(https: bool) -> HeaderPolicy {
        HeaderPolicy {
            https,
            auth_origin: Some("https://id.twitch.tv".into()),
            dev_reload: false,
        }
    }

    fn directives(csp: &str) -> Vec<(String, String)> {
        csp.split(';')
            .map(|d| {
                let d = d.trim();
                let (name, value) = d.split_once(' ').unwrap_or((d, ""));
                (name.to_owned(), value.to_owned())
            })
            .collect()
    }

    fn directive(csp: &str, name: &str) -> String {
        directives(csp)
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no {name} in {csp}"))
    }

    #[test]
    fn scripts_need_the_nonce_or_the_server_and_nothing_runs_eval() {
        let csp = policy(false).page_csp("abc123");
        assert_eq!(
            directive(&csp, "script-src"),
            "'self' 'nonce-abc123' 'wasm-unsafe-eval'"
        );
        assert!(!csp.contains("'unsafe-eval'"), "{csp}");
        assert_eq!(directive(&csp, "style-src"), "'self'");
        assert_eq!(directive(&csp, "connect-src"), "'self'");
        assert_eq!(directive(&csp, "frame-ancestors"), "'none'");
        assert_eq!(directive(&csp, "object-src"), "'none'");
        assert_eq!(
            directive(&csp, "form-action"),
            "'self' https://id.twitch.tv"
        );
        assert!(!csp.contains("upgrade-insecure-requests"));
    }

    #[test]
    fn https_upgrades_and_watch_mode_reaches_its_reload_socket() {
        assert!(policy(true)
            .page_csp("n")
            .ends_with("; upgrade-insecure-requests"));
        let dev = HeaderPolicy {
            dev_reload: true,
            ..policy(false)
        };
        assert_eq!(
            directive(&dev.page_csp("n"), "connect-src"),
            "'self' ws: wss:"
        );
    }

    #[test]
    fn pages_of_the_app_the_simulator_and_everything_else_get_their_own_policies() {
        let p = policy(false);
        let csp = |path, page| p.csp_for(path, page, "n1").unwrap();
        assert_eq!(csp("/dashboard", true), p.page_csp("n1"));
        assert_eq!(csp("/twitch-simulated", true), p.page_csp("n1"));
        assert_eq!(csp("/api/health", false), NON_PAGE_CSP);
        assert_eq!(
            csp("/twitch-sim/oauth2/authorize", true),
            SIMULATOR_PAGE_CSP
        );
        assert_eq!(csp("/twitch-sim/helix/users", false), NON_PAGE_CSP);
        assert!(SIMULATOR_PAGE_CSP.contains("script-src 'none'"));
        assert!(SIMULATOR_PAGE_CSP.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn pages_and_api_answers_are_not_stored_but_files_may_be() {
        let with = |t: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(CONTENT_TYPE, HeaderValue::from_static(t));
            is_dynamic(&h)
        };
        assert!(with("text/html; charset=utf-8"));
        assert!(with("application/json"));
        assert!(with("text/csv; charset=utf-8"));
        assert!(with("text/event-stream"));
        assert!(!with("application/wasm"));
        assert!(!with("text/css"));
        assert!(!with("text/javascript"));
        assert!(!is_dynamic(&HeaderMap::new()));
    }

    #[test]
    fn only_html_is_a_page() {
        let mut h = HeaderMap::new();
        assert!(!is_html(&h));
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        assert!(is_html(&h));
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert!(!is_html(&h));
    }
}
