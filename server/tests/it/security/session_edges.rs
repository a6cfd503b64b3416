//! Logins and the credential a request is judged by: starting a login stores nothing, the OAuth
//! state lives minutes, `?channel=` answers alike for a channel that does not exist and one the
//! caller may not touch, a server function's budget and cross-site check follow the cookie it is
//! authorised by, and pages and JSON are never cached.

use app::server_fns::CreateApiToken;
use app::ssr::store::prelude::*;
use leptos::server_fn::ServerFn;

use crate::common::{log_in, log_in_as, TestServer};
use crate::security::support::{from_evil_site, send, server_fn};

async fn login_sessions(server: &TestServer) -> i64 {
    let pool = sqlx::SqlitePool::connect(&server.database_url)
        .await
        .unwrap();
    let count = sqlx::query_scalar("SELECT count(*) FROM login_sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    count
}

#[tokio::test]
async fn starting_a_login_stores_nothing_and_its_state_lasts_minutes() {
    let server = TestServer::start().await;
    for _ in 0..5 {
        let res = server
            .http
            .get(server.url("/api/auth/login"))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection());
        let cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert!(
            !cookies.iter().any(|c| c.starts_with("vip_session=")),
            "{cookies:?}"
        );
        let state = cookies
            .iter()
            .find(|c| c.starts_with("vip_oauth_state="))
            .expect("a state cookie");
        assert!(
            state.contains("Max-Age=600") && state.contains("HttpOnly"),
            "{state}"
        );
    }
    assert_eq!(login_sessions(&server).await, 0);
    // The whole dance still logs in, and only then is a session stored.
    let browser = TestServer::browser();
    assert_eq!(log_in(&server, &browser).await, "/dashboard");
    assert_eq!(login_sessions(&server).await, 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_callback_without_this_browser_s_state_is_refused() {
    let server = TestServer::start().await;
    let attacker = TestServer::browser();
    let res = attacker
        .get(server.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let authorize = crate::common::location(&res);
    let res = attacker.get(&authorize).send().await.unwrap();
    let callback = crate::common::location(&res);
    // Another browser (without the state cookie) following the attacker's link.
    let victim = TestServer::browser();
    let res = victim.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(login_sessions(&server).await, 0);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn unknown_and_forbidden_channels_answer_alike() {
    let server = TestServer::start().await;
    let streamer = TestServer::browser();
    log_in(&server, &streamer).await;
    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    let other_id = server
        .store()
        .await
        .channel_by_login("other_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    for path in [
        "/api/vip",
        "/api/audit-log",
        "/api/channel-points",
        "/api/ws",
    ] {
        let ask = |channel: &str| {
            let url = server.url(&format!("{path}?channel={channel}"));
            send(streamer.get(url))
        };
        let tenant = ask(other_id.as_str()).await;
        let nobody = ask("999999999").await;
        assert_eq!(tenant.status, nobody.status, "{path}");
        assert_eq!(tenant.body, nobody.body, "{path}");
        assert_eq!(tenant.status, 403, "{path}: {}", tenant.body);
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_random_authorization_header_neither_escapes_a_server_function_s_budget_nor_its_csrf_check(
) {
    let server = TestServer::start_with(&[
        ("RATE_LIMIT_API_PER_SESSION", "2/h"),
        ("RATE_LIMIT_API_PER_IP", "off"),
    ])
    .await;
    let streamer = TestServer::browser();
    log_in(&server, &streamer).await;
    let call = |n: usize| {
        server_fn(
            &server,
            &streamer,
            CreateApiToken::PATH,
            &[("name", "deck")],
        )
        .header("authorization", format!("Bearer random-{n}"))
    };
    assert_eq!(send(call(1)).await.status, 200);
    assert_eq!(send(call(2)).await.status, 200);
    let reply = send(call(3)).await;
    assert_eq!(reply.status, 429, "{}", reply.body);

    let server2 = TestServer::start().await;
    let victim = TestServer::browser();
    log_in(&server2, &victim).await;
    let forged = from_evil_site(server_fn(
        &server2,
        &victim,
        CreateApiToken::PATH,
        &[("name", "stolen")],
    ))
    .header("authorization", "Bearer anything");
    let reply = send(forged).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert_eq!(reply.json()["error"], "cross_site_request");
    server.stop().await.unwrap();
    server2.stop().await.unwrap();
}

#[tokio::test]
async fn pages_and_json_are_not_stored_by_caches() {
    let server = TestServer::start().await;
    let streamer = TestServer::browser();
    log_in(&server, &streamer).await;
    for path in ["/dashboard", "/api/vip", "/api/settings"] {
        let reply = send(streamer.get(server.url(path))).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
    }
    server.stop().await.unwrap();
}
