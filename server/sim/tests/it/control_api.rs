//! The `/sim` control API and the demo seed, end to end: seed, log in
//! through OAuth, subscribe over WebSocket, trigger Twitch-side actions over
//! HTTP and see the events.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn demo_seed_and_control_api_drive_events() {
    let env = env().await;
    let seed = env.sim_post("/seed_demo", json!({})).await;
    assert_eq!(seed.status, 200, "{}", seed.text);
    let client_id = seed.body["client_id"].as_str().unwrap().to_string();
    let secret = seed.body["client_secret"].as_str().unwrap().to_string();
    let streamer_id = seed.body["streamer"]["id"].as_str().unwrap().to_string();
    assert_eq!(seed.body["viewers"].as_array().unwrap().len(), 4);

    // OAuth without a login hint approves as the demo streamer.
    let resp = env
        .http
        .get(format!(
            "{}/oauth2/authorize?response_type=code&client_id={client_id}&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&scope=channel%3Amanage%3Avips%20channel%3Amanage%3Aredemptions%20moderation%3Aread&state=s",
            env.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let loc = resp.headers()["location"].to_str().unwrap().to_string();
    let code = loc
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let tok = env
        .post_form(
            "/oauth2/token",
            &[
                ("client_id", &client_id),
                ("client_secret", &secret),
                ("code", &code),
                ("grant_type", "authorization_code"),
                ("redirect_uri", "http://localhost/cb"),
            ],
        )
        .await;
    assert_eq!(tok.status, 200, "{}", tok.text);
    let token = tok.body["access_token"].as_str().unwrap().to_string();

    // Subscribe to redemptions and VIP/mod changes.
    let (mut ws, session) = ws_session(&env).await;
    for kind in [
        "channel.channel_points_custom_reward_redemption.add",
        "channel.vip.add",
        "channel.vip.remove",
        "channel.moderator.add",
    ] {
        let r = env
            .helix_as(
                Method::POST,
                "/eventsub/subscriptions",
                &token,
                &client_id,
                Some(json!({"type": kind, "version": "1",
                    "condition": {"broadcaster_user_id": streamer_id},
                    "transport": {"method": "websocket", "session_id": session}})),
            )
            .await;
        assert_eq!(r.status, 202, "{kind}: {}", r.text);
    }

    // The app's reward, then a viewer redeems it through the control API.
    let reward = env
        .helix_as(
            Method::POST,
            &format!("/channel_points/custom_rewards?broadcaster_id={streamer_id}"),
            &token,
            &client_id,
            Some(json!({"title": "VIP for a day", "cost": 1000})),
        )
        .await;
    let reward_id = reward.body["data"][0]["id"].as_str().unwrap().to_string();
    let red = env
        .sim_post(
            "/channels/demo_streamer/redeem",
            json!({"user": "viewer_alice", "reward_id": reward_id}),
        )
        .await;
    assert_eq!(red.status, 200, "{}", red.text);
    let n = ws_next(&mut ws).await;
    assert_eq!(n["payload"]["event"]["user_login"], "viewer_alice");
    assert_eq!(n["payload"]["event"]["id"], red.body["id"]);

    // Manual VIP add, then the VIP gets modded: vip.remove + moderator.add.
    env.sim_ok(
        "/channels/demo_streamer/vips/add",
        json!({"user": "viewer_bob"}),
    )
    .await;
    assert_eq!(
        ws_next(&mut ws).await["metadata"]["subscription_type"],
        "channel.vip.add"
    );
    env.sim_post(
        "/channels/demo_streamer/moderators/add",
        json!({"user": "viewer_bob"}),
    )
    .await;
    assert_eq!(
        ws_next(&mut ws).await["metadata"]["subscription_type"],
        "channel.vip.remove"
    );
    assert_eq!(
        ws_next(&mut ws).await["metadata"]["subscription_type"],
        "channel.moderator.add"
    );

    // Knobs over HTTP: slots, Build-a-Community, blocking, failure injection.
    let r = env
        .sim_post("/channels/demo_streamer/settings", json!({"vip_slots": 0}))
        .await;
    assert_eq!(r.status, 204);
    let carol = &seed.body["viewers"][2]["id"];
    let add = format!(
        "/channels/vips?broadcaster_id={streamer_id}&user_id={}",
        carol.as_str().unwrap()
    );
    assert_error(
        &env.helix_as(Method::POST, &add, &token, &client_id, None)
            .await,
        409,
    );
    env.sim_post(
        "/channels/demo_streamer/blocked",
        json!({"user": "viewer_carol"}),
    )
    .await;
    assert_error(
        &env.helix_as(Method::POST, &add, &token, &client_id, None)
            .await,
        400,
    );
    env.sim_post(
        "/fail_next",
        json!({"endpoint": "POST /helix/channels/vips", "status": 500}),
    )
    .await;
    assert_error(
        &env.helix_as(Method::POST, &add, &token, &client_id, None)
            .await,
        500,
    );

    // Snapshot.
    let snap = env
        .http
        .get(format!("{}/sim/channels/demo_streamer", env.base))
        .send()
        .await
        .unwrap();
    let snap = into_resp(snap).await;
    assert_eq!(snap.status, 200);
    assert_eq!(snap.body["vip_slots"], 0);
    assert_eq!(snap.body["moderators"].as_array().unwrap().len(), 2);
    assert_eq!(snap.body["redemptions"][0]["status"], "UNFULFILLED");

    // WebSocket reconnect over HTTP.
    let r = env
        .sim_post("/ws/reconnect", json!({"session_id": session}))
        .await;
    assert_eq!(r.body["reconnect_urls"].as_array().unwrap().len(), 1);
    assert_eq!(
        ws_next(&mut ws).await["metadata"]["message_type"],
        "session_reconnect"
    );

    // Errors use the Helix error body.
    let r = env
        .sim_post("/channels/nobody/vips/add", json!({"user": "x"}))
        .await;
    assert_error(&r, 404);
}

#[tokio::test]
async fn base_urls_point_at_the_listener() {
    let (addr, sim, _task) = twitch_sim::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(sim.helix_url(), format!("http://{addr}/helix"));
    assert_eq!(sim.oauth_url(), format!("http://{addr}/oauth2"));
    assert_eq!(sim.ws_url(), format!("ws://{addr}/ws"));
}
