//! Webhook transport: signature test vector, challenge, notifications with
//! headers and signatures, retries, revocation, token rules.

use std::time::Duration;

use crate::common::callback::*;
use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};
use twitch_sim::{webhook, Config};

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

    let got = rx.wait_for(1).await;
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
    let got = rx.wait_for(2).await;
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
    rx.bad_challenge();
    let id = subscribe_vip_add(&env, &cb).await;
    status_of(&env, &id, "webhook_callback_verification_failed").await;
}

#[tokio::test]
async fn a_challenge_is_answered_with_200_not_any_2xx() {
    let env = env().await;
    let (cb, rx) = receiver().await;
    rx.challenge_202();
    let id = subscribe_vip_add(&env, &cb).await;
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
    let id = vip_add_subscription(&env, &cb).await;
    rx.fail_notifications();
    env.sim.twitch_add_vip("streamer", "viewer").unwrap();
    // challenge + 3 attempts + revocation
    let got = rx.wait_for(5).await;
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
    let got = rx.wait_for(2).await;
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

#[tokio::test]
async fn a_test_can_revoke_or_delete_a_subscription_and_it_can_be_made_again() {
    let env = env().await;
    let (cb, rx) = receiver().await;
    let token = env.app_token();
    let subscribe = || {
        subscribe_webhook(
            &env,
            &token,
            "user.authorization.revoke",
            json!({"client_id": env.client_id}),
            &cb,
        )
    };
    let r = subscribe().await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["data"][0]["id"].as_str().unwrap().to_string();
    status_of(&env, &id, "enabled").await;
    assert_eq!(subscribe().await.status, 409, "it exists");

    // Twitch revokes it: the callback is told, and a new one may be made.
    assert!(env
        .sim
        .revoke_subscription(&id, "notification_failures_exceeded"));
    let got = rx.wait_for(2).await;
    let body: Value = serde_json::from_slice(&got[1].body).unwrap();
    assert_eq!(
        body["subscription"]["status"],
        "notification_failures_exceeded"
    );
    let r = subscribe().await;
    assert_eq!(r.status, 202, "{}", r.text);
    let again = r.body["data"][0]["id"].as_str().unwrap().to_string();
    status_of(&env, &again, "enabled").await;

    // Deleted on Twitch: gone from the list without a message, and it may be made again.
    assert!(env.sim.delete_subscription(&again));
    assert!(!env.sim.delete_subscription(&again));
    assert!(env
        .sim
        .subscriptions()
        .iter()
        .all(|s| s["id"] != again.as_str()));
    assert_eq!(subscribe().await.status, 202);
}
