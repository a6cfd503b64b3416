//! Subscriptions, gifted subs and cheers: the control API emits `channel.subscribe`,
//! `channel.subscription.gift` and `channel.cheer` with Twitch's shapes, and subscribing to them
//! needs their scopes.

use crate::common::support::*;
use crate::common::*;
use serde_json::{json, Value};

/// The three types these tests watch.
const KINDS: &[&str] = &[
    "channel.subscribe",
    "channel.subscription.gift",
    "channel.cheer",
];

#[tokio::test]
async fn each_type_needs_its_scope() {
    let env = env().await;
    let (_ws, session) = ws_session(&env).await;
    let condition = json!({"broadcaster_user_id": env.streamer.id});
    // The default token has the app's required scopes only.
    for kind in KINDS {
        let r = subscribe_ws(&env, &env.token, kind, condition.clone(), &session).await;
        assert_error(&r, 403);
    }
    let bits_only = env.user_token("streamer", &[BITS]);
    let r = subscribe_ws(
        &env,
        &bits_only,
        "channel.cheer",
        condition.clone(),
        &session,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let r = subscribe_ws(&env, &bits_only, "channel.subscribe", condition, &session).await;
    assert_error(&r, 403);
}

#[tokio::test]
async fn a_subscription_is_announced_once_per_subscriber() {
    let env = env().await;
    let mut ws = subscribed(&env, KINDS).await;
    let viewer = env.sim.add_user("sub_viewer");

    env.sim_ok(
        "/channels/streamer/subscribe",
        json!({"user": "sub_viewer"}),
    )
    .await;
    let event = next_event(&mut ws, "channel.subscribe").await;
    assert_same_shape(
        &fixture_event("eventsub_channel_subscribe_notification.CONSTRUCTED.json"),
        &event,
    );
    assert_eq!(event["user_id"], viewer.id.as_str());
    assert_eq!(event["user_login"], "sub_viewer");
    assert_eq!(event["broadcaster_user_id"], env.streamer.id.as_str());
    assert_eq!(event["tier"], "1000");
    assert_eq!(event["is_gift"], false);
    assert!(env.sim.is_subscribed("streamer", "sub_viewer"));

    // Already subscribed: refused (resubscriptions are another event type).
    let again = env
        .sim_post(
            "/channels/streamer/subscribe",
            json!({"user": "sub_viewer", "tier": "2000"}),
        )
        .await;
    assert_error(&again, 400);
    let bad_tier = env
        .sim_post(
            "/channels/streamer/subscribe",
            json!({"user": "streamer", "tier": "4000"}),
        )
        .await;
    assert_error(&bad_tier, 400);
    let nobody = env
        .sim_post("/channels/streamer/subscribe", json!({"user": "ghost"}))
        .await;
    assert_error(&nobody, 404);
}

#[tokio::test]
async fn gifts_name_the_gifter_unless_anonymous_and_subscribe_the_recipients() {
    let env = env().await;
    let mut ws = subscribed(&env, KINDS).await;
    let gifter = env.sim.add_user("generous");
    env.sim.add_user("lucky_one");
    env.sim.add_user("lucky_two");

    env.sim_ok(
        "/channels/streamer/gift",
        json!({"user": "generous", "total": 2, "recipients": ["lucky_one", "lucky_two"]}),
    )
    .await;
    let gift = next_event(&mut ws, "channel.subscription.gift").await;
    assert_same_shape(
        &fixture_event("eventsub_channel_subscription_gift_notification.CONSTRUCTED.json"),
        &gift,
    );
    assert_eq!(gift["user_id"], gifter.id.as_str());
    assert_eq!(gift["total"], 2);
    assert_eq!(gift["cumulative_total"], 2);
    assert_eq!(gift["is_anonymous"], false);
    for login in ["lucky_one", "lucky_two"] {
        let sub = next_event(&mut ws, "channel.subscribe").await;
        assert_eq!(sub["user_login"], login);
        assert_eq!(sub["is_gift"], true);
    }

    // The gifter's running total grows; an anonymous gift names nobody.
    env.sim
        .gift_subs("streamer", Some("generous"), 3, &[])
        .unwrap();
    let second = next_event(&mut ws, "channel.subscription.gift").await;
    assert_eq!(second["cumulative_total"], 5);
    env.sim.gift_subs("streamer", None, 10, &[]).unwrap();
    let anonymous = next_event(&mut ws, "channel.subscription.gift").await;
    assert_same_shape(
        &fixture_event(
            "eventsub_channel_subscription_gift_anonymous_notification.CONSTRUCTED.json",
        ),
        &anonymous,
    );
    assert_eq!(anonymous["is_anonymous"], true);
    assert_eq!(anonymous["user_id"], Value::Null);
    assert_eq!(anonymous["cumulative_total"], Value::Null);
    assert_eq!(anonymous["total"], 10);

    for bad in [
        json!({"user": "generous", "total": 0}),
        json!({"user": "generous", "total": 1, "recipients": ["lucky_one"]}),
        json!({"total": 1, "recipients": ["streamer", "generous"]}),
    ] {
        let r = env.sim_post("/channels/streamer/gift", bad.clone()).await;
        assert_error(&r, 400);
    }
}

#[tokio::test]
async fn cheers_carry_bits_and_can_be_anonymous() {
    let env = env().await;
    let mut ws = subscribed(&env, KINDS).await;
    let cheerer = env.sim.add_user("cheerer");

    env.sim_ok(
        "/channels/streamer/cheer",
        json!({"user": "cheerer", "bits": 500, "message": "Cheer500 hype"}),
    )
    .await;
    let cheer = next_event(&mut ws, "channel.cheer").await;
    assert_same_shape(
        &fixture_event("eventsub_channel_cheer_notification.CONSTRUCTED.json"),
        &cheer,
    );
    assert_eq!(cheer["user_id"], cheerer.id.as_str());
    assert_eq!(cheer["bits"], 500);
    assert_eq!(cheer["message"], "Cheer500 hype");
    assert_eq!(cheer["is_anonymous"], false);

    env.sim.cheer("streamer", None, 100).unwrap();
    let anonymous = next_event(&mut ws, "channel.cheer").await;
    assert_eq!(anonymous["is_anonymous"], true);
    assert_eq!(anonymous["user_login"], Value::Null);

    let none = env
        .sim_post(
            "/channels/streamer/cheer",
            json!({"user": "cheerer", "bits": 0}),
        )
        .await;
    assert_error(&none, 400);
    let ghost = env
        .sim_post(
            "/channels/streamer/cheer",
            json!({"user": "ghost", "bits": 1}),
        )
        .await;
    assert_error(&ghost, 404);
}
