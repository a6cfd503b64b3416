//! Every state-changing route, walked without a login and with another streamer's login, aimed at
//! the demo streamer's channel and the things in it: each is refused, and neither the server's
//! store nor the simulated Twitch changes. Server functions take the channel from the login, never
//! from the request; the walk checks that every registered server function is classified in its
//! table, so a new one cannot be missed.

use app::model::{AuditQuery, ChannelId};
use app::server_fns::CreateApiToken;
use app::ssr::store::prelude::*;
use app::AppError;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::common::{log_in, log_in_as, TestServer};
use crate::security::support::{send, server_fn, Reply};
use crate::security::walk_routes::{call, rest_routes, server_fns, Kind, Targets};

/// The error a server function answered with.
fn server_fn_error(reply: &Reply) -> Option<AppError> {
    serde_json::from_str(&reply.body).ok()
}

fn refused_as_stranger(reply: &Reply) -> bool {
    reply.status >= 400 && server_fn_error(reply) == Some(AppError::Unauthorized)
}

fn refused_as_outsider(reply: &Reply) -> bool {
    reply.status >= 400
        && matches!(
            server_fn_error(reply),
            Some(
                AppError::Forbidden
                    | AppError::NotFound
                    | AppError::Refused(app::Refusal::NotAVip | app::Refusal::NotManaged)
            )
        )
}

/// Everything of `channel` the server and Twitch know.
async fn snapshot(server: &TestServer, channel: &ChannelId) -> String {
    let store = server.store().await;
    let query = AuditQuery {
        action: None,
        viewer_id: None,
        before: None,
        limit: 500,
    };
    let twitch: Value = server
        .http
        .get(server.url("/twitch-sim/sim/channels/demo_streamer"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{}",
        store.channel(channel).await.unwrap(),
        store.active_sessions(channel).await.unwrap(),
        store.rewards(channel).await.unwrap(),
        store.waitlist(channel).await.unwrap(),
        store.audit_page(channel, &query).await.unwrap().entries,
        twitch["vips"],
        twitch["rewards"],
    )
}

#[tokio::test]
async fn no_route_lets_a_stranger_or_another_streamer_change_a_channel() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let owner = TestServer::browser();
    log_in(&server, &owner).await;
    let reply = send(
        owner
            .post(server.url("/api/vip"))
            .json(&json!({ "user_login": "viewer_bob", "duration_secs": 3600 })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let viewer = reply.json()["user_id"].as_str().unwrap().to_owned();
    let reply = send(
        owner
            .post(server.url("/api/channel-points"))
            .json(&json!({ "title": "VIP for an hour", "cost": 1000, "duration_secs": 3600 })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let reward = reply.json()["id"].as_str().unwrap().to_owned();
    let reply = send(server_fn(
        &server,
        &owner,
        CreateApiToken::PATH,
        &[("name", "deck")],
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let api_token = reply.json()["token"].as_str().unwrap().to_owned();
    let targets = Targets {
        viewer,
        reward,
        api_token_id: reply.json()["info"]["id"].as_str().unwrap().to_owned(),
    };
    let channel = server
        .store()
        .await
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let stranger = TestServer::browser();
    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    let before = snapshot(&server, &channel).await;

    for route in rest_routes(channel.as_str(), &targets.viewer, &targets.reward) {
        let reply = call(&server, &stranger, &route).await;
        let what = format!("{} {}", route.method, route.path);
        assert_eq!(reply.status, 401, "{what} without a login: {}", reply.body);
        let reply = call(&server, &other, &route).await;
        assert!(
            [403, 404].contains(&reply.status),
            "{what} as another streamer: {} {}",
            reply.status,
            reply.body
        );
    }

    let table = server_fns(&targets);
    let mut registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    let mut listed: Vec<&str> = table.iter().map(|(path, _, _)| *path).collect();
    registered.sort_unstable();
    listed.sort_unstable();
    assert_eq!(registered, listed, "classify every server function here");
    for (path, kind, form) in &table {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let reply = send(server_fn(&server, &stranger, path, &form)).await;
        match kind {
            Kind::Public => assert!(!refused_as_stranger(&reply), "{path}: {}", reply.body),
            _ => assert!(
                refused_as_stranger(&reply),
                "{path}: {} {}",
                reply.status,
                reply.body
            ),
        }
        let reply = send(server_fn(&server, &other, path, &form)).await;
        match kind {
            Kind::ById => assert!(
                refused_as_outsider(&reply),
                "{path}: {} {}",
                reply.status,
                reply.body
            ),
            Kind::Public => assert!(!refused_as_stranger(&reply), "{path}: {}", reply.body),
            Kind::Read | Kind::OwnChannel => {
                assert_eq!(
                    reply.status, 200,
                    "{path} on the caller's own channel: {}",
                    reply.body
                )
            }
        }
    }

    // The scheduler's endpoint answers to its secret only; a login is no substitute.
    for client in [&stranger, &other] {
        let reply = send(client.post(server.url("/api/cron/remove-expired-vips"))).await;
        assert_eq!(reply.status, 401, "{}", reply.body);
    }
    // Logging out ends the caller's own session and no other.
    let reply = send(other.post(server.url("/api/auth/logout"))).await;
    assert_eq!(reply.status / 100, 3, "{}", reply.body);
    assert_eq!(send(other.get(server.url("/api/vip"))).await.status, 401);
    assert_eq!(send(owner.get(server.url("/api/vip"))).await.status, 200);
    let reply = send(
        server
            .http
            .get(server.url("/api/vip"))
            .bearer_auth(&api_token),
    )
    .await;
    assert_eq!(
        reply.status, 200,
        "the owner's API token still works: {}",
        reply.body
    );

    assert_eq!(
        snapshot(&server, &channel).await,
        before,
        "the channel changed"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_moderator_manages_the_channel_only_when_the_streamer_allows_it() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let owner = TestServer::browser();
    log_in(&server, &owner).await;
    let moderator = TestServer::browser();
    log_in_as(&server, &moderator, "helpful_mod").await;
    let reply = send(
        server
            .http
            .post(server.url("/twitch-sim/sim/channels/demo_streamer/moderators/add"))
            .json(&json!({ "user": "helpful_mod" })),
    )
    .await;
    assert!(reply.status < 300, "{}", reply.body);
    let channel = server
        .store()
        .await
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let grant = json!({ "user_login": "viewer_dave", "duration_secs": 600 });
    let url = server.url(&format!("/api/vip?channel={channel}"));

    let reply = send(moderator.post(&url).json(&grant)).await;
    assert_eq!(reply.status, 403, "not allowed yet: {}", reply.body);
    let reply = send(
        owner
            .put(server.url("/api/settings"))
            .json(&json!({ "moderators_can_manage": true })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = send(moderator.post(&url).json(&grant)).await;
    assert_eq!(reply.status, 201, "allowed: {}", reply.body);
    let vips = send(owner.get(server.url("/api/vip"))).await.json();
    assert!(vips.to_string().contains("viewer_dave"), "{vips}");

    // A streamer who is not a moderator there stays out.
    let outsider = TestServer::browser();
    log_in_as(&server, &outsider, "other_streamer").await;
    let reply = send(outsider.post(&url).json(&grant)).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    server.stop().await.unwrap();
}
