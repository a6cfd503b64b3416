//! The app's chat bot speaking in a streamer's chat: with the app access token and the bot as
//! sender (the Chat Bot badge), `for_source_only` so that Shared Chat partners are not spammed,
//! and nothing at all while the streamer has not granted `channel:bot`.

use serde_json::{json, Value};

use super::bot_connect::{connect_bot, SECRET};
use super::world::Chat;
use crate::common::{eventually, log_in, TestServer};

const LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

async fn start_with_bot() -> (Chat, String) {
    let server = TestServer::start_with(&[
        ("DEMO_REDEEM_EVERY_SECS", "86400"),
        ("BOT_CONNECT_SECRET", SECRET),
    ])
    .await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let chat = Chat { server, browser };
    let bot = connect_bot(&chat.server, "vipbot").await;
    let saved = chat
        .settings(json!({"chat_enabled": true, "chat_identity": "bot"}))
        .await;
    assert_eq!(saved["chat_identity"], "bot");
    (chat, bot)
}

async fn grant(chat: &Chat, login: &str) {
    let res = chat
        .browser
        .post(chat.server.url("/api/vip"))
        .json(&json!({ "user_login": login, "duration_secs": 3600 }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
}

async fn missing_scopes(chat: &Chat) -> Value {
    let res = chat
        .browser
        .get(chat.server.url("/api/settings/scopes"))
        .send()
        .await
        .unwrap();
    res.json().await.unwrap()
}

#[tokio::test]
async fn announcements_go_out_as_the_bot_with_the_app_token_for_this_channel_only() {
    let (chat, bot) = start_with_bot().await;
    // The streamer grants channel:bot at the next login.
    log_in(&chat.server, &chat.browser).await;
    assert_eq!(missing_scopes(&chat).await["missing"], json!([]));
    grant(&chat, "viewer_bob").await;
    let sent = eventually("the bot's announcement", LIMIT, || async {
        chat.sent()
            .await
            .into_iter()
            .find(|m| m["sender_id"] == bot)
    })
    .await;
    assert_eq!(sent["app_token"], true, "{sent}");
    assert_eq!(sent["for_source_only"], true, "{sent}");
    assert!(
        sent["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("viewer_bob"),
        "{sent}"
    );
    chat.server.stop().await.unwrap();
}

#[tokio::test]
async fn without_channel_bot_nothing_is_sent_and_the_scope_is_listed_missing() {
    let (chat, _bot) = start_with_bot().await;
    let scopes = missing_scopes(&chat).await;
    assert_eq!(scopes["missing"], json!(["channel:bot"]), "{scopes}");
    grant(&chat, "viewer_bob").await;
    assert!(chat.vip("viewer_bob").await.is_some());
    // The grant answered after its announcement was tried: Twitch refused it (403), and the
    // streamer's own account did not speak instead.
    assert_eq!(chat.sent().await, Vec::<Value>::new());
    // The chat status says why, and who reads on this transport (WebSocket: the streamer).
    let status: Value = chat
        .browser
        .get(chat.server.url("/api/settings/chat-status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["bot"]["state"], "connected", "{status}");
    assert_eq!(status["channel_bot_granted"], false, "{status}");
    assert_eq!(status["reads_as"], "streamer", "{status}");
    assert_eq!(status["replies_as"], "bot", "{status}");
    assert_eq!(
        status["notices"],
        json!(["channel_bot_missing", "reads_as_streamer_on_websocket"]),
        "{status}"
    );
    // The settings page offers the choice.
    let html = chat
        .browser
        .get(chat.server.url("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"chat-identity-bot\""),
        "the identity choice"
    );
    // And the live status, rendered on the server (works without JavaScript).
    assert!(
        html.contains("Chat bot connected: vipbot."),
        "the bot's state"
    );
    assert!(
        html.contains("You have not granted channel:bot"),
        "channel:bot"
    );
    assert!(html.contains("Replies come from the bot."), "who answers");
    chat.server.stop().await.unwrap();
}
