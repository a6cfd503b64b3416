//! EventSub conduits: the app token, the conduit and shard limits, shard updates with WebSocket
//! sessions of the same client, a shard disabled when its socket ends, notifications to enabled
//! shards only, and the 409 that names the existing subscription.

use std::time::Duration;

use crate::common::*;
use futures_util::SinkExt;
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const ADD: &str = "channel.channel_points_custom_reward_redemption.add";

async fn eventually(mut pred: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if pred() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached within 10 s");
}

async fn assign(env: &SimHarness, app: &str, conduit: &str, shard: &str, session: &str) -> Resp {
    env.helix(
        Method::PATCH,
        "/eventsub/conduits/shards",
        app,
        Some(json!({"conduit_id": conduit, "shards": [
            {"id": shard, "transport": {"method": "websocket", "session_id": session}}
        ]})),
    )
    .await
}

async fn subscribe_conduit(env: &SimHarness, token: &str, conduit: &str) -> Resp {
    env.helix(
        Method::POST,
        "/eventsub/subscriptions",
        token,
        Some(json!({
            "type": ADD, "version": "1",
            "condition": {"broadcaster_user_id": env.streamer.id},
            "transport": {"method": "conduit", "conduit_id": conduit},
        })),
    )
    .await
}

fn shard_status(env: &SimHarness, shard: usize) -> Value {
    env.sim.conduits(&env.client_id)[0].1[shard]["status"].clone()
}

/// The next notification on `ws` (keepalives skipped).
async fn notification(ws: &mut Ws) -> Value {
    loop {
        let m = ws_next(ws).await;
        if m["metadata"]["message_type"] == "notification" {
            return m;
        }
    }
}

#[tokio::test]
async fn conduits_need_the_app_token_and_keep_their_limits() {
    let env = env().await;
    let app = env.app_token();
    assert_error(&env.create_conduit(&env.token, 1).await, 401);
    let r = env
        .helix(Method::GET, "/eventsub/conduits", &env.token, None)
        .await;
    assert_error(&r, 401);
    assert_error(&env.create_conduit(&app, 0).await, 400);
    assert_error(&env.create_conduit(&app, 20_001).await, 400);
    let mut ids = Vec::new();
    for _ in 0..5 {
        let r = env.create_conduit(&app, 2).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["data"][0]["shard_count"], 2);
        ids.push(r.body["data"][0]["id"].as_str().unwrap().to_owned());
    }
    assert_error(&env.create_conduit(&app, 1).await, 429);
    let r = env
        .helix(Method::GET, "/eventsub/conduits", &app, None)
        .await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 5);

    let update = |id: &str, n: u64| json!({"id": id, "shard_count": n});
    let r = env
        .helix(
            Method::PATCH,
            "/eventsub/conduits",
            &app,
            Some(update(&ids[0], 4)),
        )
        .await;
    assert_eq!(r.body["data"][0]["shard_count"], 4, "{}", r.text);
    let r = env
        .helix(
            Method::PATCH,
            "/eventsub/conduits",
            &app,
            Some(update("nope", 4)),
        )
        .await;
    assert_error(&r, 404);
    let r = env
        .helix(
            Method::DELETE,
            &format!("/eventsub/conduits?id={}", ids[1]),
            &app,
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        env.create_conduit(&app, 1).await.status,
        200,
        "a slot is free again"
    );
}

#[tokio::test]
async fn a_session_becomes_a_shard_within_ten_seconds_of_its_welcome_or_is_closed() {
    let env = env().await;
    let app = env.app_token();
    let conduit = env.conduit_id(2).await;
    let (_on_time, session) = ws_session(&env).await;
    env.sim.advance_clock(Duration::from_secs(9));
    let r = assign(&env, &app, &conduit, "0", &session).await;
    assert_eq!(r.body["data"][0]["status"], "enabled", "{}", r.text);

    // A session 11 s past its welcome is too late, whatever its keepalive (the window of a plain
    // session's first subscription, which runs on the wall clock here, has not passed).
    let (mut late, session) = ws_session(&env).await;
    env.sim.advance_clock(Duration::from_secs(11));
    let r = assign(&env, &app, &conduit, "1", &session).await;
    assert_eq!(r.body["errors"][0]["id"], "1", "{}", r.text);
    assert_eq!(r.body["data"], json!([]));
    assert_eq!(ws_close_code(&mut late).await, 4003);
    // The session that became a shard in time stays one.
    assert_eq!(shard_status(&env, 0), "enabled");
}

#[tokio::test]
async fn shards_take_connected_sessions_of_the_same_client_only() {
    let env = env().await;
    let app = env.app_token();
    let conduit = env.conduit_id(2).await;
    let (_ws, session) = ws_session(&env).await;
    let r = assign(&env, &env.token, &conduit, "0", &session).await;
    assert_error(&r, 401);
    let r = assign(&env, &app, &conduit, "0", "no-such-session").await;
    assert_eq!(r.status, 202);
    assert_eq!(r.body["errors"][0]["id"], "0", "{}", r.text);
    assert_eq!(r.body["data"], json!([]));
    let r = assign(&env, &app, &conduit, "7", &session).await;
    assert_eq!(r.body["errors"][0]["id"], "7", "{}", r.text);

    let r = assign(&env, &app, &conduit, "0", &session).await;
    assert_eq!(r.body["data"][0]["status"], "enabled", "{}", r.text);
    assert_eq!(r.body["errors"], json!([]));
    assert_eq!(shard_status(&env, 0), "enabled");
    let r = assign(&env, &app, &conduit, "1", &session).await;
    assert_eq!(
        r.body["errors"][0]["id"], "1",
        "one session, one shard: {}",
        r.text
    );

    // Another client cannot put this client's session into its own conduit.
    let (other_id, _) = env.sim.register_client();
    let other_app = env.sim.issue_app_token(&other_id);
    let other = env
        .helix_as(
            Method::POST,
            "/eventsub/conduits",
            &other_app,
            &other_id,
            Some(json!({"shard_count": 1})),
        )
        .await;
    let other_conduit = other.body["data"][0]["id"].as_str().unwrap();
    let r = env
        .helix_as(
            Method::PATCH,
            "/eventsub/conduits/shards",
            &other_app,
            &other_id,
            Some(json!({"conduit_id": other_conduit, "shards": [
                {"id": "0", "transport": {"method": "websocket", "session_id": session}}
            ]})),
        )
        .await;
    assert_eq!(r.body["errors"][0]["id"], "0", "{}", r.text);
}

#[tokio::test]
async fn events_go_to_enabled_shards_only_and_are_lost_without_one() {
    let env = env().await;
    let app = env.app_token();
    let viewer = env.sim.add_user("viewer");
    let reward = env.create_reward("VIP", 10).await;
    let conduit = env.conduit_id(2).await;
    let (mut first, s1) = ws_session(&env).await;
    let (mut second, s2) = ws_session(&env).await;
    assert!(assign(&env, &app, &conduit, "0", &s1).await.body["errors"] == json!([]));
    assert!(assign(&env, &app, &conduit, "1", &s2).await.body["errors"] == json!([]));
    assert_error(&subscribe_conduit(&env, &env.token, &conduit).await, 401);
    let r = subscribe_conduit(&env, &app, &conduit).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["data"][0]["status"], "enabled");
    assert_eq!(r.body["data"][0]["transport"]["method"], "conduit");

    // Spread over both shards in turn.
    env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    let a = notification(&mut first).await;
    let b = notification(&mut second).await;
    assert_eq!(a["payload"]["event"]["user_id"], viewer.id);
    assert_eq!(
        b["payload"]["subscription"]["transport"]["conduit_id"],
        conduit.as_str()
    );

    // The first socket ends: its shard is disabled and the other takes everything.
    first.send(Message::Close(None)).await.unwrap();
    eventually(|| shard_status(&env, 0) == "websocket_disconnected").await;
    let disconnected = &env.sim.conduits(&env.client_id)[0].1[0];
    assert!(disconnected["transport"]["disconnected_at"].is_string());
    for _ in 0..3 {
        env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
        notification(&mut second).await;
    }
    assert_eq!(env.sim.conduit_notifications_lost(), 0);

    // No enabled shard: the notification is lost, not queued for later.
    second.send(Message::Close(None)).await.unwrap();
    eventually(|| shard_status(&env, 1) == "websocket_disconnected").await;
    env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    assert_eq!(env.sim.conduit_notifications_lost(), 1);
    let (mut third, s3) = ws_session(&env).await;
    assert_eq!(
        assign(&env, &app, &conduit, "1", &s3).await.body["errors"],
        json!([])
    );
    env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    let late = notification(&mut third).await;
    assert_eq!(late["metadata"]["message_type"], "notification");
    assert_eq!(env.sim.redemptions("streamer").len(), 7);
    assert_eq!(
        env.sim.conduit_notifications_lost(),
        1,
        "the lost one never comes"
    );
}

#[tokio::test]
async fn a_reconnect_carries_the_shard_to_the_new_session() {
    let env = env().await;
    let app = env.app_token();
    let conduit = env.conduit_id(1).await;
    let (_old, session) = ws_session(&env).await;
    assign(&env, &app, &conduit, "0", &session).await;
    let url = env.sim.ws_reconnect(&session).unwrap();
    let mut new = ws_connect(&url).await;
    let welcome = ws_next(&mut new).await;
    let new_id = welcome["payload"]["session"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let shard = env.sim.conduits(&env.client_id)[0].1[0].clone();
    assert_eq!(shard["transport"]["session_id"], new_id.as_str());
    assert_eq!(shard["status"], "enabled");
}

#[tokio::test]
async fn a_second_conduit_subscription_is_a_conflict_naming_the_first() {
    let env = env().await;
    let app = env.app_token();
    let conduit = env.conduit_id(1).await;
    let first = subscribe_conduit(&env, &app, &conduit).await;
    assert_eq!(first.status, 202, "{}", first.text);
    let again = subscribe_conduit(&env, &app, &conduit).await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["data"][0]["id"], first.body["data"][0]["id"]);
    let missing = env
        .helix(
            Method::POST,
            "/eventsub/subscriptions",
            &app,
            Some(json!({"type": ADD, "version": "1",
                "condition": {"broadcaster_user_id": env.streamer.id},
                "transport": {"method": "conduit"}})),
        )
        .await;
    assert_error(&missing, 400);
    let listed = env
        .helix(Method::GET, "/eventsub/subscriptions", &app, None)
        .await;
    assert_eq!(
        listed.body["data"].as_array().unwrap().len(),
        1,
        "{}",
        listed.text
    );
}
