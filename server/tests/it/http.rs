//! The HTTP surface against a real server on port 0.

use crate::common;

use std::time::Duration;

use common::TestServer;

#[tokio::test]
async fn health_reports_ok_and_version() {
    let server = TestServer::start().await;
    let res = server
        .http
        .get(server.url("/api/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["store"]["backend"], "sqlite");
    assert_eq!(body["store"]["ok"], true);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn home_page_is_complete_html_from_the_server() {
    let server = TestServer::start().await;
    let res = server.http.get(server.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Sell VIP for channel points"), "{html}");
    // The server function's data is rendered into the page, not left to the browser.
    assert!(html.contains(env!("CARGO_PKG_VERSION")), "{html}");
    assert!(html.contains("VIP for 2 h (7200 seconds)"), "{html}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let server = TestServer::start().await;
    let res = server
        .http
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Page not found"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_404_page_knows_who_is_signed_in() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    common::log_in(&server, &browser).await;
    let res = browser
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("Page not found"), "{html}");
    assert!(html.contains("Log out"), "{html}");
    assert!(!html.contains("Log in with Twitch"), "{html}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_returns_promptly() {
    let server = TestServer::start().await;
    let stopped = tokio::time::timeout(Duration::from_secs(8), server.stop()).await;
    assert!(stopped.is_ok(), "server did not stop within 8 s");
}

#[tokio::test]
async fn the_cron_endpoint_needs_its_secret() {
    let server =
        TestServer::start_with(&[("CRON_SECRET", "cron-secret-value-of-32-characters")]).await;
    let url = server.url("/api/cron/remove-expired-vips");
    let res = server.http.post(&url).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = server
        .http
        .post(&url)
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = server
        .http
        .post(&url)
        .bearer_auth("cron-secret-value-of-32-characters")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({ "removed": 0 }));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_cron_endpoint_refuses_everyone_without_a_configured_secret() {
    let server = TestServer::start().await;
    let res = server
        .http
        .post(server.url("/api/cron/remove-expired-vips"))
        .bearer_auth("")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_live_stream_needs_a_login() {
    let server = TestServer::start().await;
    let res = server.http.get(server.url("/api/ws")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn open_live_streams_end_when_the_server_shuts_down() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    common::log_in(&server, &browser).await;
    let mut live = browser.get(server.url("/api/ws")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    assert!(String::from_utf8_lossy(&live.chunk().await.unwrap().unwrap()).contains("ready"));
    let stopped = tokio::time::timeout(Duration::from_secs(8), server.stop()).await;
    assert!(
        stopped.is_ok(),
        "an open SSE stream kept the server from stopping"
    );
    // The stream ends instead of hanging.
    let end = tokio::time::timeout(Duration::from_secs(8), async {
        while let Ok(Some(_)) = live.chunk().await {}
    })
    .await;
    assert!(end.is_ok(), "the stream did not end");
}

/// Twitch answers Add VIP only after `millis` (0: at once again).
async fn slow_add_vip(server: &TestServer, millis: u64) {
    let res = server
        .http
        .post(server.url("/twitch-sim/sim/delay"))
        .json(&serde_json::json!({ "endpoint": "POST /helix/channels/vips", "millis": millis }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
}

/// A request still unanswered after `REQUEST_TIMEOUT_SECS` is answered 503; the live stream, open
/// for longer than that, is not cut and keeps delivering.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_request_is_answered_503_but_the_live_stream_stays_open() {
    let server = TestServer::start_with(&[("REQUEST_TIMEOUT_SECS", "1")]).await;
    let browser = TestServer::browser();
    common::log_in(&server, &browser).await;
    let mut live = browser.get(server.url("/api/ws")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    let grant = |login: &str| {
        browser
            .post(server.url("/api/vip"))
            .json(&serde_json::json!({ "user_login": login, "duration_secs": 3600 }))
            .send()
    };

    slow_add_vip(&server, 10_000).await;
    let cut = grant("viewer_bob").await.unwrap();
    assert_eq!(cut.status(), 503);
    let body: serde_json::Value = cut.json().await.unwrap();
    assert_eq!(body["error"], "timeout", "{body}");
    slow_add_vip(&server, 0).await;

    assert_eq!(grant("viewer_carol").await.unwrap().status(), 201);
    let heard = tokio::time::timeout(Duration::from_secs(20), async {
        let mut seen = String::new();
        while let Some(chunk) = live.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("viewer_carol") {
                return seen;
            }
        }
        panic!("the live stream ended: {seen}");
    })
    .await
    .expect("the grant on the stream within the hang guard");
    assert!(heard.contains("event: granted"), "{heard}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn signed_in_pages_show_errors_one_way_with_their_status() {
    let server = TestServer::start().await;
    for (path, prompt) in [
        ("/dashboard", "Log in to see your channel"),
        ("/activity", "Log in to see your activity"),
        ("/analytics", "Log in to see your analytics"),
        ("/settings", "Log in to see your settings"),
        ("/account", "Log in to see your account"),
    ] {
        let res = server.http.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 401, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains(prompt), "{path}: {html}");
    }
    let browser = TestServer::browser();
    common::log_in(&server, &browser).await;
    for (path, kept) in [
        ("/activity?action=nope", "name=\"viewer\""),
        ("/analytics?days=5", ">Analytics</h1>"),
    ] {
        let res = browser.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 400, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("role=\"alert\""), "{path}: {html}");
        assert!(
            html.contains(kept),
            "{path} keeps its heading and controls: {html}"
        );
    }
    server.stop().await.unwrap();
}
