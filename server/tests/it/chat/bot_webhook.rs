//! The app's chat bot reading chat on the webhook transport, with the built server against the
//! simulator: `channel.chat.message` made with the app token and the bot as `user_id`, a command
//! answered by the bot; a switch of identity that loses no command; without `channel:bot`,
//! Twitch's refusal reported with what the streamer does about it; and the bot withdrawing its
//! grant, which stops chat but not the streamer's channel.

use app::model::{ChannelId, ChatIdentity, Settings};
use server::twitch::bot::{BOT_SCOPES, BOT_TOKENS_KEY};
use server::twitch::scopes::REQUIRED_SCOPES;
use twitch_sim::chat_read::Post;
use twitch_sim::User;

use crate::intake::world::{eventually, free_addr, Transport, World};

const CHAT: &str = "channel.chat.message";

/// A channel whose streamer chose `identity` and granted the chat scopes (`channel:bot` only when
/// `channel_bot`), and a connected chat bot.
async fn bot_world(identity: ChatIdentity, channel_bot: bool) -> (World, User) {
    let w = World::new(3).await;
    let bot = w.sim.add_user("vip_chat_bot");
    let id = ChannelId(w.streamer.id.clone());
    let settings = Settings {
        chat_identity: identity,
        ..Settings::default()
    };
    assert!(settings.chat_commands.enabled);
    w.store()
        .await
        .update_settings(&id, &settings)
        .await
        .unwrap();
    let mut scopes: Vec<&str> = REQUIRED_SCOPES.iter().map(|(s, _)| *s).collect();
    scopes.extend(["user:read:chat", "user:bot"]);
    if channel_bot {
        scopes.push("channel:bot");
    }
    w.store_tokens(id.as_str(), &w.streamer.id, &scopes).await;
    w.store_tokens(BOT_TOKENS_KEY, &bot.id, &BOT_SCOPES).await;
    (w, bot)
}

/// The reader (`user_id`) of each enabled chat subscription of the channel.
fn readers(w: &World) -> Vec<String> {
    w.channel_subscriptions()
        .iter()
        .filter(|s| s["type"] == CHAT && s["status"] == "enabled")
        .map(|s| s["condition"]["user_id"].as_str().unwrap().to_owned())
        .collect()
}

/// Viewer `i` asks `!vip` (each viewer once: a viewer's cooldown stops repeats); returns the
/// reply once sent.
async fn ask(w: &World, i: usize) -> twitch_sim::state::ChatMessage {
    let post = Post {
        user: &w.viewers[i].id,
        text: "!vip",
        ..Post::default()
    };
    let asked = w.sim.post_chat(&w.streamer.id, &post).unwrap();
    eventually("the reply", || async {
        w.sim
            .chat_messages(&w.streamer.id)
            .into_iter()
            .find(|m| m.reply_parent_message_id.as_deref() == Some(asked.as_str()))
    })
    .await
}

#[tokio::test]
async fn on_webhooks_the_bot_reads_a_command_and_answers_it() {
    let (w, bot) = bot_world(ChatIdentity::Bot, true).await;
    let server = w.start(Transport::Webhook).await;
    eventually("the bot reading chat", || async {
        (readers(&w) == [bot.id.as_str()]).then_some(())
    })
    .await;
    let reply = ask(&w, 0).await;
    assert_eq!(reply.sender_id, bot.id, "{}", server.log_text());
    assert!(reply.app_token, "sent with the app token");
    assert_eq!(
        readers(&w),
        [bot.id.as_str()],
        "the streamer does not read too"
    );
}

#[tokio::test]
async fn switching_to_the_bot_replaces_the_chat_subscription_and_loses_no_command() {
    let (w, bot) = bot_world(ChatIdentity::Streamer, true).await;
    // The identity is switched in the store below, which the server is not told of: its periodic
    // comparison of every channel's rules finds it (a settings change saved through the app is
    // followed at once: `eventsub_server::subscriptions_follow_a_settings_change…`).
    let server = w
        .start_with(
            Transport::Webhook,
            free_addr(),
            &[("RULES_CHECK_EVERY_SECS", "1")],
        )
        .await;
    let streamer = w.streamer.id.clone();
    eventually("the streamer reading chat", || async {
        (readers(&w) == [streamer.as_str()]).then_some(())
    })
    .await;
    assert_eq!(ask(&w, 0).await.sender_id, streamer);
    let id = ChannelId(streamer.clone());
    let store = w.store().await;
    let mut settings = store.channel(&id).await.unwrap().unwrap().settings;
    settings.chat_identity = ChatIdentity::Bot;
    store.update_settings(&id, &settings).await.unwrap();
    // Answered whoever reads at that moment: the old subscription until the new one exists.
    let meanwhile = ask(&w, 1).await;
    assert_eq!(
        meanwhile.sender_id, bot.id,
        "replies go out as the bot at once"
    );
    eventually("the bot reading chat instead", || async {
        (readers(&w) == [bot.id.as_str()]).then_some(())
    })
    .await;
    assert_eq!(ask(&w, 2).await.sender_id, bot.id, "{}", server.log_text());
}

#[tokio::test]
async fn without_channel_bot_the_refusal_says_what_to_do_and_other_events_flow() {
    let (w, _bot) = bot_world(ChatIdentity::Bot, false).await;
    let server = w.start(Transport::Webhook).await;
    eventually("the refusal reported", || async {
        server
            .log_text()
            .contains("once the streamer grants channel:bot")
            .then_some(())
    })
    .await;
    eventually("redemptions subscribed", || async {
        w.redemptions_enabled().then_some(())
    })
    .await;
    assert!(readers(&w).is_empty());
}

#[tokio::test]
async fn the_bot_withdrawing_its_grant_stops_only_chat_and_not_the_streamers_channel() {
    bot_withdraws(Transport::Webhook).await;
}

#[tokio::test]
async fn on_the_conduit_the_bot_withdrawing_its_grant_stops_only_chat() {
    bot_withdraws(Transport::Conduit).await;
}

/// The bot reading chat withdraws its grant: Twitch revokes its chat subscription with
/// `authorization_revoked`, which does not say whose grant went; the streamer's subscriptions stay,
/// and so must the streamer's channel.
async fn bot_withdraws(transport: Transport) {
    let (w, bot) = bot_world(ChatIdentity::Bot, true).await;
    let server = w.start(transport).await;
    eventually("the bot reading chat", || async {
        (readers(&w) == [bot.id.as_str()]).then_some(())
    })
    .await;
    let chat = w
        .channel_subscriptions()
        .into_iter()
        .find(|s| s["type"] == CHAT)
        .unwrap();
    let chat_id = chat["id"].as_str().unwrap().to_owned();

    w.sim.revoke_authorization(w.client_id(), &bot.id).unwrap();
    // Seen by the server: on webhooks, answered (after everything it does with a revocation); on
    // the conduit, where the server says so.
    eventually("the revocation handled", || async {
        let answered = w.sim.webhook_log().iter().any(|a| {
            a.subscription_id == chat_id
                && a.message_type == "revocation"
                && a.status.is_some_and(|s| (200..300).contains(&s))
        });
        let said = server.log_text().contains("withdrew the app's access");
        match transport {
            Transport::Conduit => said,
            _ => answered && said,
        }
        .then_some(())
    })
    .await;
    let viewer = &w.viewers[0];
    w.redeem(viewer);
    w.vip_at_twitch(viewer, "the redemption granted").await;
    assert!(!w.needs_reauth().await, "{}", server.log_text());
    assert!(w.redemptions_enabled(), "{}", server.log_text());

    // Started again, the server finds the revoked chat subscription in Twitch's list: still not
    // the streamer's withdrawal, and the bot, without a grant, cannot read chat again.
    drop(server);
    let server = w.start(transport).await;
    if transport == Transport::Conduit {
        // Twitch keeps no queue for a conduit without an enabled shard.
        eventually("the new shard registered", || async {
            server
                .log_text()
                .contains("EventSub conduit shard registered")
                .then_some(())
        })
        .await;
    }
    let next = &w.viewers[1];
    w.redeem(next);
    w.vip_at_twitch(next, "a redemption granted after the restart")
        .await;
    assert!(!w.needs_reauth().await, "{}", server.log_text());
    assert!(readers(&w).is_empty(), "{}", server.log_text());
}
