//! Rate limits: `429` with `Retry-After` and the API's error body, budgets per login and per
//! client address, and `X-Forwarded-For` believed only from configured proxies. The budgets are
//! per hour so that none refills while a test runs.

use app::server_fns::CreateApiToken;
use leptos::server_fn::ServerFn;

use crate::common::{log_in, log_in_as, TestServer};
use crate::security::support::{send, server_fn, Reply};

fn assert_rate_limited(reply: &Reply) {
    assert_eq!(reply.status, 429, "{}", reply.body);
    let wait: u64 = reply
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let body = reply.json();
    assert_eq!(body["error"], "rate_limited", "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn login_attempts_over_budget_are_told_when_to_come_back() {
    let server = TestServer::start_with(&[("RATE_LIMIT_AUTH_PER_IP", "2/h")]).await;
    for _ in 0..2 {
        let reply = send(server.http.get(server.url("/api/auth/login"))).await;
        assert_eq!(reply.status / 100, 3, "{}", reply.body);
    }
    let reply = send(server.http.get(server.url("/api/auth/login"))).await;
    assert_rate_limited(&reply);
    let reply = send(server.http.post(server.url("/api/auth/logout"))).await;
    assert_rate_limited(&reply);
    // Other budgets and unlimited routes are untouched.
    for path in ["/api/health", "/", "/api/vip"] {
        let reply = send(server.http.get(server.url(path))).await;
        assert_ne!(reply.status, 429, "{path}");
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn each_login_and_each_api_token_has_its_own_api_budget() {
    let server = TestServer::start_with(&[
        ("RATE_LIMIT_API_PER_SESSION", "3/h"),
        ("RATE_LIMIT_API_PER_IP", "off"),
    ])
    .await;
    let streamer = TestServer::browser();
    log_in(&server, &streamer).await;
    let reply = send(server_fn(
        &server,
        &streamer,
        CreateApiToken::PATH,
        &[("name", "deck")],
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let token = reply.json()["token"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        assert_eq!(send(streamer.get(server.url("/api/vip"))).await.status, 200);
    }
    assert_rate_limited(&send(streamer.get(server.url("/api/vip"))).await);
    // The same streamer's API token is another caller with its own budget.
    let with_token = || server.http.get(server.url("/api/vip")).bearer_auth(&token);
    for _ in 0..3 {
        assert_eq!(send(with_token()).await.status, 200);
    }
    assert_rate_limited(&send(with_token()).await);
    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    assert_eq!(send(other.get(server.url("/api/vip"))).await.status, 200);
    // Without a login there is no caller budget (the address budget is off here).
    for _ in 0..4 {
        assert_eq!(
            send(server.http.get(server.url("/api/vip"))).await.status,
            401
        );
    }
    server.stop().await.unwrap();
}

async fn from(server: &TestServer, path: &str, forwarded: &str) -> Reply {
    send(
        server
            .http
            .get(server.url(path))
            .header("x-forwarded-for", forwarded),
    )
    .await
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    // Directly on the internet: the header is the client's word and is ignored.
    let server = TestServer::start_with(&[("RATE_LIMIT_API_PER_IP", "2/h")]).await;
    assert_eq!(from(&server, "/api/vip", "203.0.113.1").await.status, 401);
    assert_eq!(from(&server, "/api/vip", "203.0.113.2").await.status, 401);
    assert_rate_limited(&from(&server, "/api/vip", "203.0.113.3").await);
    server.stop().await.unwrap();

    // Behind one proxy (Cloud Run): its entry, the last, names the client.
    let server = TestServer::start_with(&[
        ("RATE_LIMIT_API_PER_IP", "2/h"),
        ("RATE_LIMIT_CRON_PER_IP", "1/h"),
        ("TRUSTED_PROXY_HOPS", "1"),
    ])
    .await;
    assert_eq!(from(&server, "/api/vip", "203.0.113.1").await.status, 401);
    assert_eq!(from(&server, "/api/vip", "203.0.113.1").await.status, 401);
    assert_rate_limited(&from(&server, "/api/vip", "203.0.113.1").await);
    // What the client wrote in front does not make it someone else.
    assert_rate_limited(&from(&server, "/api/vip", "198.51.100.7, 203.0.113.1").await);
    assert_eq!(from(&server, "/api/vip", "203.0.113.2").await.status, 401);

    // The scheduler's endpoint has its own budget, spent before the secret is even checked.
    let cron = |forwarded: &'static str| {
        send(
            server
                .http
                .post(server.url("/api/cron/remove-expired-vips"))
                .header("x-forwarded-for", forwarded),
        )
    };
    assert_eq!(cron("203.0.113.1").await.status, 401);
    assert_rate_limited(&cron("203.0.113.1").await);
    assert_eq!(cron("203.0.113.2").await.status, 401);
    server.stop().await.unwrap();
}
