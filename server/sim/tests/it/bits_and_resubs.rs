//! Resubscriptions and uses of bits: the control API emits `channel.subscription.message` and
//! `channel.bits.use` (for cheers, Power-ups and Combos) with Twitch's shapes, and subscribing to
//! them needs their scopes and a condition naming the token's own channel.

use crate::common::support::*;
use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn each_type_needs_its_scope_and_the_tokens_own_channel() {
    let env = env().await;
    let (_ws, session) = ws_session(&env).await;
    let mine = json!({"broadcaster_user_id": env.streamer.id});
    let resub = "channel.subscription.message";
    let bits = "channel.bits.use";
    for kind in [resub, bits] {
        let r = subscribe_ws(&env, &env.token, kind, mine.clone(), &session).await;
        assert_error(&r, 403);
    }
    let bits_only = env.user_token("streamer", &[BITS]);
    let r = subscribe_ws(&env, &bits_only, resub, mine.clone(), &session).await;
    assert_error(&r, 403);
    let other = env.sim.add_streamer("other_streamer");
    let theirs = json!({"broadcaster_user_id": other.id});
    let r = subscribe_ws(&env, &bits_only, bits, theirs, &session).await;
    assert_error(&r, 403);
    let r = subscribe_ws(&env, &bits_only, bits, json!({}), &session).await;
    assert_error(&r, 400);
    let r = subscribe_ws(&env, &bits_only, bits, mine.clone(), &session).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let subs_only = env.user_token("streamer", &[SUBS]);
    let r = subscribe_ws(&env, &subs_only, resub, mine, &session).await;
    assert_eq!(r.status, 202, "{}", r.text);
}

#[tokio::test]
async fn a_subscriber_shares_a_resubscription_at_their_tier() {
    let env = env().await;
    let mut ws = subscribed(&env, &["channel.subscription.message"]).await;
    let fan = env.sim.add_user("loyal_fan");
    env.sim.subscribe("streamer", "loyal_fan", "2000").unwrap();

    env.sim_ok(
        "/channels/streamer/resubscribe",
        json!({"user": "loyal_fan", "cumulative_months": 15, "streak_months": 3, "message": "15 months!"}),
    )
    .await;
    let event = next_event(&mut ws, "channel.subscription.message").await;
    assert_same_shape(
        &fixture_event("eventsub_channel_subscription_message_notification.CONSTRUCTED.json"),
        &event,
    );
    assert_eq!(event["user_id"], fan.id.as_str());
    assert_eq!(event["broadcaster_user_id"], env.streamer.id.as_str());
    assert_eq!(event["tier"], "2000");
    assert_eq!(event["cumulative_months"], 15);
    assert_eq!(event["streak_months"], 3);
    assert_eq!(event["duration_months"], 1);
    assert_eq!(event["message"]["text"], "15 months!");

    // Defaults: the second month, streak not shared.
    env.sim_ok(
        "/channels/streamer/resubscribe",
        json!({"user": "loyal_fan"}),
    )
    .await;
    let event = next_event(&mut ws, "channel.subscription.message").await;
    assert_eq!(event["cumulative_months"], 2);
    assert_eq!(event["streak_months"], Value::Null);

    env.sim.add_user("newcomer");
    for (bad, status) in [
        (json!({"user": "newcomer"}), 400),
        (json!({"user": "loyal_fan", "cumulative_months": 1}), 400),
        (
            json!({"user": "loyal_fan", "cumulative_months": 3, "streak_months": 4}),
            400,
        ),
        (json!({"user": "loyal_fan", "duration_months": 0}), 400),
        (json!({"user": "ghost"}), 404),
    ] {
        let r = env
            .sim_post("/channels/streamer/resubscribe", bad.clone())
            .await;
        assert_error(&r, status);
    }
}

#[tokio::test]
async fn a_cheer_is_also_a_use_of_bits_and_power_ups_and_combos_are_only_that() {
    let env = env().await;
    let mut ws = subscribed(&env, &["channel.cheer", "channel.bits.use"]).await;
    let fan = env.sim.add_user("bits_fan");

    env.sim
        .with_world(|w| {
            twitch_sim::support::cheer(w, "streamer", Some("bits_fan"), 2, "cheer1 hi cheer1")
        })
        .unwrap();
    let cheer = next_event(&mut ws, "channel.cheer").await;
    assert_eq!(cheer["bits"], 2);
    let used = next_event(&mut ws, "channel.bits.use").await;
    assert_same_shape(
        &fixture_event("eventsub_channel_bits_use_notification.CONSTRUCTED.json"),
        &used,
    );
    let cheer_fixture = fixture_event("eventsub_channel_bits_use_notification.CONSTRUCTED.json");
    assert_eq!(used["message"], cheer_fixture["message"]);
    assert_eq!(used["type"], "cheer");
    assert_eq!(used["bits"], 2);
    assert_eq!(used["user_id"], fan.id.as_str());

    // Anonymous: channel.cheer says so; channel.bits.use has no such field and names the placeholder.
    env.sim.cheer("streamer", None, 100).unwrap();
    let anonymous = next_event(&mut ws, "channel.cheer").await;
    assert_eq!(anonymous["is_anonymous"], true);
    let used = next_event(&mut ws, "channel.bits.use").await;
    assert_eq!(used["user_login"], "ananonymouscheerer");
    assert_eq!(used["user_name"], "AnAnonymousCheerer");
    assert!(used.get("is_anonymous").is_none());

    env.sim_ok(
        "/channels/streamer/power_up",
        json!({"user": "bits_fan", "type": "message_effect", "bits": 50, "message": "hi chat"}),
    )
    .await;
    let power_up = next_event(&mut ws, "channel.bits.use").await;
    assert_same_shape(
        &fixture_event("eventsub_channel_bits_use_power_up_notification.CONSTRUCTED.json"),
        &power_up,
    );
    assert_eq!(power_up["type"], "power_up");
    assert_eq!(power_up["power_up"]["type"], "message_effect");
    assert_eq!(power_up["bits"], 50);
    for kind in ["gigantify_an_emote", "celebration"] {
        env.sim
            .use_power_up("streamer", "bits_fan", kind, 30, "")
            .unwrap();
        let used = next_event(&mut ws, "channel.bits.use").await;
        assert_eq!(used["power_up"]["type"], kind);
    }

    // The streamer's own Power-up is free: nothing is sent. The Combo that follows is next.
    env.sim
        .use_power_up("streamer", "streamer", "celebration", 30, "")
        .unwrap();
    env.sim_ok(
        "/channels/streamer/combo",
        json!({"user": "bits_fan", "bits": 5}),
    )
    .await;
    let combo = next_event(&mut ws, "channel.bits.use").await;
    assert_same_shape(
        &fixture_event("eventsub_channel_bits_use_combo_notification.CONSTRUCTED.json"),
        &combo,
    );
    assert_eq!(combo["type"], "combo");
    assert_eq!(combo["user_id"], fan.id.as_str());
    assert_eq!(combo["power_up"], Value::Null);

    for (path, bad, status) in [
        (
            "power_up",
            json!({"user": "bits_fan", "type": "hype", "bits": 5}),
            400,
        ),
        (
            "power_up",
            json!({"user": "bits_fan", "type": "message_effect", "bits": 5}),
            400,
        ),
        (
            "power_up",
            json!({"user": "bits_fan", "type": "celebration", "bits": 0}),
            400,
        ),
        (
            "power_up",
            json!({"user": "ghost", "type": "celebration", "bits": 5}),
            404,
        ),
        ("combo", json!({"user": "bits_fan", "bits": 0}), 400),
        ("combo", json!({"user": "ghost", "bits": 5}), 404),
    ] {
        let r = env
            .sim_post(&format!("/channels/streamer/{path}"), bad.clone())
            .await;
        assert_error(&r, status);
    }
}
