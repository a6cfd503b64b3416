//! Helix VIP / moderator / users rules over real HTTP.

use crate::common::*;
use reqwest::Method;

fn add_path(env: &SimHarness, user: &str) -> String {
    format!(
        "/channels/vips?broadcaster_id={}&user_id={user}",
        env.streamer.id
    )
}

#[tokio::test]
async fn app_token_on_user_endpoint_is_401() {
    let env = env().await;
    let viewer = env.sim.add_user("viewer");
    let r = env
        .helix(
            Method::POST,
            &add_path(&env, &viewer.id),
            &env.app_token(),
            None,
        )
        .await;
    assert_error(&r, 401);
}

#[tokio::test]
async fn missing_scope_is_401_with_documented_message() {
    let env = env().await;
    let reward_id = env.create_reward("VIP", 10).await;
    let token = env.user_token("streamer", &["channel:manage:vips"]);
    let r = env
        .helix(
            Method::GET,
            &format!(
                "/channel_points/custom_rewards/redemptions?broadcaster_id={}&reward_id={reward_id}&status=UNFULFILLED",
                env.streamer.id
            ),
            &token,
            None,
        )
        .await;
    assert_error(&r, 401);
    assert_eq!(
        r.body,
        fixture("helix_error_401_missing_scope.OBSERVED.json")
    );

    let viewer = env.sim.add_user("viewer");
    let token = env.user_token("streamer", &["channel:read:vips"]);
    let r = env
        .helix(Method::POST, &add_path(&env, &viewer.id), &token, None)
        .await;
    assert_error(&r, 401);
    assert_eq!(r.body["message"], "Missing scope: channel:manage:vips");
}

#[tokio::test]
async fn auth_header_problems_are_401() {
    let env = env().await;
    let path = format!("/channels/vips?broadcaster_id={}", env.streamer.id);
    // Client-Id of another app.
    let r = env
        .helix_as(Method::GET, &path, &env.token, "someotherclientid", None)
        .await;
    assert_error(&r, 401);
    assert_eq!(r.body["message"], "Client ID and OAuth token do not match");
    // Unknown token.
    let r = env.helix(Method::GET, &path, "nonsense", None).await;
    assert_error(&r, 401);
    // broadcaster_id of someone else on GET.
    let other = env.sim.add_streamer("other");
    let r = env
        .helix(
            Method::GET,
            &format!("/channels/vips?broadcaster_id={}", other.id),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 401);
    // ... and on POST it is 403.
    let viewer = env.sim.add_user("viewer");
    let r = env
        .helix(
            Method::POST,
            &format!(
                "/channels/vips?broadcaster_id={}&user_id={}",
                other.id, viewer.id
            ),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 403);
}

#[tokio::test]
async fn add_list_remove_vip_and_rate_headers() {
    let env = env().await;
    let viewer = env.sim.add_user("viewer");
    let r = env
        .helix(Method::POST, &add_path(&env, &viewer.id), &env.token, None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    for h in ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"] {
        assert!(r.headers.contains_key(h), "missing {h}");
    }
    assert_eq!(r.headers["ratelimit-limit"], "800");
    let reset: i64 = r.headers["ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > 1_700_000_000, "Ratelimit-Reset is epoch seconds");

    let list = env
        .helix(
            Method::GET,
            &format!("/channels/vips?broadcaster_id={}", env.streamer.id),
            &env.token,
            None,
        )
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["data"][0]["user_id"], viewer.id);
    assert_eq!(list.body["data"][0]["user_login"], "viewer");
    assert_eq!(list.body["data"][0]["user_name"], "Viewer");

    // Already a VIP → 422.
    let r = env
        .helix(Method::POST, &add_path(&env, &viewer.id), &env.token, None)
        .await;
    assert_error(&r, 422);

    let r = env
        .helix(
            Method::DELETE,
            &add_path(&env, &viewer.id),
            &env.token,
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    // Not a VIP any more → 422.
    let r = env
        .helix(
            Method::DELETE,
            &add_path(&env, &viewer.id),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 422);
}

#[tokio::test]
async fn eleventh_vip_add_within_ten_seconds_is_429() {
    let env = env().await;
    env.sim.set_vip_slots("streamer", 100).unwrap();
    for i in 0..10 {
        let v = env.sim.add_user(&format!("viewer{i}"));
        let r = env
            .helix(Method::POST, &add_path(&env, &v.id), &env.token, None)
            .await;
        assert_eq!(r.status, 204, "add {i}: {}", r.text);
    }
    let v = env.sim.add_user("viewer10");
    let r = env
        .helix(Method::POST, &add_path(&env, &v.id), &env.token, None)
        .await;
    assert_error(&r, 429);
    assert!(r.headers.contains_key("ratelimit-reset"));
    // After the window the add succeeds (simulated clock, no sleeping).
    env.sim.advance_clock(std::time::Duration::from_secs(10));
    let r = env
        .helix(Method::POST, &add_path(&env, &v.id), &env.token, None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
}

#[tokio::test]
async fn eleventh_vip_removal_within_ten_seconds_is_429() {
    let env = env().await;
    env.sim.set_vip_slots("streamer", 100).unwrap();
    let mut ids = Vec::new();
    for i in 0..11 {
        let v = env.sim.add_user(&format!("viewer{i}"));
        env.sim.twitch_add_vip("streamer", &v.id).unwrap();
        ids.push(v.id);
    }
    for id in &ids[..10] {
        let r = env
            .helix(Method::DELETE, &add_path(&env, id), &env.token, None)
            .await;
        assert_eq!(r.status, 204);
    }
    let r = env
        .helix(Method::DELETE, &add_path(&env, &ids[10]), &env.token, None)
        .await;
    assert_error(&r, 429);
}

#[tokio::test]
async fn full_slots_is_409() {
    let env = env().await;
    env.sim.set_vip_slots("streamer", 1).unwrap();
    let a = env.sim.add_user("a");
    let b = env.sim.add_user("b");
    let r = env
        .helix(Method::POST, &add_path(&env, &a.id), &env.token, None)
        .await;
    assert_eq!(r.status, 204);
    let r = env
        .helix(Method::POST, &add_path(&env, &b.id), &env.token, None)
        .await;
    assert_error(&r, 409);
}

#[tokio::test]
async fn moderator_is_422() {
    let env = env().await;
    let m = env.sim.add_user("modder");
    env.sim.set_moderator("streamer", "modder", true).unwrap();
    let r = env
        .helix(Method::POST, &add_path(&env, &m.id), &env.token, None)
        .await;
    assert_error(&r, 422);
    assert!(r.body["message"].as_str().unwrap().contains("moderator"));
}

#[tokio::test]
async fn the_broadcaster_cannot_be_their_own_vip() {
    let env = env().await;
    let r = env
        .helix(
            Method::POST,
            &add_path(&env, &env.streamer.id),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 422);
    let message = r.body["message"].as_str().unwrap();
    assert!(message.contains("broadcaster"), "{message}");
    assert!(!message.contains("moderator") && !message.contains("already"));
    // Nothing changed, no slot was used, and the Twitch UI refuses the same.
    let r = env
        .helix(
            Method::GET,
            &format!("/channels/vips?broadcaster_id={}", env.streamer.id),
            &env.token,
            None,
        )
        .await;
    assert_eq!(r.body["data"], serde_json::json!([]));
    assert!(env.sim.twitch_add_vip("streamer", "streamer").is_err());
}

#[tokio::test]
async fn blocked_user_is_400() {
    let env = env().await;
    let v = env.sim.add_user("troll");
    env.sim.set_blocked("streamer", "troll", true).unwrap();
    let r = env
        .helix(Method::POST, &add_path(&env, &v.id), &env.token, None)
        .await;
    assert_error(&r, 400);
}

#[tokio::test]
async fn no_build_a_community_is_425() {
    let env = env().await;
    env.sim.set_build_a_community("streamer", false).unwrap();
    let v = env.sim.add_user("viewer");
    let r = env
        .helix(Method::POST, &add_path(&env, &v.id), &env.token, None)
        .await;
    assert_error(&r, 425);
}

#[tokio::test]
async fn unknown_and_malformed_user_ids() {
    let env = env().await;
    let r = env
        .helix(Method::POST, &add_path(&env, "99999999"), &env.token, None)
        .await;
    assert_error(&r, 404);
    let r = env
        .helix(Method::POST, &add_path(&env, "abc"), &env.token, None)
        .await;
    assert_error(&r, 400);
    let r = env
        .helix(
            Method::POST,
            &format!("/channels/vips?broadcaster_id={}", env.streamer.id),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 400);
}

#[tokio::test]
async fn vip_may_remove_themself() {
    let env = env().await;
    let v = env.sim.add_user("viewer");
    env.sim.twitch_add_vip("streamer", "viewer").unwrap();
    let own = env.user_token("viewer", &["channel:manage:vips"]);
    let r = env
        .helix(Method::DELETE, &add_path(&env, &v.id), &own, None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
}

#[tokio::test]
async fn moderators_endpoint_and_vip_mod_exclusion() {
    let env = env().await;
    let v = env.sim.add_user("viewer");
    env.sim.twitch_add_vip("streamer", "viewer").unwrap();
    let r = env
        .helix(
            Method::POST,
            &format!(
                "/moderation/moderators?broadcaster_id={}&user_id={}",
                env.streamer.id, v.id
            ),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 422);
    let m = env.sim.add_user("modder");
    env.sim.set_moderator("streamer", "modder", true).unwrap();
    let r = env
        .helix(
            Method::GET,
            &format!("/moderation/moderators?broadcaster_id={}", env.streamer.id),
            &env.token,
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["data"][0]["user_id"], m.id);
    let no_scope = env.user_token("streamer", &["channel:manage:vips"]);
    let r = env
        .helix(
            Method::GET,
            &format!("/moderation/moderators?broadcaster_id={}", env.streamer.id),
            &no_scope,
            None,
        )
        .await;
    assert_error(&r, 401);
}

#[tokio::test]
async fn injected_failures_and_bucket_exhaustion() {
    let env = env().await;
    env.sim.fail_next("GET /helix/users", 503);
    let r = env.helix(Method::GET, "/users", &env.token, None).await;
    assert_error(&r, 503);
    let r = env.helix(Method::GET, "/users", &env.token, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["data"][0]["id"], env.streamer.id);

    env.sim.fail_next("/helix/channels/vips", 429);
    let r = env
        .helix(
            Method::GET,
            &format!("/channels/vips?broadcaster_id={}", env.streamer.id),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 429);
    assert!(r.headers.contains_key("ratelimit-reset"));

    env.sim.set_rate_limit(2);
    assert_eq!(
        env.helix(Method::GET, "/users", &env.token, None)
            .await
            .status,
        200
    );
    assert_eq!(
        env.helix(Method::GET, "/users", &env.token, None)
            .await
            .status,
        200
    );
    let r = env.helix(Method::GET, "/users", &env.token, None).await;
    assert_error(&r, 429);
    assert_eq!(r.headers["ratelimit-remaining"], "0");
    // Buckets are per user: another user's token still works.
    env.sim.add_user("viewer");
    let other = env.user_token("viewer", &[]);
    assert_eq!(
        env.helix(Method::GET, "/users", &other, None).await.status,
        200
    );
}

#[tokio::test]
async fn users_endpoint_rules() {
    let env = env().await;
    let app = env.app_token();
    let r = env.helix(Method::GET, "/users", &app, None).await;
    assert_error(&r, 400);
    let r = env
        .helix(
            Method::GET,
            "/users?login=streamer&login=nobody",
            &app,
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
    assert!(r.body["data"][0].get("email").is_none());
}

#[tokio::test]
async fn a_delayed_endpoint_answers_after_its_pause_until_the_pause_is_removed() {
    let env = env().await;
    let pause = std::time::Duration::from_secs(2);
    env.sim.set_delay("GET /helix/users", pause);
    let started = std::time::Instant::now();
    let r = env.helix(Method::GET, "/users", &env.token, None).await;
    assert_eq!(r.status, 200, "a delay is not a failure");
    assert!(started.elapsed() >= pause);
    // Removed through the control API, the pause is gone.
    env.sim_post(
        "/delay",
        serde_json::json!({"endpoint": "GET /helix/users", "millis": 0}),
    )
    .await;
    assert!(env.sim.with_world(|w| w.delays.is_empty()));
}
