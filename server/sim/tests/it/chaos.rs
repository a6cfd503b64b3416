//! Chaos controls: the request journal, answers lost after the request took effect, and
//! WebSocket sessions dropped without a close frame.

use std::time::Duration;

use crate::common::*;
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use twitch_sim::chaos::Chaos;
use twitch_sim::Simulator;

/// A [`SimHarness`] whose simulator is served behind `chaos`.
async fn chaos_env(chaos: &Chaos) -> SimHarness {
    let sim = Simulator::new();
    let (addr, _task) = sim
        .clone()
        .serve_with_chaos("127.0.0.1:0".parse().unwrap(), chaos)
        .await
        .unwrap();
    let (client_id, client_secret) = sim.register_client();
    let streamer = sim.add_streamer("streamer");
    let token = sim
        .issue_user_token(&client_id, "streamer", ALL_SCOPES)
        .access_token;
    SimHarness {
        sim,
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
        client_id,
        client_secret,
        streamer,
        token,
    }
}

#[tokio::test]
async fn a_lost_answer_still_takes_effect_and_the_journal_says_so() {
    let chaos = Chaos::default();
    let env = chaos_env(&chaos).await;
    let viewer = env.sim.add_user("viewer");
    let path = format!(
        "/channels/vips?broadcaster_id={}&user_id={}",
        env.streamer.id, viewer.id
    );

    chaos.lose_next_answer("POST /helix/channels/vips", 504);
    let r = env.helix(Method::POST, &path, &env.token, None).await;
    assert_error(&r, 504);
    assert_eq!(env.sim.vips("streamer"), vec![viewer.id.clone()]);

    // The retry finds the viewer VIP already; an injected failure changes nothing.
    let r = env.helix(Method::POST, &path, &env.token, None).await;
    assert_error(&r, 422);
    env.sim.fail_next("DELETE /helix/channels/vips", 503);
    let r = env.helix(Method::DELETE, &path, &env.token, None).await;
    assert_error(&r, 503);
    assert_eq!(env.sim.vips("streamer"), vec![viewer.id.clone()]);

    let journal: Vec<_> = chaos
        .journal()
        .into_iter()
        .filter(|e| e.path == "/helix/channels/vips")
        .collect();
    let seen: Vec<(&str, u16, bool, bool)> = journal
        .iter()
        .map(|e| (e.method.as_str(), e.status, e.answer_lost, e.succeeded()))
        .collect();
    assert_eq!(
        seen,
        [
            ("POST", 504, true, true),
            ("POST", 422, false, false),
            ("DELETE", 503, false, false),
        ]
    );
    assert_eq!(journal[0].query("user_id"), Some(viewer.id.clone()));
    assert!(journal.iter().all(|e| e.started <= e.finished));
}

#[tokio::test]
async fn a_refused_request_keeps_its_refusal_and_the_loss_waits() {
    let chaos = Chaos::default();
    let env = chaos_env(&chaos).await;
    let viewer = env.sim.add_user("viewer");
    let path = format!(
        "/channels/vips?broadcaster_id={}&user_id={}",
        env.streamer.id, viewer.id
    );
    chaos.lose_next_answer("/helix/channels/vips", 502);
    // Not a VIP: the removal is refused and keeps its 422; the loss is kept for the next success.
    let r = env.helix(Method::DELETE, &path, &env.token, None).await;
    assert_error(&r, 422);
    let r = env.helix(Method::POST, &path, &env.token, None).await;
    assert_error(&r, 502);
    assert_eq!(env.sim.vips("streamer"), vec![viewer.id.clone()]);

    chaos.lose_next_answer("/helix/channels/vips", 502);
    chaos.clear_lost_answers();
    let r = env.helix(Method::DELETE, &path, &env.token, None).await;
    assert_eq!(r.status, 204, "{}", r.text);
}

#[tokio::test]
async fn request_bodies_are_recorded_and_control_calls_are_not() {
    let chaos = Chaos::default();
    let env = chaos_env(&chaos).await;
    let reward = env.create_reward("Chaos", 10).await;
    let r = env.sim_post("/users", json!({"login": "someone"})).await;
    assert!(r.status.is_success(), "{}", r.text);
    let journal = chaos.journal();
    assert_eq!(journal.len(), 1, "{journal:?}");
    assert_eq!(journal[0].method, "POST");
    assert_eq!(journal[0].path, "/helix/channel_points/custom_rewards");
    assert!(journal[0].body.contains("\"Chaos\""), "{}", journal[0].body);
    assert_eq!(journal[0].status, 200);
    assert!(!reward.is_empty());
}

#[tokio::test]
async fn a_reward_created_while_its_answer_was_lost_makes_the_retry_a_duplicate() {
    let chaos = Chaos::default();
    let env = chaos_env(&chaos).await;
    let path = format!(
        "/channel_points/custom_rewards?broadcaster_id={}",
        env.streamer.id
    );
    let body = json!({"title": "VIP", "cost": 10});
    chaos.lose_next_answer("POST /helix/channel_points/custom_rewards", 502);
    let r = env
        .helix(Method::POST, &path, &env.token, Some(body.clone()))
        .await;
    assert_error(&r, 502);
    let r = env.helix(Method::POST, &path, &env.token, Some(body)).await;
    assert_error(&r, 400);
    assert_eq!(r.body["message"], "CREATE_CUSTOM_REWARD_DUPLICATE_REWARD");
    // The reward the lost answer was about is there, this client's to manage.
    let mine = env
        .helix(
            Method::GET,
            &format!("{path}&only_manageable_rewards=true"),
            &env.token,
            None,
        )
        .await;
    let data = mine.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["title"], "VIP");
}

#[tokio::test]
async fn a_dropped_session_ends_without_a_close_frame() {
    let chaos = Chaos::default();
    let env = chaos_env(&chaos).await;
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

    assert!(env.sim.ws_drop(&session));
    assert!(!env.sim.ws_drop(&session), "gone already");
    let end = loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("the connection ends within 5 s");
        match msg {
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => break other,
        }
    };
    assert!(
        !matches!(end, Some(Ok(Message::Close(Some(_))))),
        "no close frame: {end:?}"
    );
    assert!(env.sim.ws_sessions().is_empty());
    let sub = env
        .sim
        .subscriptions()
        .into_iter()
        .find(|s| s["id"] == sub_id)
        .unwrap();
    assert_eq!(sub["status"], "websocket_network_error");
    assert!(sub["transport"]["disconnected_at"].is_string());
}

#[tokio::test]
async fn the_control_api_drops_one_session_or_all() {
    let chaos = Chaos::default();
    let env = chaos_env(&chaos).await;
    let (_a, first) = ws_session(&env).await;
    let (_b, _second) = ws_session(&env).await;

    let r = env
        .sim_post("/ws/drop", json!({"session_id": "nope"}))
        .await;
    assert_error(&r, 404);
    let r = env.sim_post("/ws/drop", json!({"session_id": first})).await;
    assert_eq!(r.body["dropped"], 1, "{}", r.text);
    assert_eq!(env.sim.ws_sessions().len(), 1);
    let r = env.sim_post("/ws/drop", json!({})).await;
    assert_eq!(r.body["dropped"], 1, "{}", r.text);
    assert!(env.sim.ws_sessions().is_empty());
}
