//! Use-case tests of the VIP engine: a real `SqliteStore` in a temporary directory, the
//! `InMemoryTwitch` fake (real state, Twitch's rules), a clock the test moves, and a bus that
//! records live events. One test per behaviour of issue 5.

mod chat_commands;
use crate::support::fake_twitch;
mod grant_rules;
mod interrupted;
mod notices;
mod refusals;
mod resub_and_bits;

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
            duration: secs(HOUR),
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

// ---- the grant pipeline ------------------------------------------------------------------------

#[tokio::test]
async fn a_redemption_grants_vip_until_the_reward_duration_and_tells_everyone() {
    let h = Harness::new().await;
    let ann = viewer(1);
    let (outcome, id) = h.deliver_redemption(&ann).await;

    let session = session_of(&outcome).clone();
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::hours(1))
    );
    assert_eq!(session.source, VipSource::ChannelPoints);
    assert_eq!(session.redemption_id.as_deref(), Some(id.as_str()));
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Fulfilled);
    assert_eq!(h.active(&ann).await, Some(session));
    assert_eq!(h.chat(), vec!["User1 is now VIP for 1 h!".to_string()]);
    let grants = h.audit(AuditAction::Grant).await;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].target.as_ref(), Some(&ann));
    assert_eq!(grants[0].metadata["duration_secs"], 3_600);
    assert_eq!(h.live.kinds(), vec![LiveKind::Granted]);
}

#[tokio::test]
async fn the_same_redemption_delivered_twice_is_granted_once() {
    let h = Harness::new().await;
    let (event, id) = h.redeem(&viewer(1));
    // Same message twice, and via the other transport on a second instance, at once.
    let other = h.another_engine();
    tokio::join!(
        h.engine.deliver(event.clone()),
        other.deliver(event.clone()),
        h.engine.deliver(event)
    );

    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.audit(AuditAction::Grant).await.len(), 1);
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 0);
    assert_eq!(h.chat().len(), 1);
}

#[tokio::test]
async fn a_moderator_is_refunded() {
    let h = Harness::new().await;
    let moderator = viewer(2);
    h.twitch.make_moderator(&h.channel, &moderator);
    let (outcome, id) = h.deliver_redemption(&moderator).await;

    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::IsModerator));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert_eq!(
        h.outcome(&id).await,
        RedemptionOutcome::Refunded(RefundReason::IsModerator)
    );
    assert!(!h.twitch.is_vip(&h.channel, "2"));
    assert_eq!(
        h.chat(),
        vec![
            "Sorry User2, VIP could not be granted (moderators cannot be VIPs); your points were refunded."
                .to_string()
        ]
    );
    let refunds = h.audit(AuditAction::Refund).await;
    assert_eq!(refunds[0].metadata["reason"], "is_moderator");
    assert_eq!(h.live.kinds(), vec![LiveKind::Refunded]);
}

#[tokio::test]
async fn a_permanent_vip_is_refunded_and_never_made_temporary() {
    let h = Harness::new().await;
    let regular = viewer(3);
    h.twitch.add_vip_by_hand(&h.channel, &regular);
    let (outcome, id) = h.deliver_redemption(&regular).await;

    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::AlreadyVip));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    // Recorded as external: shown, without a deadline, so never expired nor removed.
    let external = h.active(&regular).await.unwrap();
    assert_eq!(external.source, VipSource::External);
    assert_eq!(external.expires_at, None);
    assert_eq!(h.audit(AuditAction::ExternalVipSeen).await.len(), 1);

    // A second redemption is refunded at once, and a manual grant refused, without asking Twitch.
    let (again, _) = h.deliver_redemption(&regular).await;
    assert_eq!(again, GrantOutcome::Refunded(RefundReason::AlreadyVip));
    let manual = h
        .engine
        .grant_manual(&h.channel, regular.clone(), secs(60), streamer())
        .await
        .unwrap();
    assert_eq!(manual, GrantOutcome::Refunded(RefundReason::AlreadyVip));
    assert_eq!(h.twitch.add_calls(), 1);

    h.clock.advance(365 * 86_400);
    assert_eq!(h.expire().await.removed, 0);
    assert!(h.twitch.is_vip(&h.channel, "3"));
    assert_eq!(h.twitch.remove_calls(), 0);
}

#[tokio::test]
async fn a_repeat_redemption_extends_the_time_left() {
    let h = Harness::new().await;
    let ann = viewer(1);
    let (first, _) = h.deliver_redemption(&ann).await;
    let deadline = session_of(&first).expires_at.unwrap();
    h.clock.advance(600);
    let (second, id) = h.deliver_redemption(&ann).await;

    assert!(matches!(second, GrantOutcome::Extended(_)));
    let extended = h.active(&ann).await.unwrap();
    assert_eq!(extended.id, session_of(&first).id);
    assert_eq!(
        extended.expires_at,
        Some(deadline + chrono::Duration::hours(1))
    );
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 1);
    assert_eq!(h.chat()[1], "User1's VIP was extended by 1 h.");
}

#[tokio::test]
async fn the_reset_rule_starts_over_everywhere() {
    let h = Harness::new().await;
    h.settings(|s| s.stacking = StackingRule::Reset).await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(1_800);
    let (second, _) = h.deliver_redemption(&ann).await;
    assert_eq!(
        session_of(&second).expires_at,
        Some(h.now() + chrono::Duration::hours(1))
    );
    // The manual grant follows the same rule.
    h.clock.advance(600);
    let manual = h
        .engine
        .grant_manual(&h.channel, ann.clone(), secs(120), streamer())
        .await
        .unwrap();
    assert_eq!(
        session_of(&manual).expires_at,
        Some(h.now() + chrono::Duration::seconds(120))
    );
}

#[tokio::test]
async fn full_slots_refund_by_default() {
    let h = Harness::new().await;
    h.twitch.set_slots(&h.channel, 0);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::SlotsFull));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert!(h.chat()[0].contains("all VIP slots are taken"));
}

#[tokio::test]
async fn missing_build_a_community_refunds_and_flags_the_channel() {
    let h = Harness::new().await;
    h.twitch.set_build_a_community(&h.channel, false);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;

    assert_eq!(
        outcome,
        GrantOutcome::Refunded(RefundReason::BuildACommunityRequired)
    );
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    let flagged = h.audit(AuditAction::TwitchError).await;
    assert_eq!(flagged[0].metadata["problem"], "build_a_community_required");
    assert_eq!(flagged[0].metadata["banner"], true);
    assert_eq!(
        h.live.kinds(),
        vec![LiveKind::TwitchError, LiveKind::Refunded]
    );
}

#[tokio::test]
async fn a_blocked_viewer_is_refunded() {
    let h = Harness::new().await;
    h.twitch.block(&h.channel, "4");
    let (outcome, id) = h.deliver_redemption(&viewer(4)).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::UserBlocked));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert_eq!(h.audit(AuditAction::Refund).await.len(), 1);
}

#[tokio::test]
async fn a_disabled_reward_is_refunded_and_foreign_rewards_are_ignored() {
    let h = Harness::new().await;
    let mut reward = h.reward.clone();
    reward.enabled = false;
    h.store.save_reward(&reward).await.unwrap();
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert_eq!(
        outcome,
        GrantOutcome::Refunded(RefundReason::RewardDisabled)
    );
    assert_eq!(h.twitch.status(&id), Status::Canceled);

    let foreign = h
        .engine
        .handle_redemption(app::ssr::engine::IncomingRedemption {
            channel: h.channel.clone(),
            redemption_id: "other".into(),
            reward_id: "made-in-the-dashboard".into(),
            viewer: viewer(1),
            redeemed_at: h.now(),
        })
        .await
        .unwrap();
    assert_eq!(foreign, GrantOutcome::Ignored(IgnoreReason::NotOurReward));
    assert!(h.store.redemption("other").await.unwrap().is_none());
}

#[tokio::test]
async fn a_401_flags_reauth_and_leaves_the_redemption_for_catch_up() {
    let h = Harness::new().await;
    h.twitch.set_authorized(&h.channel, false);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;

    assert_eq!(outcome, GrantOutcome::Pending(PendingReason::NeedsReauth));
    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Pending);
    assert!(h.needs_reauth().await);
    assert_eq!(h.audit(AuditAction::ReauthNeeded).await.len(), 1);
    assert!(h.live.kinds().contains(&LiveKind::ReauthNeeded));

    // The streamer logs in again; catch-up grants the waiting redemption.
    h.twitch.set_authorized(&h.channel, true);
    h.store.set_needs_reauth(&h.channel, false).await.unwrap();
    let report = h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(report.processed, 1);
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Fulfilled);
}

#[tokio::test]
async fn twitch_outages_are_retried_with_backoff() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::AddVip, TwitchError::Transient("502".into()), 2);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(h.twitch.add_calls(), 3);
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(
        *h.clock.slept.lock().unwrap(),
        vec![Duration::from_millis(200), Duration::from_millis(400)]
    );
}

#[tokio::test]
async fn a_rate_limit_waits_until_the_reset() {
    let h = Harness::new().await;
    let reset_at = h.now() + chrono::Duration::seconds(4);
    h.twitch
        .fail_next(Op::AddVip, TwitchError::RateLimited { reset_at }, 1);
    let (outcome, _) = h.deliver_redemption(&viewer(1)).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(*h.clock.slept.lock().unwrap(), vec![Duration::from_secs(4)]);
}

#[tokio::test]
async fn a_lasting_outage_leaves_the_redemption_unfulfilled_for_catch_up() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::AddVip, TwitchError::Transient("503".into()), 3);
    let id = h.deliver_left_pending(&viewer(1)).await;

    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Pending);
    assert_eq!(h.audit(AuditAction::TwitchError).await.len(), 1);
    assert!(!h.needs_reauth().await);

    let report = h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(report.processed, 1);
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
}

// ---- expiry -----------------------------------------------------------------------------------

#[tokio::test]
async fn expiry_removes_vip_at_the_deadline_and_tells_everyone() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(3_599);
    assert_eq!(h.expire().await.removed, 0);
    assert!(h.twitch.is_vip(&h.channel, "1"));

    h.clock.advance(1);
    let report = h.expire().await;
    assert_eq!(report.removed, 1);
    assert_eq!(report.next_deadline, None);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.active(&ann).await, None);
    let expired = h.audit(AuditAction::Expire).await;
    assert_eq!(expired[0].metadata["vip_removed"], true);
    assert_eq!(
        h.chat().last().unwrap(),
        "User1's VIP time is up. Thanks for the support!"
    );
    let last = h.live.0.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.kind, LiveKind::Expired);
    assert_eq!(last.session.unwrap().state, SessionState::Expired);
}

#[tokio::test]
async fn a_vip_removed_by_hand_is_closed_as_removed_externally_on_expiry() {
    let h = Harness::new().await;
    let ann = viewer(1);
    let (granted, _) = h.deliver_redemption(&ann).await;
    h.twitch.remove_vip_by_hand(&h.channel, "1");
    h.clock.advance(HOUR as i64);

    let report = h.expire().await;
    assert_eq!(report.removed, 0);
    assert_eq!(report.ended_without_removal, 1);
    let session = h
        .store
        .session(&session_of(&granted).id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.state, SessionState::RemovedExternally);
    assert_eq!(h.audit(AuditAction::RemovedExternally).await.len(), 1);
    // Not retried forever: the next pass has nothing to do.
    assert_eq!(h.expire().await, Default::default());
    assert_eq!(h.twitch.remove_calls(), 1);
}

#[tokio::test]
async fn with_auto_remove_off_the_session_expires_and_nobody_is_removed() {
    let h = Harness::new().await;
    h.settings(|s| s.auto_remove = false).await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(HOUR as i64);

    let report = h.expire().await;
    assert_eq!(report.removed, 0);
    assert_eq!(report.ended_without_removal, 1);
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.remove_calls(), 0);
    assert_eq!(h.active(&ann).await, None);
    let expired = h.audit(AuditAction::Expire).await;
    assert_eq!(expired[0].metadata["vip_removed"], false);
    assert_eq!(expired[0].metadata["auto_remove"], false);
    assert_eq!(h.live.kinds().last(), Some(&LiveKind::Expired));
}

#[tokio::test]
async fn a_session_that_cannot_be_ended_reports_the_next_deadline_still_ahead() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(10);
    let (bob_outcome, _) = h.deliver_redemption(&viewer(2)).await;
    let bob_deadline = session_of(&bob_outcome).expires_at.unwrap();
    h.clock.advance(HOUR as i64 - 10);
    h.twitch
        .fail_next(Op::RemoveVip, TwitchError::Transient("500".into()), 3);

    let report = h.expire().await;
    assert_eq!(report.deferred, 1);
    assert!(report.next_deadline.unwrap() <= h.now());
    assert_eq!(report.next_upcoming, Some(bob_deadline));
}

#[tokio::test]
async fn a_failed_removal_keeps_the_session_and_is_retried_on_the_next_pass() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(HOUR as i64);
    h.twitch
        .fail_next(Op::RemoveVip, TwitchError::Transient("500".into()), 3);

    let report = h.expire().await;
    assert_eq!(report.deferred, 1);
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert!(h.active(&ann).await.is_some());
    assert!(report.next_deadline.unwrap() <= h.now());

    let report = h.expire().await;
    assert_eq!(report.removed, 1);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
}

#[tokio::test]
async fn two_instances_expiring_at_once_remove_once() {
    let h = Harness::new().await;
    for n in 1..=5 {
        h.deliver_redemption(&viewer(n)).await;
    }
    h.clock.advance(HOUR as i64);
    let other = h.another_engine();
    let now = h.now();
    let (a, b) = tokio::join!(h.engine.expire_due(now), other.expire_due(now));
    assert_eq!(a.unwrap().removed + b.unwrap().removed, 5);
    assert_eq!(h.twitch.remove_calls(), 5);
    assert_eq!(h.audit(AuditAction::Expire).await.len(), 5);
    assert_eq!(h.twitch.vip_count(&h.channel), 0);
}

#[tokio::test]
async fn an_extension_never_lands_while_the_expiry_removes_the_vip() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(HOUR as i64);

    // The expiry removes the VIP on Twitch; before it records the end, the viewer redeems again.
    let gate = h.twitch.hold_removals();
    let engine = h.engine.clone();
    let now = h.now();
    let expiry = tokio::spawn(async move { engine.expire_due(now).await });
    while h.twitch.removals_waiting() == 0 {
        tokio::task::yield_now().await;
    }
    let other = h.another_engine();
    let (event, id) = h.redeem(&ann);
    let delivery = tokio::spawn(async move { other.deliver(event).await });
    gate.notify_waiters();
    h.twitch.release_removals();
    let report = expiry.await.unwrap().unwrap();
    delivery.await.unwrap();
    // The extension waited for the expiry (or gave up and was left for catch-up): a new grant.
    h.engine.catch_up(&h.channel).await.unwrap();

    assert_eq!(report.removed, 1, "the expiry stands");
    assert_eq!(h.audit(AuditAction::Expire).await.len(), 1);
    let session = h.active(&ann).await.expect("granted anew");
    assert_eq!(session.redemption_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        session.expires_at,
        Some(session.granted_at + chrono::Duration::hours(1))
    );
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.add_calls(), 2, "no add-back");
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
}

#[tokio::test]
async fn after_a_restart_every_overdue_session_is_handled_at_once() {
    let h = Harness::new().await;
    h.twitch.set_slots(&h.channel, 50);
    for n in 1..=12 {
        h.deliver_redemption(&viewer(n)).await;
        h.clock.advance(60);
    }
    // Down for a day; a new instance starts on the same store.
    h.clock.advance(86_400);
    let restarted = h.another_engine();
    let report = restarted.expire_due(h.now()).await.unwrap();
    assert_eq!(report.removed, 12);
    assert_eq!(report.next_deadline, None);
    assert_eq!(h.twitch.vip_count(&h.channel), 0);
    assert!(h
        .store
        .active_sessions(&h.channel)
        .await
        .unwrap()
        .is_empty());
}

// ---- manual grant, revoke, extend -------------------------------------------------------------

#[tokio::test]
async fn a_moderator_grants_by_hand_with_a_duration() {
    let h = Harness::new().await;
    let moderator = Actor::Moderator {
        id: "7".into(),
        login: "mod".into(),
    };
    let outcome = h
        .engine
        .grant_manual(&h.channel, viewer(1), secs(900), moderator.clone())
        .await
        .unwrap();
    let session = session_of(&outcome);
    assert_eq!(session.source, VipSource::Manual);
    assert_eq!(session.granted_by, moderator);
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::minutes(15))
    );
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.audit(AuditAction::Grant).await[0].actor, moderator);

    h.twitch.set_slots(&h.channel, 1);
    let refused = h
        .engine
        .grant_manual(&h.channel, viewer(2), secs(900), moderator)
        .await
        .unwrap();
    assert_eq!(refused, GrantOutcome::Refunded(RefundReason::SlotsFull));
}

#[tokio::test]
async fn revoke_removes_now_and_extend_adds_time() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;

    let extended = h
        .engine
        .extend(&h.channel, "1", secs(1_800), streamer())
        .await
        .unwrap();
    let ExtendOutcome::Extended(session) = extended else {
        panic!("{extended:?}")
    };
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::minutes(90))
    );
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 1);

    let revoked = h.engine.revoke(&h.channel, "1", streamer()).await.unwrap();
    let RevokeOutcome::Revoked(session) = revoked else {
        panic!("{revoked:?}")
    };
    assert_eq!(session.state, SessionState::Revoked);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.audit(AuditAction::Revoke).await[0].actor, streamer());
    assert_eq!(h.live.kinds().last(), Some(&LiveKind::Revoked));

    assert_eq!(
        h.engine.revoke(&h.channel, "1", streamer()).await.unwrap(),
        RevokeOutcome::NotActive
    );
    assert_eq!(
        h.engine
            .extend(&h.channel, "1", secs(60), streamer())
            .await
            .unwrap(),
        ExtendOutcome::NotActive
    );
}

#[tokio::test]
async fn revoke_and_extend_never_touch_external_vips() {
    let h = Harness::new().await;
    let regular = viewer(3);
    h.twitch.add_vip_by_hand(&h.channel, &regular);
    h.engine
        .deliver(TwitchEvent::VipAdded {
            channel: h.channel.clone(),
            viewer: regular.clone(),
        })
        .await;
    assert_eq!(
        h.engine.revoke(&h.channel, "3", streamer()).await.unwrap(),
        RevokeOutcome::NotManaged
    );
    assert_eq!(
        h.engine
            .extend(&h.channel, "3", secs(60), streamer())
            .await
            .unwrap(),
        ExtendOutcome::NotManaged
    );
    assert!(h.twitch.is_vip(&h.channel, "3"));
}

#[tokio::test]
async fn a_failed_revoke_leaves_the_session_active() {
    let h = Harness::new().await;
    h.deliver_redemption(&viewer(1)).await;
    h.twitch
        .fail_next(Op::RemoveVip, TwitchError::Transient("500".into()), 3);
    let result = h.engine.revoke(&h.channel, "1", streamer()).await;
    assert!(matches!(
        result,
        Err(app::ssr::engine::EngineError::Twitch(
            TwitchError::Transient(_)
        ))
    ));
    assert!(h.active(&viewer(1)).await.is_some());
}

// ---- reconciliation ---------------------------------------------------------------------------

#[tokio::test]
async fn manual_vip_changes_on_twitch_are_reconciled() {
    let h = Harness::new().await;
    // A VIP added by hand: recorded as external.
    let regular = viewer(3);
    h.twitch.add_vip_by_hand(&h.channel, &regular);
    h.engine
        .deliver(TwitchEvent::VipAdded {
            channel: h.channel.clone(),
            viewer: regular.clone(),
        })
        .await;
    assert_eq!(
        h.active(&regular).await.unwrap().source,
        VipSource::External
    );
    assert_eq!(h.live.kinds(), vec![LiveKind::ExternalVip]);

    // The app's own grant causes a channel.vip.add too: not external.
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.engine
        .deliver(TwitchEvent::VipAdded {
            channel: h.channel.clone(),
            viewer: ann.clone(),
        })
        .await;
    assert_eq!(
        h.active(&ann).await.unwrap().source,
        VipSource::ChannelPoints
    );

    // Removed by hand: the session closes, nothing is retried.
    h.twitch.remove_vip_by_hand(&h.channel, "1");
    h.engine
        .deliver(TwitchEvent::VipRemoved {
            channel: h.channel.clone(),
            viewer: ann.clone(),
        })
        .await;
    assert_eq!(h.active(&ann).await, None);
    assert_eq!(h.audit(AuditAction::RemovedExternally).await.len(), 1);
    h.clock.advance(2 * HOUR as i64);
    assert_eq!(h.expire().await, Default::default());
    assert_eq!(h.twitch.remove_calls(), 0);
}

#[tokio::test]
async fn a_late_removal_event_does_not_close_a_vip_twitch_still_lists() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.engine
        .deliver(TwitchEvent::VipRemoved {
            channel: h.channel.clone(),
            viewer: ann.clone(),
        })
        .await;
    assert!(h.active(&ann).await.is_some());
}

#[tokio::test]
async fn a_viewer_made_moderator_loses_the_vip_session() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.twitch.make_moderator(&h.channel, &ann);
    h.engine
        .deliver(TwitchEvent::ModeratorAdded {
            channel: h.channel.clone(),
            viewer: ann.clone(),
        })
        .await;
    assert_eq!(h.active(&ann).await, None);
    let closed = h.audit(AuditAction::RemovedExternally).await;
    assert_eq!(closed[0].metadata["seen_via"], "channel.moderator.add");
}

#[tokio::test]
async fn a_removed_moderator_is_recorded_and_nobody_loses_vip() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    let moderator = viewer(2);
    h.engine
        .deliver(TwitchEvent::ModeratorRemoved {
            channel: h.channel.clone(),
            viewer: moderator.clone(),
        })
        .await;
    let removed = h.audit(AuditAction::ModeratorRemoved).await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].target.as_ref(), Some(&moderator));
    assert!(h.active(&ann).await.is_some());
    assert_eq!(h.twitch.remove_calls(), 0);
}

#[tokio::test]
async fn a_revoked_authorisation_flags_the_channel() {
    let h = Harness::new().await;
    h.engine
        .deliver(TwitchEvent::AuthorizationRevoked {
            user_id: h.channel.0.clone(),
        })
        .await;
    assert!(h.needs_reauth().await);
    assert_eq!(h.live.kinds(), vec![LiveKind::ReauthNeeded]);
}

#[tokio::test]
async fn sync_adopts_unknown_vips_and_closes_vanished_ones() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    // While nobody listened: Ann's VIP removed by hand, Bob made VIP by hand.
    h.twitch.remove_vip_by_hand(&h.channel, "1");
    h.twitch.add_vip_by_hand(&h.channel, &viewer(2));

    let report = h.engine.sync_vips(&h.channel).await.unwrap();
    assert_eq!(report.closed, 1);
    assert_eq!(report.external_added, 1);
    assert_eq!(h.active(&ann).await, None);
    assert_eq!(
        h.active(&viewer(2)).await.unwrap().source,
        VipSource::External
    );
    // Idempotent.
    assert_eq!(
        h.engine.sync_vips(&h.channel).await.unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn catch_up_processes_redemptions_made_while_down() {
    let h = Harness::new().await;
    // Three redemptions while no EventSub connection listened; one viewer twice.
    let (_, a) = h.redeem(&viewer(1));
    let (_, b) = h.redeem(&viewer(2));
    let (_, c) = h.redeem(&viewer(1));
    let report = h.engine.catch_up(&h.channel).await.unwrap();

    assert_eq!(report.processed, 3);
    for id in [&a, &b, &c] {
        assert_eq!(h.twitch.status(id), Status::Fulfilled);
    }
    assert_eq!(
        h.active(&viewer(1)).await.unwrap().expires_at,
        Some(h.now() + chrono::Duration::hours(2))
    );
    // A second catch-up (another instance) finds nothing to do.
    let again = h.another_engine().catch_up(&h.channel).await.unwrap();
    assert_eq!(again, Default::default());
    assert_eq!(h.twitch.add_calls(), 2);
}

#[tokio::test]
async fn catch_up_settles_a_decision_that_never_reached_twitch() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::SetStatus, TwitchError::Transient("500".into()), 3);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);

    let report = h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(report.settled, 1);
    assert_eq!(report.processed, 0);
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.twitch.add_calls(), 1);
}

// ---- waitlist ---------------------------------------------------------------------------------

#[tokio::test]
async fn with_the_waitlist_a_full_channel_queues_and_grants_when_a_slot_frees() {
    let h = Harness::new().await;
    h.settings(|s| s.slots_full = SlotsFullPolicy::Waitlist)
        .await;
    h.twitch.set_slots(&h.channel, 1);
    let (first, _) = h.deliver_redemption(&viewer(1)).await;
    assert!(matches!(first, GrantOutcome::Granted(_)));
    h.clock.advance(60);
    let (second, bob) = h.deliver_redemption(&viewer(2)).await;
    h.clock.advance(60);
    let (third, cat) = h.deliver_redemption(&viewer(3)).await;
    assert_eq!(second, GrantOutcome::Waitlisted);
    assert_eq!(third, GrantOutcome::Waitlisted);
    assert_eq!(h.twitch.status(&bob), Status::Unfulfilled);
    assert_eq!(h.outcome(&bob).await, RedemptionOutcome::Waitlisted);
    assert!(h.chat()[1].contains("waitlist"));
    assert_eq!(h.audit(AuditAction::Waitlisted).await.len(), 2);

    // Ann's hour is up: the slot goes to Bob, first in line; Cat keeps waiting.
    h.clock.advance(HOUR as i64 - 120);
    let report = h.expire().await;
    assert_eq!(report.removed, 1);
    assert!(h.twitch.is_vip(&h.channel, "2"));
    assert!(!h.twitch.is_vip(&h.channel, "3"));
    assert_eq!(h.twitch.status(&bob), Status::Fulfilled);
    assert_eq!(
        h.active(&viewer(2)).await.unwrap().expires_at,
        Some(h.now() + chrono::Duration::hours(1))
    );
    assert_eq!(h.twitch.status(&cat), Status::Unfulfilled);
    let waiting = h.store.waitlist(&h.channel).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].redemption_id, cat);
}

#[tokio::test]
async fn a_waitlisted_redemption_is_refunded_after_the_maximum_wait() {
    let h = Harness::new().await;
    h.settings(|s| {
        s.slots_full = SlotsFullPolicy::Waitlist;
        s.waitlist_max_wait = secs(600);
    })
    .await;
    h.twitch.set_slots(&h.channel, 0);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert_eq!(outcome, GrantOutcome::Waitlisted);

    h.clock.advance(599);
    h.engine.process_waitlists().await.unwrap();
    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);

    h.clock.advance(1);
    h.engine.process_waitlists().await.unwrap();
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert_eq!(
        h.outcome(&id).await,
        RedemptionOutcome::Refunded(RefundReason::WaitlistTimedOut)
    );
    assert!(h.store.waitlist(&h.channel).await.unwrap().is_empty());
    assert!(h
        .chat()
        .last()
        .unwrap()
        .contains("no VIP slot freed up in time"));
}

#[tokio::test]
async fn a_revoke_frees_a_slot_for_the_waitlist() {
    let h = Harness::new().await;
    h.settings(|s| s.slots_full = SlotsFullPolicy::Waitlist)
        .await;
    h.twitch.set_slots(&h.channel, 1);
    h.deliver_redemption(&viewer(1)).await;
    let (_, bob) = h.deliver_redemption(&viewer(2)).await;
    h.engine.revoke(&h.channel, "1", streamer()).await.unwrap();
    assert!(h.twitch.is_vip(&h.channel, "2"));
    assert_eq!(h.twitch.status(&bob), Status::Fulfilled);
}

// ---- the scheduler and the cron endpoint (real time) ------------------------------------------

/// An engine on the harness's store and Twitch with the real clock, woken by `scheduler`.
fn real_time_engine(h: &Harness, scheduler: &ExpiryScheduler) -> Arc<Engine> {
    Arc::new(
        Engine::new(
            h.store.clone(),
            h.twitch.clone(),
            h.live.clone(),
            Arc::new(TokioClock),
        )
        .with_deadline_hook(scheduler.hook()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_removes_vip_within_a_second_of_the_deadline() {
    let h = Harness::new().await;
    let scheduler = ExpiryScheduler::new();
    let engine = real_time_engine(&h, &scheduler);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(scheduler.clone().run(engine.clone(), cancel.clone()));
    // Let the first pass run and the scheduler go to sleep (nothing is due: it sleeps long).
    tokio::time::sleep(Duration::from_millis(100)).await;

    let outcome = engine
        .grant_manual(&h.channel, viewer(1), secs(2), streamer())
        .await
        .unwrap();
    let deadline = session_of(&outcome).expires_at.unwrap();
    loop {
        let vip = h.twitch.is_vip(&h.channel, "1");
        let now = Utc::now();
        if !vip {
            assert!(now >= deadline, "removed before the deadline");
            assert!(
                now - deadline < chrono::Duration::seconds(1),
                "removed {} ms after the deadline",
                (now - deadline).num_milliseconds()
            );
            break;
        }
        assert!(
            now - deadline < chrono::Duration::seconds(1),
            "not removed in time"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(1), task)
        .await
        .expect("the scheduler stops when cancelled")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_waiting_on_twitch_does_not_hold_back_another_channels_removals() {
    let h = Harness::new().await;
    let other = h.another_channel("200").await;
    for (channel, who, secs_) in [(&h.channel, 1, 60), (&other, 2, 120)] {
        h.engine
            .grant_manual(channel, viewer(who), secs(secs_), streamer())
            .await
            .unwrap();
    }
    // The first deadline's removal never gets an answer from Twitch.
    let _gate = h.twitch.hold_removals_in(&h.channel);
    h.clock.advance(300);
    let (engine, now) = (h.engine.clone(), h.now());
    let pass = tokio::spawn(async move { engine.expire_due(now).await });

    let started = std::time::Instant::now();
    while h.twitch.is_vip(&other, "2") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the other channel's VIP waited for the first channel's removal"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        h.twitch.removals_waiting(),
        1,
        "the first removal is still waiting"
    );
    h.twitch.release_removals();
    let report = pass.await.unwrap().unwrap();
    assert_eq!(report.removed, 2);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waitlist_sweep_stuck_on_twitch_does_not_hold_up_a_removal() {
    let h = Harness::new().await;
    h.settings(|s| s.slots_full = SlotsFullPolicy::Waitlist)
        .await;
    h.twitch.set_slots(&h.channel, 1);
    let scheduler = ExpiryScheduler::new();
    let engine = real_time_engine(&h, &scheduler);
    let outcome = engine
        .grant_manual(&h.channel, viewer(1), secs(3), streamer())
        .await
        .unwrap();
    let deadline = session_of(&outcome).expires_at.unwrap();
    let (queued, _) = h.deliver_redemption_to(&engine, &viewer(2)).await;
    assert_eq!(queued, GrantOutcome::Waitlisted);
    // A slot frees up outside the app: the waitlist sweep adds viewer 2, and Twitch never answers.
    h.twitch.set_slots(&h.channel, 2);
    let _gate = h.twitch.hold_adds();

    let cancel = CancellationToken::new();
    let tasks = [
        tokio::spawn(scheduler.run(engine.clone(), cancel.clone())),
        tokio::spawn(drain_waitlists(engine, cancel.clone())),
    ];
    while h.twitch.adds_waiting() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    while h.twitch.is_vip(&h.channel, "1") {
        assert!(
            Utc::now() - deadline < chrono::Duration::seconds(1),
            "viewer 1 not removed within a second of the deadline"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(Utc::now() >= deadline, "removed before the deadline");
    cancel.cancel();
    tasks[0].abort();
    tasks[1].abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_handles_overdue_sessions_at_start() {
    let h = Harness::new().await;
    for n in 1..=3 {
        h.deliver_redemption(&viewer(n)).await;
    }
    // Down for five hours: every deadline is in the (real) past when the new instance starts.
    for n in 1..=3 {
        let s = h.active(&viewer(n)).await.unwrap();
        h.store
            .extend_session(
                &s.id,
                app::ssr::ActiveWith {
                    expires_at: s.expires_at,
                },
                Utc::now() - chrono::Duration::hours(5),
            )
            .await
            .unwrap();
    }
    let scheduler = ExpiryScheduler::new();
    let engine = real_time_engine(&h, &scheduler);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(scheduler.run(engine, cancel.clone()));
    let started = std::time::Instant::now();
    while h.twitch.vip_count(&h.channel) > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "overdue VIPs not removed at once"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cancel.cancel();
    task.await.unwrap();
    assert_eq!(h.audit(AuditAction::Expire).await.len(), 3);
}

async fn call_cron(
    endpoint: &CronEndpoint,
    authorization: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut headers = axum::http::HeaderMap::new();
    if let Some(value) = authorization {
        headers.insert(axum::http::header::AUTHORIZATION, value.parse().unwrap());
    }
    let response = cron_remove_expired(axum::extract::State(endpoint.clone()), headers).await;
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn the_cron_endpoint_needs_the_secret_and_reports_removals() {
    let h = Harness::new().await;
    let scheduler = ExpiryScheduler::new();
    let engine = real_time_engine(&h, &scheduler);
    for n in 1..=2 {
        let s = session_of(
            &engine
                .grant_manual(&h.channel, viewer(n), secs(60), streamer())
                .await
                .unwrap(),
        )
        .clone();
        h.store
            .extend_session(
                &s.id,
                app::ssr::ActiveWith {
                    expires_at: s.expires_at,
                },
                Utc::now() - chrono::Duration::seconds(1),
            )
            .await
            .unwrap();
    }
    let endpoint = CronEndpoint::new(
        engine.clone(),
        Some(SecretString::from("s3cret".to_string())),
    );

    assert_eq!(call_cron(&endpoint, None).await.0, 401);
    assert_eq!(call_cron(&endpoint, Some("Bearer wrong")).await.0, 401);
    assert_eq!(call_cron(&endpoint, Some("Bearer s3cret2")).await.0, 401);
    assert_eq!(call_cron(&endpoint, Some("s3cret")).await.0, 401);
    assert_eq!(h.twitch.vip_count(&h.channel), 2);

    let (status, body) = call_cron(&endpoint, Some("Bearer s3cret")).await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({ "removed": 2 }));
    assert_eq!(h.twitch.vip_count(&h.channel), 0);
    let (_, body) = call_cron(&endpoint, Some("Bearer s3cret")).await;
    assert_eq!(body, serde_json::json!({ "removed": 0 }));

    // No secret configured: never "Bearer undefined", always 401.
    let unset = CronEndpoint::new(engine.clone(), None);
    assert_eq!(call_cron(&unset, Some("Bearer ")).await.0, 401);
    let empty = CronEndpoint::new(engine, Some(SecretString::from(String::new())));
    assert_eq!(call_cron(&empty, Some("Bearer ")).await.0, 401);
}
