//! EventSub over WebSocket: welcome, keepalive, notifications, reconnect,
//! revocation, close codes and the subscription rules.

use std::time::Duration;

use crate::common::*;
use futures_util::SinkExt;
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;
use twitch_sim::Config;

const ADD: &str = "channel.channel_points_custom_reward_redemption.add";

/// Waits (polling the simulator, no fixed sleep) until `pred` holds.
async fn eventually(mut pred: impl FnMut() -> bool) {
    for _ in 0..500 {
        if pred() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached within 5 s");
}

fn sub_status(env: &SimHarness, id: &str) -> Value {
    env.sim
        .subscriptions()
        .into_iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

#[tokio::test]
async fn welcome_and_keepalive_match_fixtures() {
    let env = env_with(Config {
        ws_keepalive_override: Some(Duration::from_millis(100)),
        ..Config::default()
    })
    .await;
    let mut ws = ws_connect(&format!("{}?keepalive_timeout_seconds=3", env.ws_url())).await;
    let welcome = ws_next(&mut ws).await;
    assert_same_shape(&fixture("ws_session_welcome.json"), &welcome);
    assert_eq!(welcome["payload"]["session"]["status"], "connected");
    assert_eq!(
        welcome["payload"]["session"]["keepalive_timeout_seconds"], 10,
        "clamped to 10..600"
    );
    assert_eq!(welcome["payload"]["session"]["reconnect_url"], Value::Null);
    let keepalive = ws_next(&mut ws).await;
    assert_same_shape(&fixture("ws_session_keepalive.json"), &keepalive);
    assert_eq!(keepalive["metadata"]["message_type"], "session_keepalive");
    assert_eq!(keepalive["payload"], json!({}));

    let mut ws = ws_connect(&format!("{}?keepalive_timeout_seconds=30", env.ws_url())).await;
    let welcome = ws_next(&mut ws).await;
    assert_eq!(
        welcome["payload"]["session"]["keepalive_timeout_seconds"],
        30
    );
}

#[tokio::test]
async fn notifications_for_subscribed_types_match_fixtures() {
    let env = env().await;
    let viewer = env.sim.add_user("viewer");
    let reward = env.create_reward("VIP", 100).await;
    let other_reward = env.create_reward("Other", 100).await;
    let (mut ws, session) = ws_session(&env).await;
    let r = subscribe_ws(
        &env,
        &env.token,
        ADD,
        json!({"broadcaster_user_id": env.streamer.id, "reward_id": reward}),
        &session,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["data"][0]["status"], "enabled");
    assert_eq!(r.body["data"][0]["cost"], 0);
    assert_eq!(r.body["max_total_cost"], 10);
    assert_eq!(r.body["data"][0]["transport"]["session_id"], session);
    for kind in [
        "channel.vip.add",
        "channel.channel_points_custom_reward_redemption.update",
    ] {
        let r = subscribe_ws(
            &env,
            &env.token,
            kind,
            json!({"broadcaster_user_id": env.streamer.id}),
            &session,
        )
        .await;
        assert_eq!(r.status, 202, "{}", r.text);
    }

    // A redemption of another reward is filtered out by condition.reward_id.
    env.sim
        .redeem("streamer", "viewer", &other_reward, "")
        .unwrap();
    let red = env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    let n = ws_next(&mut ws).await;
    assert_same_shape(
        &fixture("ws_notification_redemption_add.CONSTRUCTED.json"),
        &n,
    );
    assert_eq!(n["metadata"]["subscription_type"], ADD);
    assert_eq!(n["payload"]["event"]["id"], red["id"]);
    assert_eq!(n["payload"]["event"]["status"], "unfulfilled");
    assert_eq!(n["payload"]["event"]["user_login"], "viewer");
    assert_eq!(n["payload"]["event"]["reward"]["id"], reward);
    assert_eq!(
        n["payload"]["subscription"]["transport"]["method"],
        "websocket"
    );

    // Fulfil it over Helix → update notification.
    let id = red["id"].as_str().unwrap();
    let r = env
        .helix(
            Method::PATCH,
            &format!(
                "/channel_points/custom_rewards/redemptions?broadcaster_id={}&reward_id={reward}&id={id}",
                env.streamer.id
            ),
            &env.token,
            Some(json!({"status": "FULFILLED"})),
        )
        .await;
    assert_eq!(r.status, 200);
    let n = ws_next(&mut ws).await;
    assert_eq!(n["metadata"]["message_type"], "notification");
    let expected = fixture("eventsub_redemption_update_notification.webhook_body.json");
    assert_same_shape(&expected["event"], &n["payload"]["event"]);
    assert_eq!(n["payload"]["event"]["status"], "fulfilled");

    // VIP added on the Twitch side → channel.vip.add.
    env.sim.twitch_add_vip("streamer", "viewer").unwrap();
    let n = ws_next(&mut ws).await;
    assert_eq!(n["metadata"]["subscription_type"], "channel.vip.add");
    let mut expected = fixture("eventsub_channel_vip_add_notification.webhook_body.json");
    // Twitch's example lacks subscription.cost (see fixtures/README.md).
    expected["subscription"]["cost"] = json!(0);
    expected["subscription"]["transport"] = json!({"method": "websocket", "session_id": "x"});
    assert_same_shape(&expected, &n["payload"]);
    assert_eq!(n["payload"]["event"]["user_id"], viewer.id);
}

#[tokio::test]
async fn websocket_subscription_rules() {
    let env = env().await;
    let (_ws, session) = ws_session(&env).await;
    let cond = json!({"broadcaster_user_id": env.streamer.id});
    // App token → 401.
    let r = subscribe_ws(
        &env,
        &env.app_token(),
        "channel.vip.add",
        cond.clone(),
        &session,
    )
    .await;
    assert_error(&r, 401);
    // Unknown session → 400.
    let r = subscribe_ws(
        &env,
        &env.token,
        "channel.vip.add",
        cond.clone(),
        "AQoQnope",
    )
    .await;
    assert_error(&r, 400);
    // Missing scope → 403.
    let weak = env.user_token("streamer", &["moderation:read"]);
    let r = subscribe_ws(&env, &weak, "channel.vip.add", cond.clone(), &session).await;
    assert_error(&r, 403);
    // Someone else's channel → 403.
    let other = env.sim.add_streamer("other");
    let r = subscribe_ws(
        &env,
        &env.token,
        "channel.vip.add",
        json!({"broadcaster_user_id": other.id}),
        &session,
    )
    .await;
    assert_error(&r, 403);
    // Webhook-only type, unknown type, missing condition field → 400.
    let r = subscribe_ws(
        &env,
        &env.token,
        "user.authorization.revoke",
        json!({"client_id": env.client_id}),
        &session,
    )
    .await;
    assert_error(&r, 400);
    let r = subscribe_ws(&env, &env.token, "channel.nope", cond.clone(), &session).await;
    assert_error(&r, 400);
    let r = subscribe_ws(&env, &env.token, "channel.vip.add", json!({}), &session).await;
    assert_error(&r, 400);
    // OK, then duplicate → 409.
    let r = subscribe_ws(&env, &env.token, "channel.vip.add", cond.clone(), &session).await;
    assert_eq!(r.status, 202);
    let r = subscribe_ws(&env, &env.token, "channel.vip.add", cond.clone(), &session).await;
    assert_error(&r, 409);
    // stream.online of other channels costs 1; max_total_cost is 10.
    for i in 0..10 {
        let s = env.sim.add_streamer(&format!("s{i}"));
        let r = subscribe_ws(
            &env,
            &env.token,
            "stream.online",
            json!({"broadcaster_user_id": s.id}),
            &session,
        )
        .await;
        assert_eq!(r.status, 202, "{}", r.text);
        assert_eq!(r.body["data"][0]["cost"], 1);
    }
    let s = env.sim.add_streamer("s10");
    let r = subscribe_ws(
        &env,
        &env.token,
        "stream.online",
        json!({"broadcaster_user_id": s.id}),
        &session,
    )
    .await;
    assert_error(&r, 429);
    // At most 3 connections with enabled subscriptions per user token.
    let mut keep = Vec::new();
    for kind in ["channel.vip.remove", "channel.moderator.add"] {
        let (ws, sid) = ws_session(&env).await;
        let r = subscribe_ws(&env, &env.token, kind, cond.clone(), &sid).await;
        assert_eq!(r.status, 202, "{}", r.text);
        keep.push(ws);
    }
    let (_ws4, sid4) = ws_session(&env).await;
    let r = subscribe_ws(
        &env,
        &env.token,
        "channel.moderator.remove",
        cond.clone(),
        &sid4,
    )
    .await;
    assert_error(&r, 429);
    // Get + delete.
    let list = env
        .helix(
            Method::GET,
            "/eventsub/subscriptions?type=channel.vip.add",
            &env.token,
            None,
        )
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    let id = list.body["data"][0]["id"].as_str().unwrap().to_string();
    let r = env
        .helix(
            Method::GET,
            "/eventsub/subscriptions?type=a&status=enabled",
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 400);
    // A WebSocket subscription is deleted with a user token only.
    let r = env
        .helix(
            Method::DELETE,
            &format!("/eventsub/subscriptions?id={id}"),
            &env.app_token(),
            None,
        )
        .await;
    assert_error(&r, 401);
    let r = env
        .helix(
            Method::DELETE,
            &format!("/eventsub/subscriptions?id={id}"),
            &env.token,
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    let r = env
        .helix(
            Method::DELETE,
            &format!("/eventsub/subscriptions?id={id}"),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 404);
}

#[tokio::test]
async fn reconnect_flow_carries_subscriptions() {
    let env = env().await;
    env.sim.add_user("viewer");
    let reward = env.create_reward("VIP", 1).await;
    let (mut old, session) = ws_session(&env).await;
    let r = subscribe_ws(
        &env,
        &env.token,
        ADD,
        json!({"broadcaster_user_id": env.streamer.id}),
        &session,
    )
    .await;
    let sub_id = r.body["data"][0]["id"].as_str().unwrap().to_string();

    let url = env.sim.ws_reconnect(&session).unwrap();
    let msg = ws_next(&mut old).await;
    assert_same_shape(&fixture("ws_session_reconnect.json"), &msg);
    assert_eq!(msg["payload"]["session"]["status"], "reconnecting");
    assert_eq!(msg["payload"]["session"]["reconnect_url"], url);

    // Until the client connects, events still arrive on the old connection.
    env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    assert_eq!(
        ws_next(&mut old).await["metadata"]["message_type"],
        "notification"
    );

    let mut new = ws_connect(&url).await;
    let welcome = ws_next(&mut new).await;
    assert_eq!(welcome["metadata"]["message_type"], "session_welcome");
    let new_id = welcome["payload"]["session"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_id, session);
    // Events now flow on the new connection; the subscription moved.
    env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    let n = ws_next(&mut new).await;
    assert_eq!(n["payload"]["subscription"]["id"], sub_id);
    assert_eq!(
        n["payload"]["subscription"]["transport"]["session_id"],
        new_id
    );
    // Re-creating the subscription is a 409 (it carried over).
    let r = subscribe_ws(
        &env,
        &env.token,
        ADD,
        json!({"broadcaster_user_id": env.streamer.id}),
        &new_id,
    )
    .await;
    assert_error(&r, 409);
    // Client closes the old socket; the subscription stays enabled.
    old.close(None).await.unwrap();
    eventually(|| !env.sim.ws_sessions().contains(&session)).await;
    assert_eq!(sub_status(&env, &sub_id)["status"], "enabled");
    // A used reconnect URL is invalid: 4007.
    let mut again = ws_connect(&url).await;
    assert_eq!(ws_close_code(&mut again).await, 4007);
}

#[tokio::test]
async fn old_connection_gets_4004_after_grace() {
    let env = env_with(Config {
        ws_reconnect_grace: Duration::from_millis(200),
        ..Config::default()
    })
    .await;
    let (mut ws, session) = ws_session(&env).await;
    let r = subscribe_ws(
        &env,
        &env.token,
        "channel.vip.add",
        json!({"broadcaster_user_id": env.streamer.id}),
        &session,
    )
    .await;
    let sub_id = r.body["data"][0]["id"].as_str().unwrap().to_string();
    env.sim.ws_reconnect(&session).unwrap();
    assert_eq!(
        ws_next(&mut ws).await["metadata"]["message_type"],
        "session_reconnect"
    );
    assert_eq!(ws_close_code(&mut ws).await, 4004);
    eventually(|| sub_status(&env, &sub_id)["status"] == "websocket_failed_to_reconnect").await;
}

#[tokio::test]
async fn unused_connection_is_closed_with_4003() {
    let env = env_with(Config {
        ws_unused_timeout: Some(Duration::from_millis(200)),
        ..Config::default()
    })
    .await;
    let (mut ws, _) = ws_session(&env).await;
    assert_eq!(ws_close_code(&mut ws).await, 4003);
}

#[tokio::test]
async fn inbound_traffic_is_closed_with_4001() {
    let env = env().await;
    let (mut ws, _) = ws_session(&env).await;
    ws.send(Message::Text("hello".into())).await.unwrap();
    assert_eq!(ws_close_code(&mut ws).await, 4001);
    // A Ping of the client's own is inbound traffic too; only a Pong is not.
    let (mut ws, _) = ws_session(&env).await;
    ws.send(Message::Pong(Vec::new().into())).await.unwrap();
    ws.send(Message::Ping(Vec::new().into())).await.unwrap();
    assert_eq!(ws_close_code(&mut ws).await, 4001);
}

#[tokio::test]
async fn unanswered_ping_is_closed_with_4002() {
    let env = env_with(Config {
        ws_ping_interval: Some(Duration::from_millis(50)),
        ..Config::default()
    })
    .await;
    let mut ws = ws_connect(&env.ws_url()).await;
    // Not reading means not answering the Ping.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(ws_close_code(&mut ws).await, 4002);
}

#[tokio::test]
async fn close_codes_on_demand_and_disconnect_disables_subscriptions() {
    let env = env().await;
    let (mut ws, session) = ws_session(&env).await;
    let r = subscribe_ws(
        &env,
        &env.token,
        "channel.vip.add",
        json!({"broadcaster_user_id": env.streamer.id}),
        &session,
    )
    .await;
    let sub_id = r.body["data"][0]["id"].as_str().unwrap().to_string();
    assert!(env.sim.ws_close(&session, 4006));
    assert_eq!(ws_close_code(&mut ws).await, 4006);
    eventually(|| sub_status(&env, &sub_id)["status"] == "websocket_network_error").await;
    let s = sub_status(&env, &sub_id);
    assert!(s["transport"]["disconnected_at"].is_string());

    let (mut ws, session) = ws_session(&env).await;
    let r = subscribe_ws(
        &env,
        &env.token,
        "channel.vip.add",
        json!({"broadcaster_user_id": env.streamer.id}),
        &session,
    )
    .await;
    assert_eq!(
        r.status, 202,
        "a disconnected subscription does not block re-creating it"
    );
    let sub_id = r.body["data"][0]["id"].as_str().unwrap().to_string();
    ws.close(None).await.unwrap();
    eventually(|| sub_status(&env, &sub_id)["status"] == "websocket_disconnected").await;
}

#[tokio::test]
async fn authorization_revoke_sends_revocation() {
    let env = env().await;
    let (mut ws, session) = ws_session(&env).await;
    subscribe_ws(
        &env,
        &env.token,
        "channel.vip.add",
        json!({"broadcaster_user_id": env.streamer.id}),
        &session,
    )
    .await;
    env.sim
        .revoke_authorization(&env.client_id, "streamer")
        .unwrap();
    let msg = ws_next(&mut ws).await;
    assert_same_shape(&fixture("ws_revocation.json"), &msg);
    assert_eq!(msg["metadata"]["message_type"], "revocation");
    assert_eq!(
        msg["payload"]["subscription"]["status"],
        "authorization_revoked"
    );
    // The user's tokens are dead.
    let r = env.helix(Method::GET, "/users", &env.token, None).await;
    assert_error(&r, 401);
}
