//! `stream.online`: subscribed on both transports, delivered to the supervisor's queue (and to the
//! sink as the VIP side of it: VIPs until the stream ends are kept), and the use case behind it: catch-up at once, one chat message and one audit entry per
//! stream.

use std::sync::Arc;

use app::model::{
    AuditAction, AuditQuery, Channel, LiveEvent, Reward, Settings, Viewer, VipDuration,
};
use app::ssr::engine::Engine;
use app::ssr::live::LiveBus;
use app::ssr::store::prelude::*;
use server::eventsub::parse::stream::{StreamOnline, STREAM_ONLINE};
use server::expiry::TokioClock;
use server::reconcile::{stream_online, ONLINE_MESSAGE};
use server::store::SqliteStore;

use super::fake_twitch::{InMemoryTwitch, Status};
use super::harness::guard;
use super::webhook::webhook_supervisor;
use super::*;

/// Waits for the next `stream.online` event of the supervisor's queue.
async fn next_online(rx: &mut tokio::sync::mpsc::Receiver<StreamOnline>) -> StreamOnline {
    guard("stream.online queued", rx.recv())
        .await
        .expect("queue open")
}

#[tokio::test]
async fn stream_online_is_subscribed_and_queued_over_the_websocket() {
    let h = Harness::start(sim_config()).await;
    let supervisor = h.supervisor(h.settings(Duration::from_secs(2)));
    let mut rx = supervisor.take_stream_online().expect("first taker");
    assert!(supervisor.take_stream_online().is_none());
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;
    assert!(h
        .enabled_subscriptions()
        .iter()
        .any(|s| s["type"] == STREAM_ONLINE));

    h.sim.stream_online(&h.streamer.id).unwrap();
    let online = next_online(&mut rx).await;
    assert_eq!(online.channel, h.channel());
    assert_eq!(online.kind, "live");
    assert!(!online.stream_id.is_empty());
    // The sink sees it only as the VIP side of a stream start, once.
    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    let events = h.sink.events();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        events[0],
        TwitchEvent::StreamOnline {
            channel: h.channel()
        }
    );
    h.stop().await;
}

#[tokio::test]
async fn stream_online_is_subscribed_and_queued_over_webhooks() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let (supervisor, _) = webhook_supervisor(&h, Duration::from_millis(200)).await;
    let mut rx = supervisor.take_stream_online().unwrap();
    supervisor.watch(h.channel());
    connected(&h, &supervisor).await;
    let online_sub = h
        .enabled_subscriptions()
        .into_iter()
        .find(|s| s["type"] == STREAM_ONLINE)
        .expect("stream.online subscribed");
    assert_eq!(online_sub["transport"]["method"], "webhook");

    h.sim.stream_online(&h.streamer.id).unwrap();
    let online = next_online(&mut rx).await;
    assert_eq!(online.channel, h.channel());
    h.inbox_settled().await;
    assert_eq!(
        h.sink.events(),
        vec![TwitchEvent::StreamOnline {
            channel: h.channel()
        }]
    );
    h.stop().await;
}

struct QuietBus;

impl LiveBus for QuietBus {
    fn publish(&self, _: LiveEvent) {}
}

fn went_live(channel: &ChannelId, stream: &str) -> StreamOnline {
    StreamOnline {
        channel: channel.clone(),
        stream_id: stream.into(),
        kind: "live".into(),
        started_at: chrono::Utc::now(),
    }
}

#[tokio::test]
async fn going_live_catches_up_and_greets_each_stream_once() {
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
            settings: Settings::default(),
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
        duration: VipDuration::from_secs(3_600).unwrap().into(),
        enabled: true,
        global_cooldown_secs: None,
        max_per_stream: None,
        max_per_user_per_stream: None,
    };
    store.save_reward(&reward).await.unwrap();
    let twitch = Arc::new(InMemoryTwitch::new());
    twitch.add_channel(&channel, 10);
    let engine = Engine::new(
        store.clone(),
        twitch.clone(),
        Arc::new(QuietBus),
        Arc::new(TokioClock),
    );
    // Redeemed while nobody listened.
    let viewer = Viewer {
        id: "7".into(),
        login: "viewer".into(),
        display_name: "Viewer".into(),
    };
    let missed = twitch.redeem(&channel, &reward.id, &viewer);
    let greetings = || {
        twitch
            .chat_log(&channel)
            .iter()
            .filter(|m| *m == ONLINE_MESSAGE)
            .count()
    };
    let audit = || async {
        let query = AuditQuery {
            action: Some(AuditAction::StreamOnline),
            viewer_id: None,
            before: None,
            limit: 50,
        };
        store.audit_page(&channel, &query).await.unwrap().entries
    };

    assert!(stream_online(&engine, &went_live(&channel, "s-1")).await);
    assert_eq!(twitch.status(&missed), Status::Fulfilled, "caught up");
    assert!(twitch.is_vip(&channel, &viewer.id));
    assert_eq!(greetings(), 1);
    let entries = audit().await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].metadata["stream_id"], "s-1");
    assert_eq!(entries[0].metadata["chat"], "sent");
    assert!(entries[0].metadata["detail"]
        .as_str()
        .unwrap()
        .starts_with("1 missed redemptions processed"));

    // The same stream again (another delivery, another instance): caught up, not greeted again.
    assert!(!stream_online(&engine, &went_live(&channel, "s-1")).await);
    assert_eq!(greetings(), 1);
    assert_eq!(audit().await.len(), 1);

    // A new stream of a channel that turned chat messages off: recorded, not said.
    let quiet = Settings {
        chat_enabled: false,
        ..Settings::default()
    };
    store.update_settings(&channel, &quiet).await.unwrap();
    assert!(stream_online(&engine, &went_live(&channel, "s-2")).await);
    assert_eq!(greetings(), 1);
    let entries = audit().await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].metadata["stream_id"], "s-2");
    assert_eq!(entries[0].metadata["chat"], "off");
}
