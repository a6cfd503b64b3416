//! Live streams (`GET /api/ws`): a capped number open per login session, per API token and per
//! client address (`429` beyond), and an open stream ends within seconds once its caller loses the
//! right to it (logged out, token revoked, moderator removed).

use std::time::Duration;

use app::server_fns::{CreateApiToken, RevokeApiToken};
use app::ssr::store::prelude::*;
use leptos::server_fn::ServerFn;
use serde_json::json;

use crate::common::{log_in, log_in_as, TestServer};
use crate::security::support::{same_origin, send, server_fn};

/// Opening a stream answers at once; a stream that ends is read to its end well within this
/// (which is below the test client's own request time-out, so that the client never ends it).
const HANG_GUARD: Duration = Duration::from_secs(30);

/// Opens a stream and reads its first event.
async fn open(request: reqwest::RequestBuilder) -> reqwest::Response {
    let mut live = request.send().await.unwrap();
    assert_eq!(live.status(), 200);
    let first = tokio::time::timeout(HANG_GUARD, live.chunk()).await;
    let first = first.expect("a first event").unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("ready"));
    live
}

/// Reads `live` until the server ends it cleanly (failing if it is still open after the hang
/// guard).
async fn ends(mut live: reqwest::Response) {
    let read_to_end = async {
        while let Some(_event) = live.chunk().await.expect("a clean end of the stream") {}
    };
    tokio::time::timeout(HANG_GUARD, read_to_end)
        .await
        .expect("the stream to end");
}

fn assert_too_many(status: u16, body: &serde_json::Value) {
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"], "too_many_streams", "{body}");
}

async fn refused(request: reqwest::RequestBuilder) {
    let reply = send(request).await;
    assert_too_many(reply.status, &reply.json());
}

async fn create_token(server: &TestServer, browser: &reqwest::Client) -> (String, String) {
    let reply = send(server_fn(
        server,
        browser,
        CreateApiToken::PATH,
        &[("name", "deck")],
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    (
        body["token"].as_str().unwrap().to_owned(),
        body["info"]["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn each_session_token_and_address_holds_a_capped_number_of_streams() {
    let server = TestServer::start_with(&[
        ("LIVE_STREAMS_PER_SESSION", "2"),
        ("LIVE_STREAMS_PER_TOKEN", "1"),
        ("LIVE_STREAMS_PER_IP", "4"),
        // Waiting for a freed place retries quickly.
        ("RATE_LIMIT_API_PER_SESSION", "off"),
        ("RATE_LIMIT_API_PER_IP", "off"),
    ])
    .await;
    let streamer = TestServer::browser();
    log_in(&server, &streamer).await;
    let (token, _) = create_token(&server, &streamer).await;
    let ws = server.url("/api/ws");

    let first = open(streamer.get(&ws)).await;
    let _second = open(streamer.get(&ws)).await;
    refused(streamer.get(&ws)).await;
    // Closing one frees its place.
    drop(first);
    let _again = crate::common::eventually("a freed place", HANG_GUARD, || async {
        let live = streamer.get(&ws).send().await.ok()?;
        (live.status() == 200).then_some(live)
    })
    .await;
    refused(streamer.get(&ws)).await;

    // The token is another caller, with its own cap.
    let _scripted = open(server.http.get(&ws).bearer_auth(&token)).await;
    refused(server.http.get(&ws).bearer_auth(&token)).await;

    // Another login from the same address fills the address's cap.
    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    let _theirs = open(other.get(&ws)).await;
    refused(other.get(&ws)).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_logged_out_session_loses_its_open_stream() {
    let server = TestServer::start_with(&[("LIVE_STREAM_RECHECK_SECS", "1")]).await;
    let streamer = TestServer::browser();
    log_in(&server, &streamer).await;
    let live = open(streamer.get(server.url("/api/ws"))).await;
    let reply = send(same_origin(
        &server,
        streamer.post(server.url("/api/auth/logout")),
    ))
    .await;
    assert_eq!(reply.status / 100, 3, "{}", reply.body);
    ends(live).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_revoked_api_token_loses_its_open_stream() {
    let server = TestServer::start_with(&[("LIVE_STREAM_RECHECK_SECS", "1")]).await;
    let streamer = TestServer::browser();
    log_in(&server, &streamer).await;
    let (token, id) = create_token(&server, &streamer).await;
    let live = open(server.http.get(server.url("/api/ws")).bearer_auth(&token)).await;
    let reply = send(server_fn(
        &server,
        &streamer,
        RevokeApiToken::PATH,
        &[("id", &id)],
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    ends(live).await;
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_removed_moderator_loses_their_open_stream() {
    let server = TestServer::start_with(&[
        ("DEMO_REDEEM_EVERY_SECS", "86400"),
        ("LIVE_STREAM_RECHECK_SECS", "1"),
    ])
    .await;
    let owner = TestServer::browser();
    log_in(&server, &owner).await;
    let moderator = TestServer::browser();
    log_in_as(&server, &moderator, "helpful_mod").await;
    let mods = |change: &str| {
        server
            .http
            .post(server.url(&format!(
                "/twitch-sim/sim/channels/demo_streamer/moderators/{change}"
            )))
            .json(&json!({ "user": "helpful_mod" }))
    };
    assert!(send(mods("add")).await.status < 300);
    let reply = send(
        owner
            .put(server.url("/api/settings"))
            .json(&json!({ "moderators_can_manage": true })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let channel = server
        .store()
        .await
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let live = open(moderator.get(server.url(&format!("/api/ws?channel={channel}")))).await;
    assert!(send(mods("remove")).await.status < 300);
    ends(live).await;
    server.stop().await.unwrap();
}
