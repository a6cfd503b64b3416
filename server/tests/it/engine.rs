//! Use-case tests of the VIP engine: a real `SqliteStore` in a temporary directory, the
//! `InMemoryTwitch` fake (real state, Twitch's rules), a clock the test moves, and a bus that
//! records live events. One test per behaviour of issue 5, in one file per use case; the harness
//! they share is here.

mod chat_commands;
mod dispatch;
mod expiry;
mod grant;
mod grant_rules;
mod interrupted;
mod notices;
mod refusals;
mod resub_and_bits;
mod revoke_extend;
mod roster;
mod scheduler;
mod sync;
mod waitlist;

use crate::support::fake_twitch;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::model::{
    Actor, AuditAction, AuditEntry, AuditQuery, Channel, ChannelId, LiveEvent, LiveKind,
    RedemptionOutcome, RefundReason, Reward, SessionState, Settings, SlotsFullPolicy, StackingRule,
    Viewer, VipDuration, VipSession, VipSource,
};
use app::ssr::engine::{
    Clock, Engine, ExtendOutcome, GrantOutcome, IgnoreReason, PendingReason, RetryPolicy,
    RevokeOutcome,
};
use app::ssr::events::{EventSink, TwitchEvent};
use app::ssr::live::LiveBus;
use app::ssr::store::prelude::*;
use app::ssr::twitch::TwitchError;
use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use fake_twitch::{InMemoryTwitch, Op, Status};
use secrecy::SecretString;
use server::expiry::{
    cron_remove_expired, drain_waitlists, CronEndpoint, ExpiryScheduler, TokioClock,
};
use server::store::SqliteStore;
use tokio_util::sync::CancellationToken;

// ---- harness ---------------------------------------------------------------------------------

/// A clock the test moves; `sleep` moves it instead of waiting (retry back-off costs no time).
struct TestClock {
    now: Mutex<DateTime<Utc>>,
    slept: Mutex<Vec<Duration>>,
}

impl TestClock {
    fn new() -> Self {
        Self {
            now: Mutex::new(Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()),
            slept: Mutex::new(Vec::new()),
        }
    }

    fn advance(&self, secs: i64) {
        *self.now.lock().unwrap() += chrono::Duration::seconds(secs);
    }
}

#[async_trait]
impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }

    async fn sleep(&self, duration: Duration) {
        self.slept.lock().unwrap().push(duration);
        *self.now.lock().unwrap() += chrono::Duration::from_std(duration).unwrap();
        tokio::task::yield_now().await;
    }
}

#[derive(Default)]
struct RecordingBus(Mutex<Vec<LiveEvent>>);

impl LiveBus for RecordingBus {
    fn publish(&self, event: LiveEvent) {
        self.0.lock().unwrap().push(event);
    }
}

impl RecordingBus {
    fn kinds(&self) -> Vec<LiveKind> {
        self.0.lock().unwrap().iter().map(|e| e.kind).collect()
    }
}

struct Harness {
    store: Arc<SqliteStore>,
    twitch: Arc<InMemoryTwitch>,
    clock: Arc<TestClock>,
    live: Arc<RecordingBus>,
    engine: Arc<Engine>,
    channel: ChannelId,
    reward: Reward,
    _dir: tempfile::TempDir,
}

const HOUR: u64 = 3_600;

fn viewer(n: u32) -> Viewer {
    Viewer {
        id: n.to_string(),
        login: format!("user{n}"),
        display_name: format!("User{n}"),
    }
}

/// The broadcaster of the harness's channel, as a viewer.
fn broadcaster() -> Viewer {
    Viewer {
        id: "100".into(),
        login: "streamer".into(),
        display_name: "Streamer".into(),
    }
}

fn secs(s: u64) -> VipDuration {
    VipDuration::from_secs(s).unwrap()
}

fn streamer() -> Actor {
    Actor::Streamer {
        id: "100".into(),
        login: "streamer".into(),
    }
}

/// An engine with a short retry policy (the test clock makes its pauses free) and catch-up that
/// takes pending redemptions of any age.
fn engine_on(
    store: &Arc<SqliteStore>,
    twitch: &Arc<InMemoryTwitch>,
    live: &Arc<RecordingBus>,
    clock: &Arc<TestClock>,
) -> Engine {
    Engine::new(store.clone(), twitch.clone(), live.clone(), clock.clone())
        .with_retry(RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        })
        .with_catch_up_min_age(chrono::Duration::zero())
}

impl Harness {
    async fn new() -> Self {
        Self::with_settings(Settings::default()).await
    }

    async fn with_settings(settings: Settings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/vip.db", dir.path().display());
        let store = Arc::new(SqliteStore::connect(&url).await.unwrap());
        let channel = ChannelId::from("100");
        store
            .save_channel(&Channel {
                id: channel.clone(),
                login: "streamer".into(),
                display_name: "Streamer".into(),
                profile_image_url: None,
                settings,
                needs_reauth: false,
            })
            .await
            .unwrap();
        let reward = Reward {
            id: "reward-vip".into(),
            channel_id: channel.clone(),
            title: "VIP for an hour".into(),
            cost: 1_000,
            prompt: String::new(),
            duration: secs(HOUR).into(),
            enabled: true,
            global_cooldown_secs: None,
            max_per_stream: None,
            max_per_user_per_stream: None,
        };
        store.save_reward(&reward).await.unwrap();
        let twitch = Arc::new(InMemoryTwitch::new());
        twitch.add_channel(&channel, 10);
        let clock = Arc::new(TestClock::new());
        let live = Arc::new(RecordingBus::default());
        let engine = Arc::new(engine_on(&store, &twitch, &live, &clock));
        Self {
            engine,
            store,
            twitch,
            clock,
            live,
            channel,
            reward,
            _dir: dir,
        }
    }

    /// A second engine on the same store and Twitch (another instance).
    fn another_engine(&self) -> Engine {
        engine_on(&self.store, &self.twitch, &self.live, &self.clock)
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn settings(&self, change: impl FnOnce(&mut Settings)) {
        let mut settings = self
            .store
            .channel(&self.channel)
            .await
            .unwrap()
            .unwrap()
            .settings;
        change(&mut settings);
        self.store
            .update_settings(&self.channel, &settings)
            .await
            .unwrap();
    }

    /// The viewer redeems the reward on Twitch; returns the EventSub event and the redemption id.
    fn redeem(&self, who: &Viewer) -> (TwitchEvent, String) {
        let id = self.twitch.redeem(&self.channel, &self.reward.id, who);
        let event = TwitchEvent::Redemption {
            channel: self.channel.clone(),
            redemption_id: id.clone(),
            reward_id: self.reward.id.clone(),
            viewer: who.clone(),
            user_input: String::new(),
            redeemed_at: self.now(),
        };
        (event, id)
    }

    async fn deliver_redemption(&self, who: &Viewer) -> (GrantOutcome, String) {
        self.deliver_redemption_to(&self.engine, who).await
    }

    /// [`Self::deliver_redemption`] when Twitch cannot be reached: asserts the redemption is left
    /// pending for catch-up and returns its id.
    async fn deliver_left_pending(&self, who: &Viewer) -> String {
        let (outcome, id) = self.deliver_redemption(who).await;
        assert_eq!(
            outcome,
            GrantOutcome::Pending(PendingReason::TwitchUnavailable)
        );
        id
    }

    /// [`Self::deliver_redemption`] to another engine on the same store and Twitch.
    async fn deliver_redemption_to(&self, engine: &Engine, who: &Viewer) -> (GrantOutcome, String) {
        let (event, id) = self.redeem(who);
        let TwitchEvent::Redemption {
            channel,
            redemption_id,
            reward_id,
            viewer,
            redeemed_at,
            ..
        } = event
        else {
            unreachable!()
        };
        let outcome = engine
            .handle_redemption(app::ssr::engine::IncomingRedemption {
                channel,
                redemption_id,
                reward_id,
                viewer,
                redeemed_at,
            })
            .await
            .unwrap();
        (outcome, id)
    }

    async fn active(&self, who: &Viewer) -> Option<VipSession> {
        self.store
            .active_session(&self.channel, &who.id)
            .await
            .unwrap()
    }

    async fn outcome(&self, redemption_id: &str) -> RedemptionOutcome {
        self.store
            .redemption(redemption_id)
            .await
            .unwrap()
            .unwrap()
            .outcome
    }

    async fn audit(&self, action: AuditAction) -> Vec<AuditEntry> {
        self.store
            .audit_page(
                &self.channel,
                &AuditQuery {
                    action: Some(action),
                    viewer_id: None,
                    before: None,
                    limit: 100,
                },
            )
            .await
            .unwrap()
            .entries
    }

    async fn needs_reauth(&self) -> bool {
        self.store
            .channel(&self.channel)
            .await
            .unwrap()
            .unwrap()
            .needs_reauth
    }

    fn chat(&self) -> Vec<String> {
        self.twitch.chat_log(&self.channel)
    }

    /// Another streamer's channel on the same store and Twitch, with 10 VIP slots.
    async fn another_channel(&self, id: &str) -> ChannelId {
        let mut channel = self.store.channel(&self.channel).await.unwrap().unwrap();
        channel.id = ChannelId::from(id);
        channel.login = format!("streamer{id}");
        self.store.save_channel(&channel).await.unwrap();
        self.twitch.add_channel(&channel.id, 10);
        channel.id
    }

    async fn expire(&self) -> app::ssr::engine::ExpiryReport {
        self.engine.expire_due(self.now()).await.unwrap()
    }
}

fn session_of(outcome: &GrantOutcome) -> &VipSession {
    match outcome {
        GrantOutcome::Granted(s) | GrantOutcome::Extended(s) => s,
        other => panic!("expected a session, got {other:?}"),
    }
}
