//! The warning rules through the engine: once per lead time (also across instances and a
//! restart), again after an extension past a lead time, not after one short of it, and never for
//! a lead time longer than the VIP.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::model::{
    Actor, AuditAction, AuditQuery, Channel, ChannelId, LiveEvent, Settings, Viewer, VipDuration,
    WarningLeads,
};
use app::ssr::engine::{Clock, Engine, ExtendOutcome, GrantOutcome, NextWarning};
use app::ssr::live::LiveBus;
use app::ssr::store::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use server::store::SqliteStore;

use crate::warnings::fake_twitch::InMemoryTwitch;

struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn advance(&self, secs: i64) {
        *self.0.lock().unwrap() += chrono::Duration::seconds(secs);
    }
}

#[async_trait]
impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }

    async fn sleep(&self, duration: Duration) {
        *self.0.lock().unwrap() += chrono::Duration::from_std(duration).unwrap();
    }
}

struct QuietBus;

impl LiveBus for QuietBus {
    fn publish(&self, _: LiveEvent) {}
}

struct Harness {
    store: Arc<SqliteStore>,
    twitch: Arc<InMemoryTwitch>,
    clock: Arc<TestClock>,
    engine: Engine,
    channel: ChannelId,
    _dir: tempfile::TempDir,
}

const VIEWER: &str = "User1";

impl Harness {
    async fn new(leads: &[u64]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/vip.db", dir.path().display());
        let store = Arc::new(SqliteStore::connect(&url).await.unwrap());
        let channel = ChannelId::from("100");
        let settings = Settings {
            expiry_warnings_secs: WarningLeads::try_from(leads.to_vec()).unwrap(),
            ..Settings::default()
        };
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
        let twitch = Arc::new(InMemoryTwitch::new());
        twitch.add_channel(&channel, 10);
        let clock = Arc::new(TestClock(Mutex::new(
            Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
        )));
        let engine = Self::engine_on(&store, &twitch, &clock);
        Self {
            store,
            twitch,
            clock,
            engine,
            channel,
            _dir: dir,
        }
    }

    fn engine_on(
        store: &Arc<SqliteStore>,
        twitch: &Arc<InMemoryTwitch>,
        clock: &Arc<TestClock>,
    ) -> Engine {
        Engine::new(
            store.clone(),
            twitch.clone(),
            Arc::new(QuietBus),
            clock.clone(),
        )
    }

    /// Another engine on the same store and Twitch: another instance, or this one restarted.
    fn another_engine(&self) -> Engine {
        Self::engine_on(&self.store, &self.twitch, &self.clock)
    }

    fn viewer() -> Viewer {
        Viewer {
            id: "1".into(),
            login: "user1".into(),
            display_name: VIEWER.into(),
        }
    }

    async fn grant(&self, secs: u64) {
        let outcome = self
            .engine
            .grant_manual(
                &self.channel,
                Self::viewer(),
                VipDuration::from_secs(secs).unwrap(),
                Actor::System,
            )
            .await
            .unwrap();
        assert!(matches!(outcome, GrantOutcome::Granted(_)), "{outcome:?}");
    }

    async fn extend(&self, secs: u64) {
        let outcome = self
            .engine
            .extend(
                &self.channel,
                "1",
                VipDuration::from_secs(secs).unwrap(),
                Actor::System,
            )
            .await
            .unwrap();
        assert!(matches!(outcome, ExtendOutcome::Extended(_)), "{outcome:?}");
    }

    /// Warning chat messages so far.
    fn warnings_in_chat(&self) -> Vec<String> {
        self.twitch
            .chat_log(&self.channel)
            .into_iter()
            .filter(|m| m.starts_with(&format!("@{VIEWER} your VIP ends in")))
            .collect()
    }

    async fn warning_audit(&self) -> Vec<serde_json::Value> {
        let query = AuditQuery {
            action: Some(AuditAction::ExpiryWarning),
            viewer_id: None,
            before: None,
            limit: 50,
        };
        let page = self.store.audit_page(&self.channel, &query).await.unwrap();
        page.entries.into_iter().map(|e| e.metadata).collect()
    }

    async fn pass(&self, engine: &Engine) -> usize {
        engine.warn_due(self.clock.now()).await.unwrap().sent
    }
}

#[tokio::test]
async fn each_lead_time_warns_once_across_instances_and_a_restart() {
    let h = Harness::new(&[600, 3_600]).await;
    h.grant(2 * 3_600).await;
    let report = h.engine.warn_due(h.clock.now()).await.unwrap();
    assert_eq!(report.sent, 0);
    assert_eq!(
        report.next_at,
        Some(h.clock.now() + chrono::Duration::hours(1))
    );

    h.clock.advance(3_600);
    let other = h.another_engine();
    let (a, b) = tokio::join!(h.pass(&h.engine), h.pass(&other));
    assert_eq!(a + b, 1, "two instances warn once");
    assert_eq!(h.warnings_in_chat(), ["@User1 your VIP ends in 1 h."]);
    assert_eq!(h.pass(&h.engine).await, 0);

    h.clock.advance(3_000);
    assert_eq!(h.pass(&h.engine).await, 1);
    let restarted = h.another_engine();
    assert_eq!(h.pass(&restarted).await, 0, "a restart warns no one again");
    assert_eq!(h.warnings_in_chat().len(), 2);
    let audit = h.warning_audit().await;
    let mut leads: Vec<u64> = audit
        .iter()
        .map(|m| m["lead_secs"].as_u64().unwrap())
        .collect();
    leads.sort_unstable();
    assert_eq!(leads, [600, 3_600]);
}

#[tokio::test]
async fn an_extension_past_a_lead_time_warns_again_and_one_short_of_it_does_not() {
    let h = Harness::new(&[600]).await;
    h.grant(3_600).await;
    h.clock.advance(3_000);
    assert_eq!(h.pass(&h.engine).await, 1);

    // 10 min left, +5 min: 15 min left, past the lead time: not at once, but at the new moment.
    h.extend(300).await;
    assert_eq!(h.pass(&h.engine).await, 0);
    h.clock.advance(299);
    assert_eq!(h.pass(&h.engine).await, 0);
    h.clock.advance(1);
    assert_eq!(h.pass(&h.engine).await, 1);

    // 10 min left; 5 min later (5 min left), +2 min: 7 min left, short of the lead time.
    h.clock.advance(300);
    h.extend(120).await;
    for _ in 0..4 {
        assert_eq!(h.pass(&h.engine).await, 0);
        h.clock.advance(100);
    }
    assert_eq!(h.warnings_in_chat().len(), 2);
    assert_eq!(h.warning_audit().await.len(), 2);
}

#[tokio::test]
async fn a_vip_shorter_than_a_lead_time_is_not_warned_for_it() {
    let h = Harness::new(&[60, 3_600]).await;
    h.grant(1_800).await;
    let report = h.engine.warn_due(h.clock.now()).await.unwrap();
    assert_eq!(report.sent, 0);
    assert_eq!(
        report.next_at,
        Some(h.clock.now() + chrono::Duration::seconds(1_740))
    );
    h.clock.advance(1_740);
    assert_eq!(h.pass(&h.engine).await, 1);
    let audit = h.warning_audit().await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["lead_secs"], 60);
    assert_eq!(h.warnings_in_chat(), ["@User1 your VIP ends in 1 min."]);
}

#[tokio::test]
async fn a_changed_deadline_tells_the_scheduler_when_its_next_warning_falls_due() {
    let h = Harness::new(&[60, 3_600]).await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let hook = {
        let heard = heard.clone();
        Arc::new(move |next| heard.lock().unwrap().push(next))
    };
    let engine = h.another_engine().with_deadline_hook(hook);
    let start = h.clock.now();
    let grant = |secs: u64| {
        engine.grant_manual(
            &h.channel,
            Harness::viewer(),
            VipDuration::from_secs(secs).unwrap(),
            Actor::System,
        )
    };
    // 30 min: the hour's lead time has passed at once, the minute's is ahead.
    grant(1_800).await.unwrap();
    engine
        .extend(
            &h.channel,
            "1",
            VipDuration::from_secs(600).unwrap(),
            Actor::System,
        )
        .await
        .unwrap();
    let minute_before = |secs: i64| start + chrono::Duration::seconds(secs - 60);
    assert_eq!(
        *heard.lock().unwrap(),
        [
            NextWarning::At(minute_before(1_800)),
            NextWarning::At(minute_before(2_400)),
        ]
    );
    // Revoked and granted for 30 s: no lead time is ahead.
    engine.revoke(&h.channel, "1", Actor::System).await.unwrap();
    heard.lock().unwrap().clear();
    grant(30).await.unwrap();
    assert_eq!(*heard.lock().unwrap(), [NextWarning::Nothing]);
}
