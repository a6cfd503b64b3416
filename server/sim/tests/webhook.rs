//! Webhook transport: signature test vector, challenge, notifications with
//! headers and signatures, retries, revocation, token rules.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use twitch_sim::{webhook, Config};

const SECRET: &str = "this-is-a-test-secret-0123456789";

#[test]
fn signature_equals_the_fixture_vector() {
    let vector = fixture("webhook_signature_test_vector.COMPUTED.json");
    let body = std::fs::read(format!(
        "{}/fixtures/{}",
        env!("CARGO_MANIFEST_DIR"),
        vector["body_file"].as_str().unwrap()
    ))
    .unwrap();
    assert_eq!(body.len() as u64, vector["body_len"].as_u64().unwrap());
    let h = &vector["headers"];
    let id = h["Twitch-Eventsub-Message-Id"].as_str().unwrap();
    let ts = h["Twitch-Eventsub-Message-Timestamp"].as_str().unwrap();
    let expected = h["Twitch-Eventsub-Message-Signature"].as_str().unwrap();
    let secret = vector["secret"].as_str().unwrap();
    assert_eq!(webhook::sign(secret, id, ts, &body), expected);
    assert!(webhook::verify(secret, id, ts, &body, expected));
    assert!(!webhook::verify(
        "another-secret-123",
        id,
        ts,
        &body,
        expected
    ));
}

#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    /// Status for notifications (challenges are always answered correctly
    /// unless `bad_challenge`).
    fail_notifications: Arc<Mutex<bool>>,
    bad_challenge: Arc<Mutex<bool>>,
}

async fn receive(
    State(rx): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    rx.got.lock().unwrap().push(Received {
        headers: headers.clone(),
        body: body.clone(),
    });
    let kind = headers["twitch-eventsub-message-type"].to_str().unwrap();
    if kind == "webhook_callback_verification" {
        if *rx.bad_challenge.lock().unwrap() {
            return (StatusCode::OK, "wrong".into());
        }
        let v: Value = serde_json::from_slice(&body).unwrap();
        return (StatusCode::OK, v["challenge"].as_str().unwrap().to_string());
    }
    if kind == "notification" && *rx.fail_notifications.lock().unwrap() {
        return (StatusCode::INTERNAL_SERVER_ERROR, String::new());
    }
    (StatusCode::NO_CONTENT, String::new())
}

async fn receiver() -> (String, Receiver) {
    let rx = Receiver::default();
    let app = Router::new()
        .route("/cb", post(receive))
        .with_state(rx.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/cb"), rx)
}

async fn wait_for(rx: &Receiver, n: usize) -> Vec<Received> {
    for _ in 0..500 {
        let got = rx.got.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("expected {n} webhook requests");
}

async fn subscribe_webhook(
    env: &Env,
    token: &str,
    kind: &str,
    condition: Value,
    callback: &str,
) -> Resp {
    env.helix(
        Method::POST,
        "/eventsub/subscriptions",
        token,
        Some(json!({
            "type": kind,
            "version": "1",
            "condition": condition,
            "transport": {"method": "webhook", "callback": callback, "secret": SECRET},
        })),
    )
    .await
}

async fn status_of(env: &Env, id: &str, want: &str) {
    for _ in 0..500 {
        let subs = env.sim.subscriptions();
        if subs.iter().any(|s| s["id"] == id && s["status"] == want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "subscription {id} never reached {want}: {:?}",
        env.sim.subscriptions()
    );
}

fn assert_signed(r: &Received) {
    let h = |k: &str| r.headers[k].to_str().unwrap().to_string();
    for k in [
        "twitch-eventsub-message-id",
        "twitch-eventsub-message-retry",
        "twitch-eventsub-message-type",
        "twitch-eventsub-message-signature",
        "twitch-eventsub-message-timestamp",
        "twitch-eventsub-subscription-type",
        "twitch-eventsub-subscription-version",
    ] {
        assert!(r.headers.contains_key(k), "missing header {k}");
    }
    assert!(webhook::verify(
        SECRET,
        &h("twitch-eventsub-message-id"),
        &h("twitch-eventsub-message-timestamp"),
        &r.body,
        &h("twitch-eventsub-message-signature"),
    ));
}

#[tokio::test]
async fn challenge_then_signed_notifications() {
    let env = env().await;
    let (cb, rx) = receiver().await;
    env.sim.add_user("viewer");
    let reward = env.create_reward("VIP", 1).await;
    let app = env.app_token();
    let r = subscribe_webhook(
        &env,
        &app,
        "channel.channel_points_custom_reward_redemption.add",
        json!({"broadcaster_user_id": env.streamer.id, "reward_id": reward}),
        &cb,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    // The documented example is a user.update subscription: compare all but the condition.
    let mut expected = fixture("helix_create_eventsub_subscription_response.webhook.json");
    expected["data"][0]["condition"] = r.body["data"][0]["condition"].clone();
    assert_same_shape(&expected, &r.body);
    assert_eq!(
        r.body["data"][0]["status"],
        "webhook_callback_verification_pending"
    );
    assert_eq!(
        r.body["data"][0]["cost"], 0,
        "the broadcaster authorized this client"
    );
    let id = r.body["data"][0]["id"].as_str().unwrap().to_string();

    let got = wait_for(&rx, 1).await;
    assert_eq!(
        got[0].headers["twitch-eventsub-message-type"],
        "webhook_callback_verification"
    );
    assert_signed(&got[0]);
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    let mut expected = fixture("webhook_callback_verification.json");
    expected["subscription"]["condition"] = body["subscription"]["condition"].clone();
    assert_same_shape(&expected, &body);
    status_of(&env, &id, "enabled").await;

    let red = env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    let got = wait_for(&rx, 2).await;
    let n = &got[1];
    assert_eq!(n.headers["twitch-eventsub-message-type"], "notification");
    assert_eq!(n.headers["twitch-eventsub-message-retry"], "0");
    assert_eq!(
        n.headers["twitch-eventsub-subscription-type"],
        "channel.channel_points_custom_reward_redemption.add"
    );
    assert_signed(n);
    let body: Value = serde_json::from_slice(&n.body).unwrap();
    assert_same_shape(
        &fixture("eventsub_redemption_add_notification.webhook_body.json"),
        &body,
    );
    assert_eq!(body["event"]["id"], red["id"]);
}

#[tokio::test]
async fn failed_challenge_marks_the_subscription_failed() {
    let env = env().await;
    let (cb, rx) = receiver().await;
    *rx.bad_challenge.lock().unwrap() = true;
    let r = subscribe_webhook(
        &env,
        &env.app_token(),
        "channel.vip.add",
        json!({"broadcaster_user_id": env.streamer.id}),
        &cb,
    )
    .await;
    let id = r.body["data"][0]["id"].as_str().unwrap().to_string();
    status_of(&env, &id, "webhook_callback_verification_failed").await;
}

#[tokio::test]
async fn notifications_are_retried_then_revoked() {
    let env = env_with(Config {
        webhook_retries: 2,
        webhook_retry_delay: Duration::from_millis(10),
        ..Config::default()
    })
    .await;
    let (cb, rx) = receiver().await;
    env.sim.add_user("viewer");
    let r = subscribe_webhook(
        &env,
        &env.app_token(),
        "channel.vip.add",
        json!({"broadcaster_user_id": env.streamer.id}),
        &cb,
    )
    .await;
    let id = r.body["data"][0]["id"].as_str().unwrap().to_string();
    status_of(&env, &id, "enabled").await;
    *rx.fail_notifications.lock().unwrap() = true;
    env.sim.twitch_add_vip("streamer", "viewer").unwrap();
    // challenge + 3 attempts + revocation
    let got = wait_for(&rx, 5).await;
    let attempts: Vec<&Received> = got
        .iter()
        .filter(|r| r.headers["twitch-eventsub-message-type"] == "notification")
        .collect();
    assert_eq!(attempts.len(), 3);
    let ids: Vec<_> = attempts
        .iter()
        .map(|r| r.headers["twitch-eventsub-message-id"].clone())
        .collect();
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "redeliveries keep the message id"
    );
    let retries: Vec<_> = attempts
        .iter()
        .map(|r| {
            r.headers["twitch-eventsub-message-retry"]
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(retries, ["0", "1", "2"]);
    let revocation = got
        .iter()
        .find(|r| r.headers["twitch-eventsub-message-type"] == "revocation")
        .unwrap();
    let body: Value = serde_json::from_slice(&revocation.body).unwrap();
    assert_same_shape(&fixture("webhook_revocation.json"), &body);
    assert_eq!(
        body["subscription"]["status"],
        "notification_failures_exceeded"
    );
    status_of(&env, &id, "notification_failures_exceeded").await;
}

#[tokio::test]
async fn user_authorization_revoke_over_webhook() {
    let env = env().await;
    let (cb, rx) = receiver().await;
    let r = subscribe_webhook(
        &env,
        &env.app_token(),
        "user.authorization.revoke",
        json!({"client_id": env.client_id}),
        &cb,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["data"][0]["id"].as_str().unwrap().to_string();
    status_of(&env, &id, "enabled").await;
    env.sim
        .revoke_authorization(&env.client_id, "streamer")
        .unwrap();
    let got = wait_for(&rx, 2).await;
    let body: Value = serde_json::from_slice(&got[1].body).unwrap();
    assert_same_shape(
        &fixture("eventsub_user_authorization_revoke_notification.webhook_body.json"),
        &body,
    );
    assert_eq!(body["event"]["user_id"], env.streamer.id);
    assert_eq!(body["event"]["client_id"], env.client_id);
}

#[tokio::test]
async fn webhook_subscription_rules() {
    let env = env().await;
    let (cb, _rx) = receiver().await;
    let cond = json!({"broadcaster_user_id": env.streamer.id});
    let app = env.app_token();
    // User token → 401.
    let r = subscribe_webhook(&env, &env.token, "channel.vip.add", cond.clone(), &cb).await;
    assert_error(&r, 401);
    // Non-https / non-443 callbacks → 400.
    for bad in ["http://example.com/cb", "https://example.com:8443/cb"] {
        let r = subscribe_webhook(&env, &app, "channel.vip.add", cond.clone(), bad).await;
        assert_error(&r, 400);
    }
    // Secret length 10–100.
    let r = env
        .helix(
            Method::POST,
            "/eventsub/subscriptions",
            &app,
            Some(json!({
                "type": "channel.vip.add", "version": "1", "condition": cond,
                "transport": {"method": "webhook", "callback": cb, "secret": "short"},
            })),
        )
        .await;
    assert_error(&r, 400);
    // Broadcaster never authorized this client → 403.
    let other = env.sim.add_streamer("other");
    let r = subscribe_webhook(
        &env,
        &app,
        "channel.vip.add",
        json!({"broadcaster_user_id": other.id}),
        &cb,
    )
    .await;
    assert_error(&r, 403);
    // user.authorization.revoke for another client id → 403.
    let r = subscribe_webhook(
        &env,
        &app,
        "user.authorization.revoke",
        json!({"client_id": "someoneelse"}),
        &cb,
    )
    .await;
    assert_error(&r, 403);
    // Same type+condition+callback → 409.
    assert_eq!(
        subscribe_webhook(&env, &app, "channel.vip.add", cond.clone(), &cb)
            .await
            .status,
        202
    );
    assert_error(
        &subscribe_webhook(&env, &app, "channel.vip.add", cond.clone(), &cb).await,
        409,
    );
    // An app token lists webhook subscriptions.
    let list = env
        .helix(Method::GET, "/eventsub/subscriptions", &app, None)
        .await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["max_total_cost"], 10000);
}
