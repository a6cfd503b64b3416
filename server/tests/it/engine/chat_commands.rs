//! Chat commands in the engine: a command that arrives twice (two transports, two instances, a
//! redelivery under another EventSub message id) acts once; a failed reply is never dropped
//! silently; replies beyond the chat rate wait for the window instead of being lost.

use app::ssr::events::ChatMessage;

use super::*;

fn said(h: &Harness, message_id: &str, chatter: &Viewer, text: &str) -> TwitchEvent {
    TwitchEvent::Chat(ChatMessage {
        channel: h.channel.clone(),
        message_id: message_id.into(),
        chatter: chatter.clone(),
        text: text.into(),
        badges: Vec::new(),
        source_channel: None,
    })
}

#[tokio::test]
async fn a_command_delivered_twice_acts_once() {
    let h = Harness::new().await;
    let command = said(&h, "chat-1", &broadcaster(), "!vips add @user7 1h");
    h.engine.deliver(command.clone()).await;
    h.another_engine().deliver(command).await;
    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.audit(AuditAction::Grant).await.len(), 1);
    // The channel's grant announcement (as for a dashboard grant) and one reply.
    assert_eq!(
        h.twitch.chat_log(&h.channel),
        [
            "User7 is now VIP for 1 h!",
            "@Streamer User7 is VIP for 1 h"
        ]
    );
}

#[tokio::test]
async fn the_bot_answers_in_the_channels_language() {
    let h = Harness::new().await;
    h.settings(|s| s.language = Some(app::i18n::Lang::De)).await;
    h.engine
        .deliver(said(&h, "chat-de-1", &broadcaster(), "!vips add @user7 1h"))
        .await;
    h.engine
        .deliver(said(&h, "chat-de-2", &broadcaster(), "!vips add"))
        .await;
    let log = h.twitch.chat_log(&h.channel);
    assert!(
        log.contains(&"@Streamer User7 ist VIP für 1 h".to_owned()),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|line| line.starts_with("@Streamer nenne einen Nutzer; so geht’s: !vips add")),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_reply_twitch_refuses_is_logged_in_the_activity_log() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::Chat, TwitchError::Transient("503".into()), 1);
    h.engine
        .deliver(said(&h, "chat-2", &viewer(3), "!vip"))
        .await;
    let entry = h
        .audit(AuditAction::TwitchError)
        .await
        .into_iter()
        .next()
        .expect("the unsent reply is in the activity log");
    assert_eq!(
        entry.metadata["chat_reply"],
        "@User3 you are not a timed VIP"
    );
    assert!(h.live.kinds().contains(&LiveKind::TwitchError));
}

#[tokio::test]
async fn replies_beyond_the_chat_rate_wait_for_the_window() {
    let h = Harness::new().await;
    let sends = 101;
    for i in 0..sends {
        h.engine
            .deliver(said(&h, &format!("m{i}"), &broadcaster(), "!vips list"))
            .await;
    }
    // Every reply went out, the 101st only after the 30 s window moved on (the test clock's
    // sleep records the wait).
    let log = h.twitch.chat_log(&h.channel);
    assert_eq!(log.len(), sends);
    assert!(h
        .clock
        .slept
        .lock()
        .unwrap()
        .iter()
        .any(|d| *d > Duration::from_secs(20)));
}
