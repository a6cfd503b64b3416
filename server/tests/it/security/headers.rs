//! Security headers, the pages' Content Security Policy and the login cookie's attributes.

use std::collections::HashSet;

use crate::common::{log_in, TestServer};
use crate::security::support::{send, Reply};

/// The nonce a page's policy allows scripts with.
fn policy_nonce(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    let len = csp[start..].find('\'').unwrap();
    csp[start..start + len].to_owned()
}

fn directive<'a>(csp: &'a str, name: &str) -> &'a str {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {name} in {csp}"))
}

/// The opening tags of every `<script>` in a page.
fn script_tags(html: &str) -> Vec<&str> {
    html.match_indices("<script")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1])
        .collect()
}

fn assert_common_headers(reply: &Reply) {
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("referrer-policy"), Some("same-origin"));
    assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        reply.header("cross-origin-opener-policy"),
        Some("same-origin")
    );
}

#[tokio::test]
async fn every_inline_script_of_every_page_carries_the_response_s_own_nonce() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let mut nonces = HashSet::new();
    let pages = [
        "/",
        "/dashboard",
        "/activity",
        "/settings",
        "/account",
        "/c/demo_streamer",
        "/no/such/page",
    ];
    for path in pages {
        let reply = send(browser.get(server.url(path))).await;
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert_common_headers(&reply);
        assert_eq!(
            reply.header("strict-transport-security"),
            None,
            "plain http"
        );
        let csp = reply.header("content-security-policy").expect(path);
        let nonce = policy_nonce(csp);
        assert!(nonce.len() >= 16, "{nonce}");
        assert!(nonces.insert(nonce.clone()), "{path}: a nonce used twice");
        assert_eq!(
            directive(csp, "script-src"),
            format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'")
        );
        assert_eq!(directive(csp, "frame-ancestors"), "'none'");
        assert_eq!(directive(csp, "style-src"), "'self'");
        assert_eq!(directive(csp, "connect-src"), "'self'");
        assert!(!csp.contains("upgrade-insecure-requests"), "{csp}");

        let scripts = script_tags(&reply.body);
        // The hydration bootstrap at least; async pages add their resolved resources.
        assert!(!scripts.is_empty(), "{path}: {}", reply.body);
        for tag in scripts {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: {tag}");
        }
    }
    let dashboard = send(browser.get(server.url("/dashboard"))).await;
    assert!(
        dashboard.body.contains("__RESOLVED_RESOURCES"),
        "the dashboard's data travels in an inline script"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn json_and_files_may_load_nothing_and_the_cookie_is_http_only_and_lax() {
    let server = TestServer::start().await;
    let reply = send(server.http.get(server.url("/api/health"))).await;
    assert_eq!(reply.status, 200);
    assert_common_headers(&reply);
    assert_eq!(
        reply.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
    let reply = send(server.http.get(server.url("/api/auth/login"))).await;
    let cookie = reply.header("set-cookie").expect("the login's state");
    assert!(cookie.starts_with("vip_oauth_state="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn https_deployments_get_hsts_secure_cookies_and_upgraded_loads() {
    let server = TestServer::start_with(&[
        ("PUBLIC_URL", "https://vip.example.com"),
        ("EVENTSUB_TRANSPORT", "websocket"),
    ])
    .await;
    let reply = send(server.http.get(server.url("/api/auth/login"))).await;
    assert!(reply.status / 100 == 3, "{}", reply.status);
    assert_eq!(
        reply.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    let cookie = reply.header("set-cookie").expect("the login's state");
    assert!(cookie.starts_with("__Host-vip_oauth_state="), "{cookie}");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    let page = send(server.http.get(server.url("/"))).await;
    assert_eq!(page.status, 200);
    assert!(page.header("strict-transport-security").is_some());
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.ends_with("; upgrade-insecure-requests"), "{csp}");
    server.stop().await.unwrap();
}
