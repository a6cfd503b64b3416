//! Chat: `channel.chat.message` (who may read it over each transport, the event's shape, badges,
//! Shared Chat) and Send Chat Message (replies, `for_source_only`, the chat rate limits, the echo
//! of sent messages).

use crate::common::callback::*;
use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};
use twitch_sim::chat_read::Post;

const CHAT: &str = "channel.chat.message";
const READ: &str = "user:read:chat";
const WRITE: &str = "user:write:chat";

fn chat_condition(env: &SimHarness, user: &str) -> Value {
    json!({"broadcaster_user_id": env.streamer.id, "user_id": user})
}

async fn next_chat(ws: &mut Ws) -> Value {
    let n = ws_next(ws).await;
    assert_eq!(n["metadata"]["subscription_type"], CHAT, "{n}");
    n["payload"]["event"].clone()
}

fn badge_sets(event: &Value) -> Vec<String> {
    event["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["set_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_websocket_reader_needs_its_own_token_with_user_read_chat() {
    let env = env().await;
    let (_ws, session) = ws_session(&env).await;
    let other = env.sim.add_user("someone");
    // The app's usual token has no user:read:chat.
    let r = subscribe_ws(
        &env,
        &env.token,
        CHAT,
        chat_condition(&env, &env.streamer.id),
        &session,
    )
    .await;
    assert_error(&r, 403);
    let reader = env.user_token("streamer", &[READ]);
    // The token's user must be the condition's user_id.
    let r = subscribe_ws(
        &env,
        &reader,
        CHAT,
        chat_condition(&env, &other.id),
        &session,
    )
    .await;
    assert_error(&r, 403);
    // user_id is required.
    let r = subscribe_ws(
        &env,
        &reader,
        CHAT,
        json!({"broadcaster_user_id": env.streamer.id}),
        &session,
    )
    .await;
    assert_error(&r, 400);
    let r = subscribe_ws(
        &env,
        &reader,
        CHAT,
        chat_condition(&env, &env.streamer.id),
        &session,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
}

#[tokio::test]
async fn a_webhook_reader_needs_user_bot_and_channel_bot_or_moderation() {
    let env = env().await;
    let (cb, _rx) = receiver().await;
    let bot = env.sim.add_user("the_bot");
    let app = env.app_token();
    let cond = chat_condition(&env, &bot.id);
    // The bot granted user:read:chat only.
    env.user_token("the_bot", &[READ]);
    assert_error(
        &subscribe_webhook(&env, &app, CHAT, cond.clone(), &cb).await,
        403,
    );
    // user:bot too, but the broadcaster has not granted channel:bot and the bot is no moderator.
    env.user_token("the_bot", &[READ, "user:bot", WRITE]);
    assert_error(
        &subscribe_webhook(&env, &app, CHAT, cond.clone(), &cb).await,
        403,
    );
    // The broadcaster grants channel:bot.
    env.user_token("streamer", &["channel:bot"]);
    let r = subscribe_webhook(&env, &app, CHAT, cond, &cb).await;
    assert_eq!(r.status, 202, "{}", r.text);

    // Another bot that moderates the channel needs no channel:bot.
    let modbot = env.sim.add_user("mod_bot");
    env.user_token("mod_bot", &[READ, "user:bot"]);
    env.sim.set_moderator("streamer", "mod_bot", true).unwrap();
    let r = subscribe_webhook(&env, &app, CHAT, chat_condition(&env, &modbot.id), &cb).await;
    assert_eq!(r.status, 202, "{}", r.text);
}

#[tokio::test]
async fn a_bot_withdrawing_its_grant_revokes_the_chat_subscription_it_reads_with() {
    let env = env().await;
    let (cb, _rx) = receiver().await;
    let app = env.app_token();
    env.user_token("streamer", &["channel:bot"]);
    let mut ids = Vec::new();
    for name in ["the_bot", "other_bot"] {
        let bot = env.sim.add_user(name);
        env.user_token(name, &[READ, "user:bot"]);
        let r = subscribe_webhook(&env, &app, CHAT, chat_condition(&env, &bot.id), &cb).await;
        assert_eq!(r.status, 202, "{}", r.text);
        let id = r.body["data"][0]["id"].as_str().unwrap().to_owned();
        status_of(&env, &id, "enabled").await;
        ids.push(id);
    }
    env.sim
        .revoke_authorization(&env.client_id, "the_bot")
        .unwrap();
    assert_eq!(status(&env, &ids[0]), "authorization_revoked");
    assert_eq!(status(&env, &ids[1]), "enabled");
}

#[tokio::test]
async fn a_message_carries_the_chatter_badges_and_shared_chat_source() {
    let env = env().await;
    let reader = env.user_token("streamer", &[READ]);
    let (mut ws, session) = ws_session(&env).await;
    let r = subscribe_ws(
        &env,
        &reader,
        CHAT,
        chat_condition(&env, &env.streamer.id),
        &session,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let alice = env.sim.add_user("alice");
    env.sim.add_user("mod_ann");
    env.sim.set_moderator("streamer", "mod_ann", true).unwrap();
    env.sim.add_streamer("partner");

    let r = env
        .sim_post(
            "/channels/streamer/chat",
            json!({"user": "alice", "text": "!vip"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let event = next_chat(&mut ws).await;
    assert_eq!(event["message_id"], r.body["message_id"]);
    assert_eq!(event["chatter_user_id"], alice.id.as_str());
    assert_eq!(event["chatter_user_login"], "alice");
    assert_eq!(event["broadcaster_user_id"], env.streamer.id.as_str());
    assert_eq!(event["message"]["text"], "!vip");
    assert!(badge_sets(&event).is_empty());
    assert!(event["source_broadcaster_user_id"].is_null());

    env.sim_post(
        "/channels/streamer/chat",
        json!({"user": "mod_ann", "text": "hi", "badges": ["lead_moderator"]}),
    )
    .await;
    assert_eq!(
        badge_sets(&next_chat(&mut ws).await),
        ["moderator", "lead_moderator"]
    );
    env.sim_post(
        "/channels/streamer/chat",
        json!({"user": "streamer", "text": "hello"}),
    )
    .await;
    assert_eq!(badge_sets(&next_chat(&mut ws).await), ["broadcaster"]);

    // Shared Chat: a message sent in the partner's channel reaches this channel's readers with the
    // partner as its source (and the partner-channel badges: none here).
    env.sim
        .post_chat(
            "streamer",
            &Post {
                user: "mod_ann",
                text: "!vips list",
                source_broadcaster: Some("partner"),
                ..Post::default()
            },
        )
        .unwrap();
    let event = next_chat(&mut ws).await;
    assert_eq!(event["source_broadcaster_user_login"], "partner");
    assert!(badge_sets(&event).is_empty());

    // Over-long text and unknown parents are refused.
    let r = env
        .sim_post(
            "/channels/streamer/chat",
            json!({"user": "alice", "text": "x".repeat(501)}),
        )
        .await;
    assert_error(&r, 400);
    let r = env
        .sim_post(
            "/channels/streamer/chat",
            json!({"user": "alice", "text": "hi", "reply_to": "nope"}),
        )
        .await;
    assert_error(&r, 400);
}

async fn send(env: &SimHarness, token: &str, body: Value) -> Resp {
    env.helix(Method::POST, "/chat/messages", token, Some(body))
        .await
}

#[tokio::test]
async fn a_reply_must_name_a_message_of_the_channel_and_is_echoed() {
    let env = env().await;
    let reader = env.user_token("streamer", &[READ, WRITE]);
    let (mut ws, session) = ws_session(&env).await;
    let r = subscribe_ws(
        &env,
        &reader,
        CHAT,
        chat_condition(&env, &env.streamer.id),
        &session,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    env.sim.add_user("alice");
    let parent = env
        .sim
        .post_chat(
            "streamer",
            &Post {
                user: "alice",
                text: "!vip",
                ..Post::default()
            },
        )
        .unwrap();
    next_chat(&mut ws).await;
    let b = env.streamer.id.as_str();
    let r = send(
        &env,
        &reader,
        json!({"broadcaster_id": b, "sender_id": b, "message": "hi", "reply_parent_message_id": "nope"}),
    )
    .await;
    assert_error(&r, 400);
    let r = send(
        &env,
        &reader,
        json!({"broadcaster_id": b, "sender_id": b, "message": "@alice hi", "reply_parent_message_id": parent}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"][0]["is_sent"], true);
    let sent = env.sim.chat_messages("streamer");
    assert_eq!(
        sent.last().unwrap().reply_parent_message_id.as_deref(),
        Some(parent.as_str())
    );
    // Twitch echoes the sent message to the channel's readers, threaded.
    let echo = next_chat(&mut ws).await;
    assert_eq!(echo["chatter_user_id"], b);
    assert_eq!(echo["reply"]["parent_message_id"], parent.as_str());
}

#[tokio::test]
async fn a_sender_that_is_not_a_moderator_may_send_20_messages_per_30_seconds() {
    let env = env().await;
    let bot = env.sim.add_user("the_bot");
    env.user_token("the_bot", &[WRITE, "user:bot"]);
    env.user_token("streamer", &["channel:bot"]);
    let app = env.app_token();
    let b = env.streamer.id.as_str();
    let msg = |i: usize| json!({"broadcaster_id": b, "sender_id": bot.id, "message": format!("m{i}"), "for_source_only": true});
    for i in 0..20 {
        let r = send(&env, &app, msg(i)).await;
        assert_eq!(r.status, 200, "{i}: {}", r.text);
    }
    assert_error(&send(&env, &app, msg(20)).await, 429);
    let sent = env.sim.chat_messages("streamer");
    assert_eq!(sent.len(), 20);
    assert!(sent
        .iter()
        .all(|m| m.app_token && m.for_source_only == Some(true)));
    // A moderator gets 100.
    env.sim.set_moderator("streamer", "the_bot", true).unwrap();
    for i in 20..100 {
        let r = send(&env, &app, msg(i)).await;
        assert_eq!(r.status, 200, "{i}: {}", r.text);
    }
    assert_error(&send(&env, &app, msg(100)).await, 429);
    // The window moves on.
    env.sim.advance_clock(std::time::Duration::from_secs(31));
    assert_eq!(send(&env, &app, msg(101)).await.status, 200);
}

#[tokio::test]
async fn the_chat_window_counts_a_senders_messages_in_every_channel() {
    let env = env().await;
    let bot = env.sim.add_user("the_bot");
    let other = env.sim.add_user("other_streamer");
    let moderated = env.sim.add_user("moderated_streamer");
    env.user_token("the_bot", &[WRITE, "user:bot"]);
    for broadcaster in ["streamer", "other_streamer", "moderated_streamer"] {
        env.user_token(broadcaster, &["channel:bot"]);
    }
    env.sim
        .set_moderator("moderated_streamer", "the_bot", true)
        .unwrap();
    let app = env.app_token();
    let msg = |b: &str, i: usize| json!({"broadcaster_id": b, "sender_id": bot.id, "message": format!("m{i}")});
    for i in 0..20 {
        let r = send(&env, &app, msg(&env.streamer.id, i)).await;
        assert_eq!(r.status, 200, "{i}: {}", r.text);
    }
    // Twenty sent elsewhere fill the window of a channel the sender does not moderate…
    assert_error(&send(&env, &app, msg(&other.id, 20)).await, 429);
    // …but not that of a channel it moderates, whose limit is 100.
    assert_eq!(send(&env, &app, msg(&moderated.id, 21)).await.status, 200);
    // Once the window has moved on, the sender may send 20 there again, and no more.
    env.sim.advance_clock(std::time::Duration::from_secs(31));
    for i in 22..42 {
        let r = send(&env, &app, msg(&other.id, i)).await;
        assert_eq!(r.status, 200, "{i}: {}", r.text);
    }
    assert_error(&send(&env, &app, msg(&other.id, 42)).await, 429);
}
