//! `channel.chat.message` for chat commands: subscribed as the streamer only while chat commands
//! are on and the scopes are granted — on WebSocket with the streamer's token (`user:read:chat`),
//! on webhooks with the app token (Twitch also wants `user:bot` and `channel:bot`; without them
//! the refusal is reported and the channel's other events still flow) — and messages reach the
//! sink with the chatter, badges and Shared Chat source.

use app::model::{ChatCommands, Settings};
use chrono::Utc;
use server::eventsub::parse::chat::CHAT_MESSAGE;
use server::twitch::oauth::IssuedTokens;
use twitch_sim::chat_read::Post;

use super::webhook::webhook_supervisor;
use super::*;

/// The streamer logs in again granting `extra` scopes too.
async fn grant(h: &Harness, extra: &[&str]) {
    let scopes: Vec<&str> = harness::SCOPES.iter().chain(extra).copied().collect();
    let issued = h
        .sim
        .issue_user_token(&h.client_id, &h.streamer.id, &scopes);
    h.tokens
        .save(
            &h.streamer.id,
            &IssuedTokens {
                access_token: issued.access_token.into(),
                refresh_token: issued.refresh_token.into(),
                scopes: issued.scopes,
                expires_at: Utc::now() + chrono::Duration::hours(4),
            },
        )
        .await
        .unwrap();
}

fn chat_subscriptions(h: &Harness) -> Vec<serde_json::Value> {
    h.enabled_subscriptions()
        .into_iter()
        .filter(|s| s["type"] == CHAT_MESSAGE)
        .collect()
}

async fn chat_reaches_the_sink(h: &Harness) {
    h.sim
        .post_chat(
            &h.streamer.id,
            &Post {
                user: &h.viewer.id,
                text: "!vip",
                badges: &["lead_moderator".to_owned()],
                ..Post::default()
            },
        )
        .unwrap();
    h.sink
        .wait_until("a chat message", |events| {
            events.iter().any(|e| {
                matches!(e, TwitchEvent::Chat(m)
                    if m.text == "!vip" && m.chatter.id == h.viewer.id && m.is_moderator()
                        && !m.from_partner_channel())
            })
        })
        .await;
}

#[tokio::test]
async fn websocket_chat_is_read_with_the_streamer_s_token_once_granted() {
    let h = Harness::start(sim_config()).await;
    // Chat commands off: never subscribed, whatever the scopes.
    let off = Settings {
        chat_commands: ChatCommands::stored_before(),
        ..Settings::default()
    };
    h.store.update_settings(&h.channel(), &off).await.unwrap();
    grant(&h, &["user:read:chat"]).await;
    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;
    assert!(chat_subscriptions(&h).is_empty());

    // On (a new channel's default): subscribed with reader = the streamer.
    h.store
        .update_settings(&h.channel(), &Settings::default())
        .await
        .unwrap();
    supervisor.rewatch(h.channel());
    eventually("chat subscribed", || chat_subscriptions(&h).len() == 1).await;
    let sub = &chat_subscriptions(&h)[0];
    assert_eq!(sub["condition"]["user_id"], h.streamer.id.as_str());
    assert_eq!(
        sub["condition"]["broadcaster_user_id"],
        h.streamer.id.as_str()
    );
    chat_reaches_the_sink(&h).await;
}

#[tokio::test]
async fn webhook_chat_needs_the_bot_scopes_and_its_refusal_stops_nothing_else() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    grant(&h, &["user:read:chat"]).await;
    let (supervisor, _) = webhook_supervisor(&h, Duration::from_millis(200)).await;
    supervisor.watch(h.channel());
    // Twitch refuses the app-token subscription without user:bot and channel:bot: reported as
    // failed, while every other type is enabled.
    eventually("chat refused, the rest enabled", || {
        let reported = supervisor.subscriptions(&h.channel());
        reported
            .iter()
            .any(|s| s.kind == CHAT_MESSAGE && matches!(s.state, SubscriptionState::Failed(_)))
            && h.enabled_subscriptions().len() == base_types().len()
    })
    .await;
    assert!(chat_subscriptions(&h).is_empty());
    connected(&h, &supervisor).await;

    grant(&h, &["user:read:chat", "user:bot", "channel:bot"]).await;
    supervisor.rewatch(h.channel());
    eventually("chat subscribed by webhook", || {
        chat_subscriptions(&h).len() == 1
    })
    .await;
    assert_eq!(chat_subscriptions(&h)[0]["transport"]["method"], "webhook");
    chat_reaches_the_sink(&h).await;
}
