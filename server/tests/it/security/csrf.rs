//! Requests another site makes a signed-in browser send are refused; the server's own pages,
//! plain forms, scripts and the scheduler are not.

use app::server_fns::GrantVip;
use leptos::server_fn::ServerFn;
use serde_json::json;

use crate::common::{location, log_in, TestServer};
use crate::security::support::{from_evil_site, same_origin, send, server_fn};

const GRANT: &[(&str, &str)] = &[("login", "viewer_bob"), ("amount", "1"), ("unit", "hours")];

async fn vip_count(server: &TestServer, browser: &reqwest::Client) -> usize {
    let reply = send(browser.get(server.url("/api/vip"))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["vips"].as_array().unwrap().len()
}

#[tokio::test]
async fn forged_requests_with_the_login_cookie_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let grant = json!({ "user_login": "viewer_bob", "duration_secs": 3600 });
    let forged = [
        vec![
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        // A sibling subdomain is another site to the login, whatever SameSite says.
        vec![
            ("origin", "https://x.127.0.0.1"),
            ("sec-fetch-site", "same-site"),
        ],
        // Older browsers: no Sec-Fetch-Site, but Origin or at least Referer.
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("referer", "https://evil.example/page")],
    ];
    for headers in &forged {
        let mut request = browser.post(server.url("/api/vip")).json(&grant);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let reply = send(request).await;
        assert_eq!(reply.status, 403, "{headers:?}: {}", reply.body);
        assert_eq!(reply.json()["error"], "cross_site_request", "{headers:?}");
        assert!(reply.json()["message"].is_string());
    }
    let reply = send(from_evil_site(server_fn(
        &server,
        &browser,
        GrantVip::PATH,
        GRANT,
    )))
    .await;
    assert_eq!(reply.status, 403, "a server function: {}", reply.body);
    let reply = send(from_evil_site(browser.post(server.url("/api/auth/logout")))).await;
    assert_eq!(reply.status, 403, "logout: {}", reply.body);
    assert_eq!(
        vip_count(&server, &browser).await,
        0,
        "nothing granted, still logged in"
    );

    // The server's own page, as the hydrated app sends it.
    let reply = send(same_origin(
        &server,
        browser.post(server.url("/api/vip")).json(&grant),
    ))
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let bob = reply.json()["user_id"].as_str().unwrap().to_owned();

    // A plain form without JavaScript: the browser sends Origin and comes back to the page.
    let reply = send(
        same_origin(&server, server_fn(&server, &browser, GrantVip::PATH, GRANT))
            .header("accept", "text/html")
            .header("referer", server.url("/dashboard")),
    )
    .await;
    assert!(reply.status / 100 == 3, "{}: {}", reply.status, reply.body);

    // A script with the login cookie says nothing about an origin: not a browser, allowed.
    let reply = send(browser.delete(server.url(&format!("/api/vip/{bob}")))).await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(vip_count(&server, &browser).await, 0);

    let res = same_origin(&server, browser.post(server.url("/api/auth/logout")))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(location(&res), "/");
    let reply = send(browser.get(server.url("/api/vip"))).await;
    assert_eq!(reply.status, 401, "logged out");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn requests_not_authorised_by_the_cookie_are_not_checked() {
    let server =
        TestServer::start_with(&[("CRON_SECRET", "cron-secret-value-of-32-characters")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    // The scheduler's bearer token authorises it, even if a cookie came along.
    let reply = send(from_evil_site(
        browser
            .post(server.url("/api/cron/remove-expired-vips"))
            .bearer_auth("cron-secret-value-of-32-characters"),
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Without the cookie there is nothing to forge: the API asks for a login.
    let reply = send(from_evil_site(
        server
            .http
            .post(server.url("/api/vip"))
            .json(&json!({ "user_login": "viewer_bob", "duration_secs": 60 })),
    ))
    .await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    server.stop().await.unwrap();
}
