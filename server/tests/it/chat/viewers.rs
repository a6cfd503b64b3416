//! `!vip` / `!checkvip`: the time left in words, "not a timed VIP", the per-viewer cooldown, and
//! messages that are not the channel's own (Shared Chat partners, ignored bots).

use serde_json::json;

use crate::chat::world::Chat;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_asks_how_long_their_vip_lasts() {
    let chat = Chat::start().await;
    chat.settings(json!({"chat_commands": {"viewer_cooldown_secs": 0}}))
        .await;
    assert_eq!(
        chat.ask("viewer_alice", "!vip").await,
        "@Viewer_alice you are not a timed VIP"
    );
    let res = chat
        .browser
        .post(chat.server.url("/api/vip"))
        .json(&json!({"user_login": "viewer_alice", "duration_secs": 3 * 3600 + 12 * 60 + 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let reply = chat.ask("viewer_alice", "!checkvip").await;
    assert!(
        reply == "@Viewer_alice your VIP ends in 3 h 13 min"
            || reply == "@Viewer_alice your VIP ends in 3 h 12 min",
        "{reply}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_is_answered_once_per_cooldown() {
    let chat = Chat::start().await;
    chat.settings(
        json!({"chat_commands": {"viewer_cooldown_secs": 3600}, "moderators_can_manage": true}),
    )
    .await;
    chat.ask("viewer_bob", "!vip").await;
    let again = chat.say("viewer_bob", "!vip").await;
    // Another viewer is not held back by Bob's cooldown.
    chat.ask("viewer_carol", "!vip").await;
    // One chatter's messages are handled in order: once a later message of Bob's is answered (a
    // list, which no cooldown holds back, as a moderator), his second ask was handled.
    let probe = chat
        .say_with(json!({"user": "viewer_bob", "text": "!vips list", "badges": ["moderator"]}))
        .await;
    chat.reply_to(&probe).await;
    assert!(!chat.answered(&again).await, "answered within the cooldown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_chat_partners_and_ignored_bots_are_not_read() {
    let chat = Chat::start().await;
    chat.settings(
        json!({"chat_commands": {"viewer_cooldown_secs": 0, "ignored_bots": ["viewer_dave"]}}),
    )
    .await;
    let res = chat
        .server
        .http
        .post(chat.server.url("/twitch-sim/sim/users"))
        .json(&json!({"login": "partner_streamer", "broadcaster_type": "affiliate"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    // A command sent in a partner channel of a Shared Chat session.
    let partner = chat
        .say_with(json!({"user": "viewer_alice", "text": "!vip", "source_broadcaster": "partner_streamer"}))
        .await;
    // The channel's own message, in a Shared Chat session too (source = the broadcaster).
    let own = chat
        .say_with(
            json!({"user": "viewer_alice", "text": "!vip", "source_broadcaster": "demo_streamer"}),
        )
        .await;
    assert_eq!(
        chat.reply_to(&own).await,
        "@Viewer_alice you are not a timed VIP"
    );
    assert!(!chat.answered(&partner).await);

    let bot = chat.say("viewer_dave", "!vip").await;
    // Dave's message reached the inbox before Alice's (one socket, in order): once Alice is
    // answered and the inbox is empty, Dave's was handled under the setting that ignores him.
    chat.ask("viewer_alice", "!vip").await;
    chat.settled().await;
    chat.settings(json!({"chat_commands": {"ignored_bots": []}}))
        .await;
    chat.ask("viewer_dave", "!vip").await;
    assert!(!chat.answered(&bot).await);
}
