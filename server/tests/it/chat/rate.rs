//! Replies to chat commands keep to Twitch's chat rate, against the simulator (which answers 429
//! beyond it): the app's chat bot, not a moderator, sends at most 20 messages per 30 s and the
//! rest wait for the window; once it moderates the channel, 100. The engine's clock moves the
//! simulator's clock when it waits, so the window passes without wall-clock time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::model::{Channel, ChatIdentity, Settings, Viewer};
use app::ssr::engine::{Clock, Engine};
use app::ssr::events::{ChatMessage, EventSink, TwitchEvent};
use app::ssr::live::NoLiveBus;
use async_trait::async_trait;
use chrono::TimeDelta;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use server::twitch::bot::{BOT_SCOPES, BOT_TOKENS_KEY};
use server::twitch::oauth::IssuedTokens;
use server::twitch::scopes::REQUIRED_SCOPES;
use twitch_sim::chat_read::Post;

use crate::support::helix_harness::HelixHarness;

/// The engine's clock, moving the simulator's clock along when it sleeps.
struct SimClock {
    sim: twitch_sim::Simulator,
    now: Mutex<DateTime<Utc>>,
    slept: Mutex<Vec<Duration>>,
}

#[async_trait]
impl Clock for SimClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }

    async fn sleep(&self, duration: Duration) {
        self.slept.lock().unwrap().push(duration);
        *self.now.lock().unwrap() += TimeDelta::from_std(duration).unwrap();
        self.sim.advance_clock(duration);
        tokio::task::yield_now().await;
    }
}

struct Rate {
    h: HelixHarness,
    engine: Engine,
    clock: Arc<SimClock>,
    bot: String,
}

/// The demo channel answering as a connected chat bot (the streamer granted `channel:bot`).
async fn start() -> Rate {
    let h = HelixHarness::start().await;
    let issue =
        |user: &str, scopes: &[&str]| h.sim.issue_user_token(&h.demo.client_id, user, scopes);
    let mut streamer_scopes: Vec<&str> = REQUIRED_SCOPES.iter().map(|(s, _)| *s).collect();
    streamer_scopes.push("channel:bot");
    issue(h.channel.as_str(), &streamer_scopes);
    let bot = h.sim.add_user("rate_bot");
    let issued = issue(&bot.id, &BOT_SCOPES);
    h.tokens
        .save(
            BOT_TOKENS_KEY,
            &IssuedTokens {
                access_token: SecretString::from(issued.access_token),
                refresh_token: SecretString::from(issued.refresh_token),
                scopes: issued.scopes,
                expires_at: Utc::now() + chrono::Duration::hours(4),
            },
        )
        .await
        .unwrap();
    h.store
        .save_channel(&Channel {
            id: h.channel.clone(),
            login: h.demo.streamer.login.clone(),
            display_name: h.demo.streamer.display_name.clone(),
            profile_image_url: None,
            settings: Settings {
                chat_identity: ChatIdentity::Bot,
                ..Settings::default()
            },
            needs_reauth: false,
        })
        .await
        .unwrap();
    let clock = Arc::new(SimClock {
        sim: h.sim.clone(),
        now: Mutex::new(Utc::now()),
        slept: Mutex::new(Vec::new()),
    });
    let engine = Engine::new(
        h.store.clone(),
        h.client.clone(),
        Arc::new(NoLiveBus),
        clock.clone(),
    );
    Rate {
        h,
        engine,
        clock,
        bot: bot.id,
    }
}

impl Rate {
    /// `count` viewers each ask `!vip` once, in chat and then to the engine (as EventSub would
    /// deliver it). Returns the message ids.
    async fn burst(&self, count: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for i in 0..count {
            let user = self.h.sim.add_user(&format!("rate_viewer_{i:02}"));
            let post = Post {
                user: &user.id,
                text: "!vip",
                ..Post::default()
            };
            let id = self
                .h
                .sim
                .post_chat(self.h.channel.as_str(), &post)
                .unwrap();
            let said = ChatMessage {
                channel: self.h.channel.clone(),
                message_id: id.clone(),
                chatter: Viewer {
                    id: user.id.clone(),
                    login: user.login.clone(),
                    display_name: user.display_name.clone(),
                },
                text: "!vip".into(),
                badges: Vec::new(),
                source_channel: None,
            };
            self.engine.deliver(TwitchEvent::Chat(said)).await;
            ids.push(id);
        }
        ids
    }

    /// The bot's messages in the channel, oldest first.
    fn sent(&self) -> Vec<twitch_sim::state::ChatMessage> {
        self.h
            .sim
            .chat_messages(self.h.channel.as_str())
            .into_iter()
            .filter(|m| m.sender_id == self.bot)
            .collect()
    }

    /// How many replies the bot's messages carry (coalesced replies are joined with " · ").
    fn replies(&self) -> usize {
        self.sent()
            .iter()
            .map(|m| m.message.split(" · ").count())
            .sum()
    }

    /// The most of the bot's messages in any 30 s of the simulator's time.
    fn busiest_window(&self) -> usize {
        let sent = self.sent();
        sent.iter()
            .map(|first| {
                sent.iter()
                    .filter(|m| m.sent_at >= first.sent_at)
                    .filter(|m| m.sent_at - first.sent_at < chrono::Duration::seconds(30))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }
}

#[tokio::test]
async fn a_bot_that_is_not_a_moderator_keeps_to_20_messages_per_30_seconds() {
    let r = start().await;
    let asked = r.burst(30).await;
    assert_eq!(r.replies(), asked.len(), "every command answered");
    assert_eq!(r.h.too_many_requests(), 0, "Twitch never refused one");
    assert_eq!(r.busiest_window(), 20);
    assert!(
        !r.clock.slept.lock().unwrap().is_empty(),
        "replies beyond the 20th waited for the window"
    );
    let first = &r.sent()[0];
    assert_eq!(
        first.reply_parent_message_id.as_deref(),
        Some(asked[0].as_str())
    );
    assert!(first.app_token);
}

#[tokio::test]
async fn a_bot_that_moderates_the_channel_sends_30_replies_in_one_window() {
    let r = start().await;
    r.h.sim
        .set_moderator(r.h.channel.as_str(), &r.bot, true)
        .unwrap();
    let asked = r.burst(30).await;
    assert_eq!(r.sent().len(), asked.len(), "one message per command");
    assert_eq!(r.h.too_many_requests(), 0);
    assert_eq!(r.busiest_window(), 30);
    assert!(r.clock.slept.lock().unwrap().is_empty(), "nothing waited");
}
