//! Every login session of one user ends at once, in every browser, with any live stream opened
//! with one of them: when Twitch reports that the user revoked the app's authorisation, and when
//! the user logs out everywhere (`POST /api/auth/logout-everywhere`). Other users stay signed in.

use std::time::Duration;

use app::ssr::store::prelude::*;
use serde_json::json;

use crate::common::{eventually, log_in, log_in_as, TestServer};
use crate::security::support::{from_evil_site, same_origin, send};

/// The demo's OAuth client, the one whose authorisation the streamer revokes.
const DEMO_CLIENT: &str = "simdemoclient00000000000000000";
/// Well below the test client's own request time-out, so that the client never ends a stream.
const HANG_GUARD: Duration = Duration::from_secs(30);

async fn start() -> TestServer {
    TestServer::start_with(&[
        ("DEMO_REDEEM_EVERY_SECS", "86400"),
        ("LIVE_STREAM_RECHECK_SECS", "1"),
    ])
    .await
}

/// Whether `browser` is signed in (the VIP list answers) or not (401).
async fn signed_in(server: &TestServer, browser: &reqwest::Client) -> bool {
    let status = send(browser.get(server.url("/api/vip"))).await.status;
    assert!(status == 200 || status == 401, "{status}");
    status == 200
}

/// Opens a live stream and reads its first event.
async fn open_stream(server: &TestServer, browser: &reqwest::Client) -> reqwest::Response {
    let mut live = browser.get(server.url("/api/ws")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    let first = tokio::time::timeout(HANG_GUARD, live.chunk()).await;
    assert!(
        String::from_utf8_lossy(&first.expect("a first event").unwrap().unwrap()).contains("ready")
    );
    live
}

/// Reads `live` until the server ends it.
async fn ends(mut live: reqwest::Response) {
    let read_to_end =
        async { while let Some(_event) = live.chunk().await.expect("a clean end") {} };
    tokio::time::timeout(HANG_GUARD, read_to_end)
        .await
        .expect("the stream to end");
}

/// Two browsers of the demo streamer (the first with a live stream open) and one of another
/// streamer, all signed in.
async fn three_browsers(
    server: &TestServer,
) -> (
    reqwest::Client,
    reqwest::Client,
    reqwest::Client,
    reqwest::Response,
) {
    let (first, second, other) = (
        TestServer::browser(),
        TestServer::browser(),
        TestServer::browser(),
    );
    log_in(server, &first).await;
    log_in(server, &second).await;
    log_in_as(server, &other, "other_streamer").await;
    for browser in [&first, &second, &other] {
        assert!(signed_in(server, browser).await);
    }
    let live = open_stream(server, &first).await;
    (first, second, other, live)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_authorisation_ends_every_login_session_of_its_user() {
    let server = start().await;
    let (first, second, other, live) = three_browsers(&server).await;
    crate::common::redemptions_subscribed(&server).await;

    let reply = send(
        server
            .http
            .post(server.url("/twitch-sim/sim/authorizations/revoke"))
            .json(&json!({ "client_id": DEMO_CLIENT, "user": "demo_streamer" })),
    )
    .await;
    assert!(reply.status < 300, "{}", reply.body);

    ends(live).await;
    eventually("both browsers signed out", HANG_GUARD, || async {
        (!signed_in(&server, &first).await && !signed_in(&server, &second).await).then_some(())
    })
    .await;
    assert!(
        signed_in(&server, &other).await,
        "another user stays signed in"
    );
    // The channel is paused: flagged for re-authorisation.
    let store = server.store().await;
    eventually("the channel flagged", HANG_GUARD, || async {
        let channel = store.channel_by_login("demo_streamer").await.ok()??;
        channel.needs_reauth.then_some(())
    })
    .await;
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_everywhere_ends_every_session_of_the_caller_only() {
    let server = start().await;
    let (first, second, other, live) = three_browsers(&server).await;
    let everywhere = server.url("/api/auth/logout-everywhere");

    // Another site cannot make a browser do it.
    let reply = send(from_evil_site(second.post(&everywhere))).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert!(signed_in(&server, &first).await && signed_in(&server, &second).await);

    let reply = send(same_origin(&server, second.post(&everywhere))).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(reply.header("location"), Some("/"));
    assert!(
        !signed_in(&server, &second).await,
        "the caller's own session"
    );
    assert!(
        !signed_in(&server, &first).await,
        "the caller's other browser"
    );
    assert!(
        signed_in(&server, &other).await,
        "another user stays signed in"
    );
    ends(live).await;

    // Without a login session there is nothing to end.
    let reply = send(same_origin(&server, second.post(&everywhere))).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.json()["error"], "unauthorized");
    server.stop().await.unwrap();
}
