//! Custom rewards, redemptions and chat over real HTTP.

use crate::common::rewards::*;
use crate::common::*;
use reqwest::Method;
use serde_json::json;
use twitch_sim::RedemptionStatus;

#[tokio::test]
async fn create_reward_matches_fixture_shape() {
    let env = env().await;
    let r = env
        .helix(
            Method::POST,
            &rewards_path(&env),
            &env.token,
            Some(json!({"title": "game analysis 1v1", "cost": 50000})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_same_shape(
        &fixture("helix_create_custom_reward_response.json"),
        &r.body,
    );
    let reward = &r.body["data"][0];
    assert_eq!(reward["is_enabled"], true);
    assert_eq!(reward["should_redemptions_skip_request_queue"], false);
    assert_eq!(reward["broadcaster_login"], "streamer");
}

#[tokio::test]
async fn reward_validation_rules() {
    let env = env().await;
    let path = rewards_path(&env);
    for body in [
        json!({"cost": 10}),
        json!({"title": "x"}),
        json!({"title": "", "cost": 10}),
        json!({"title": "a".repeat(46), "cost": 10}),
        json!({"title": "ok", "cost": 0}),
        json!({"title": "ok", "cost": 10, "prompt": "p".repeat(201)}),
        json!({"title": "ok", "cost": 10, "is_max_per_stream_enabled": true, "max_per_stream": 0}),
        json!({"title": "ok", "cost": 10, "is_global_cooldown_enabled": true, "global_cooldown_seconds": 604801}),
    ] {
        let r = env
            .helix(Method::POST, &path, &env.token, Some(body.clone()))
            .await;
        assert_error(&r, 400);
    }
    env.create_reward("Unique", 5).await;
    let r = env
        .helix(
            Method::POST,
            &path,
            &env.token,
            Some(json!({"title": "unique", "cost": 5})),
        )
        .await;
    assert_error(&r, 400);
    // Read scope cannot create.
    let read_only = env.user_token("streamer", &["channel:read:redemptions"]);
    let r = env
        .helix(
            Method::POST,
            &path,
            &read_only,
            Some(json!({"title": "x", "cost": 5})),
        )
        .await;
    assert_error(&r, 401);
    // 50 rewards max.
    for i in 1..50 {
        env.create_reward(&format!("r{i}"), 5).await;
    }
    let r = env
        .helix(
            Method::POST,
            &path,
            &env.token,
            Some(json!({"title": "fifty-one", "cost": 5})),
        )
        .await;
    assert_error(&r, 400);
}

#[tokio::test]
async fn non_affiliate_is_403() {
    let env = env().await;
    env.sim.set_broadcaster_type("streamer", "").unwrap();
    let r = env
        .helix(
            Method::POST,
            &rewards_path(&env),
            &env.token,
            Some(json!({"title": "x", "cost": 5})),
        )
        .await;
    assert_error(&r, 403);
}

#[tokio::test]
async fn reward_of_another_client_is_403() {
    let env = env().await;
    let dashboard = env
        .sim
        .create_reward("streamer", None, "Hydrate", 100)
        .unwrap();
    let dashboard_id = dashboard["id"].as_str().unwrap().to_string();
    let (other_client, _) = env.sim.register_client();
    let foreign = env
        .sim
        .create_reward("streamer", Some(&other_client), "Other app", 100)
        .unwrap();
    let foreign_id = foreign["id"].as_str().unwrap().to_string();
    for id in [&dashboard_id, &foreign_id] {
        let r = env
            .helix(
                Method::PATCH,
                &format!("{}&id={id}", rewards_path(&env)),
                &env.token,
                Some(json!({"is_paused": true})),
            )
            .await;
        assert_error(&r, 403);
        let r = env
            .helix(
                Method::DELETE,
                &format!("{}&id={id}", rewards_path(&env)),
                &env.token,
                None,
            )
            .await;
        assert_error(&r, 403);
        let r = env
            .helix(
                Method::GET,
                &redemptions_path(&env, id, "&status=UNFULFILLED"),
                &env.token,
                None,
            )
            .await;
        assert_error(&r, 403);
        let r = env
            .helix(
                Method::PATCH,
                &redemptions_path(&env, id, "&id=whatever"),
                &env.token,
                Some(json!({"status": "CANCELED"})),
            )
            .await;
        assert_error(&r, 403);
    }
    // Listing shows all rewards; only_manageable_rewards hides foreign ones.
    let own = env.create_reward("Mine", 10).await;
    let all = env
        .helix(Method::GET, &rewards_path(&env), &env.token, None)
        .await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 3);
    let mine = env
        .helix(
            Method::GET,
            &format!("{}&only_manageable_rewards=true", rewards_path(&env)),
            &env.token,
            None,
        )
        .await;
    assert_eq!(mine.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(mine.body["data"][0]["id"], own);
    // Unknown id → 404.
    let r = env
        .helix(
            Method::GET,
            &format!("{}&id=nope", rewards_path(&env)),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 404);
}

#[tokio::test]
async fn redemption_status_transitions() {
    let env = env().await;
    env.sim.add_user("viewer");
    let reward = env.create_reward("VIP", 500).await;
    let red = env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    let id = red["id"].as_str().unwrap().to_string();
    assert_eq!(red["status"], "UNFULFILLED");
    assert_eq!(env.sim.points("streamer", "viewer"), 1_000_000 - 500);

    // GET with status filter.
    let r = env
        .helix(
            Method::GET,
            &redemptions_path(&env, &reward, "&status=UNFULFILLED"),
            &env.token,
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["data"][0]["id"], id);
    assert_same_shape(
        &fixture("helix_update_redemption_status_response.json")["data"][0],
        &r.body["data"][0],
    );
    let r = env
        .helix(
            Method::GET,
            &redemptions_path(&env, &reward, "&status=FULFILLED"),
            &env.token,
            None,
        )
        .await;
    assert_eq!(r.body["data"], json!([]));
    // status required without id; invalid status.
    let r = env
        .helix(
            Method::GET,
            &redemptions_path(&env, &reward, ""),
            &env.token,
            None,
        )
        .await;
    assert_error(&r, 400);
    let r = set_redemption_status(&env, &reward, &id, "UNFULFILLED").await;
    assert_error(&r, 400);

    // UNFULFILLED → FULFILLED.
    let r = set_redemption_status(&env, &reward, &id, "FULFILLED").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_same_shape(
        &fixture("helix_update_redemption_status_response.json"),
        &r.body,
    );
    assert_eq!(r.body["data"][0]["status"], "FULFILLED");
    // FULFILLED → CANCELED is refused (only UNFULFILLED may change): 404.
    let r = set_redemption_status(&env, &reward, &id, "CANCELED").await;
    assert_error(&r, 404);
    assert_eq!(env.sim.points("streamer", "viewer"), 1_000_000 - 500);

    // UNFULFILLED → CANCELED refunds; then CANCELED → FULFILLED refused.
    let red2 = env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    let id2 = red2["id"].as_str().unwrap();
    let r = set_redemption_status(&env, &reward, id2, "CANCELED").await;
    assert_eq!(r.status, 200);
    assert_eq!(env.sim.points("streamer", "viewer"), 1_000_000 - 500);
    let r = set_redemption_status(&env, &reward, id2, "FULFILLED").await;
    assert_error(&r, 404);
    assert_eq!(
        redemption_statuses(&env),
        [RedemptionStatus::Fulfilled, RedemptionStatus::Canceled]
    );
}

#[tokio::test]
async fn redeem_rules_paused_input_skip_queue() {
    let env = env().await;
    env.sim.add_user("viewer");
    let reward = env.create_reward("VIP", 5).await;
    let path = format!("{}&id={reward}", rewards_path(&env));
    let patch = |body| env.helix(Method::PATCH, &path, &env.token, Some(body));
    let r = patch(json!({"is_paused": true})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["data"][0]["is_paused"], true);
    assert!(env.sim.redeem("streamer", "viewer", &reward, "").is_err());
    patch(json!({"is_paused": false, "is_user_input_required": true})).await;
    assert!(env.sim.redeem("streamer", "viewer", &reward, "").is_err());
    let red = env.sim.redeem("streamer", "viewer", &reward, "hi").unwrap();
    assert_eq!(red["user_input"], "hi");
    patch(json!({"is_user_input_required": false, "should_redemptions_skip_request_queue": true}))
        .await;
    let red = env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    assert_eq!(red["status"], "FULFILLED");
}

#[tokio::test]
async fn send_chat_message_rules() {
    let env = env().await;
    let path = "/chat/messages";
    let body = json!({"broadcaster_id": env.streamer.id, "sender_id": env.streamer.id, "message": "hello"});
    let r = env
        .helix(Method::POST, path, &env.token, Some(body.clone()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_same_shape(&fixture("helix_send_chat_message_response.json"), &r.body);
    assert_eq!(r.body["data"][0]["is_sent"], true);
    // Duplicate within 30 s: 200 but not sent.
    let r = env
        .helix(Method::POST, path, &env.token, Some(body.clone()))
        .await;
    assert_eq!(r.body["data"][0]["is_sent"], false);
    assert_eq!(r.body["data"][0]["drop_reason"]["code"], "msg_duplicate");
    // Too long → 422; missing scope → 401; for_source_only with user token → 400.
    let long = json!({"broadcaster_id": env.streamer.id, "sender_id": env.streamer.id, "message": "x".repeat(501)});
    assert_error(
        &env.helix(Method::POST, path, &env.token, Some(long)).await,
        422,
    );
    let no_scope = env.user_token("streamer", &["channel:manage:vips"]);
    assert_error(
        &env.helix(Method::POST, path, &no_scope, Some(body.clone()))
            .await,
        401,
    );
    let mut fso = body.clone();
    fso["for_source_only"] = json!(true);
    fso["message"] = json!("other");
    assert_error(
        &env.helix(Method::POST, path, &env.token, Some(fso)).await,
        400,
    );
    // App token: the bot must have granted user:write:chat + user:bot.
    let bot = env.sim.add_user("bot");
    let bot_body =
        json!({"broadcaster_id": env.streamer.id, "sender_id": bot.id, "message": "beep"});
    let app = env.app_token();
    assert_error(
        &env.helix(Method::POST, path, &app, Some(bot_body.clone()))
            .await,
        403,
    );
    env.user_token("bot", &["user:write:chat", "user:bot"]);
    // ... and the broadcaster channel:bot (or the bot is a moderator).
    assert_error(
        &env.helix(Method::POST, path, &app, Some(bot_body.clone()))
            .await,
        403,
    );
    env.user_token("streamer", &["channel:bot"]);
    let r = env.helix(Method::POST, path, &app, Some(bot_body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(env.sim.chat_messages("streamer").len(), 2);
}
