use app::model::{ChannelId, LiveKind};
use chrono::{DateTime, TimeZone};
use tokio::sync::broadcast;

use super::super::hub::Frame;
use super::inbox::Inbox;
use super::*;
use crate::store::SqliteStore;

/// Long enough for a loaded machine; only waits that succeed early are this long.
const PATIENCE: Duration = Duration::from_secs(20);

fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 15, 9, 26).unwrap() + chrono::Duration::seconds(secs)
}

fn relayed(id: &str, instance: &str, secs: i64) -> RelayedEvent {
    RelayedEvent {
        id: id.to_owned(),
        instance_id: instance.to_owned(),
        channel_id: "1".into(),
        at: at(secs),
        event_json: "{}".into(),
    }
}

fn ids(events: &[RelayedEvent]) -> Vec<&str> {
    events.iter().map(|e| e.id.as_str()).collect()
}

#[test]
fn the_inbox_skips_this_instances_events_and_takes_each_other_once() {
    let mut inbox = Inbox::new("me".into(), Duration::from_secs(5));
    assert_eq!(inbox.since(at(10)), at(5));
    let first = inbox.take(vec![
        relayed("a", "other", 6),
        relayed("mine", "me", 7),
        relayed("b", "third", 8),
    ]);
    assert_eq!(ids(&first), ["a", "b"]);
    // The next poll reads an overlapping window: only what is new comes out.
    inbox.since(at(11));
    let second = inbox.take(vec![
        relayed("a", "other", 6),
        relayed("mine", "me", 7),
        relayed("b", "third", 8),
        relayed("c", "other", 8),
    ]);
    assert_eq!(ids(&second), ["c"]);
}

#[test]
fn the_inbox_forgets_ids_before_the_window_and_its_window_never_moves_back() {
    let mut inbox = Inbox::new("me".into(), Duration::from_secs(5));
    inbox.since(at(10));
    inbox.take(vec![relayed("a", "other", 5), relayed("b", "other", 9)]);
    assert_eq!(inbox.delivered.len(), 2);
    // `a` (at 5) is before the window starting at 6: a read from 6 cannot return it.
    assert_eq!(inbox.since(at(11)), at(6));
    assert_eq!(inbox.delivered.keys().collect::<Vec<_>>(), ["b"]);
    // The clock stepped back: the window stays where it was, `b` stays delivered.
    assert_eq!(inbox.since(at(2)), at(6));
    assert!(inbox.take(vec![relayed("b", "other", 9)]).is_empty());
    // Long idle: everything is forgotten.
    inbox.since(at(3600));
    assert!(inbox.delivered.is_empty());
}

#[tokio::test]
async fn publish_reaches_local_dashboards_at_once_and_drops_rather_than_block() {
    let hub = LiveHub::default();
    let mut dashboard = hub.subscribe(&"1".into());
    let (relay, mut queued) = LiveRelay::new(hub, "me", 1);
    for _ in 0..3 {
        relay.publish(LiveEvent::new("1".into(), LiveKind::Granted));
    }
    for _ in 0..3 {
        assert_eq!(dashboard.try_recv().unwrap().kind, "granted");
    }
    let record = queued.try_recv().expect("the first event is queued");
    assert_eq!(record.instance_id, "me");
    assert_eq!(record.channel_id, ChannelId::from("1"));
    let back: LiveEvent = serde_json::from_str(&record.event_json).unwrap();
    assert_eq!(back, LiveEvent::new("1".into(), LiveKind::Granted));
    assert!(
        queued.try_recv().is_err(),
        "the queue holds one; the rest were dropped"
    );
}

async fn next_kind(dashboard: &mut broadcast::Receiver<Frame>) -> &'static str {
    tokio::time::timeout(PATIENCE, dashboard.recv())
        .await
        .expect("an event in time")
        .expect("the hub is open")
        .kind
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cross_between_instances_once_each_and_never_echo() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/relay.db", dir.path().display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
    let (tasks, cancel) = (TaskTracker::new(), CancellationToken::new());
    let start = |name: &str, hub: &LiveHub| {
        let settings = RelaySettings {
            instance_id: name.to_owned(),
            poll_every: Duration::from_millis(20),
        };
        LiveRelay::start(hub.clone(), store.clone(), settings, &tasks, &cancel)
    };
    let (hub_a, hub_b) = (LiveHub::default(), LiveHub::default());
    let (relay_a, relay_b) = (start("a", &hub_a), start("b", &hub_b));
    let channel = ChannelId::from("1");
    let (mut on_a, mut on_b) = (hub_a.subscribe(&channel), hub_b.subscribe(&channel));

    relay_a.publish(LiveEvent::new(channel.clone(), LiveKind::Granted));
    assert_eq!(next_kind(&mut on_a).await, "granted");
    assert_eq!(next_kind(&mut on_b).await, "granted");
    relay_a.publish(LiveEvent::new(channel.clone(), LiveKind::Extended));
    assert_eq!(next_kind(&mut on_a).await, "extended");
    // No repeat of the grant arrives before the extension, however many polls read both.
    assert_eq!(next_kind(&mut on_b).await, "extended");
    relay_b.publish(LiveEvent::new(channel.clone(), LiveKind::Revoked));
    assert_eq!(next_kind(&mut on_b).await, "revoked");
    // A's own events never come back to it from the store.
    assert_eq!(next_kind(&mut on_a).await, "revoked");
    // Other channels' dashboards hear nothing.
    let mut elsewhere = hub_b.subscribe(&"2".into());
    relay_a.publish(LiveEvent::new(channel.clone(), LiveKind::Expired));
    assert_eq!(next_kind(&mut on_b).await, "expired");
    assert!(elsewhere.try_recv().is_err());

    cancel.cancel();
    tasks.close();
    tokio::time::timeout(PATIENCE, tasks.wait())
        .await
        .expect("the relay's tasks end when the token fires");
}

#[tokio::test]
async fn pushed_events_are_delivered_once_and_never_stale_or_echoed() {
    let hub = LiveHub::default();
    let mut dashboard = hub.subscribe(&"1".into());
    let (push, pushed) = tokio::sync::mpsc::channel(8);
    let feed = app::ssr::store::LiveEventFeed::new(pushed, Box::new(()));
    let granted = |id: &str, instance: &str, at: DateTime<Utc>| RelayedEvent {
        id: id.to_owned(),
        instance_id: instance.to_owned(),
        channel_id: "1".into(),
        at,
        event_json: serde_json::to_string(&LiveEvent::new("1".into(), LiveKind::Granted)).unwrap(),
    };
    let now = Utc::now();
    let stale = now - chrono::Duration::from_std(push::WINDOW).unwrap() * 2;
    for event in [
        granted("a", "other", now),
        granted("a", "other", now),
        granted("mine", "me", now),
        granted("old", "other", stale),
        granted("b", "other", now),
    ] {
        push.send(event).await.unwrap();
    }
    drop(push);
    let cancel = CancellationToken::new();
    let ended = push::listen(feed, &hub, "me".into(), &cancel).await;
    assert!(matches!(ended, push::Ended::PushGone), "the feed closed");
    // `a` and `b` once each; the repeat, the echo and the stale one never.
    assert_eq!(dashboard.try_recv().unwrap().kind, "granted");
    assert_eq!(dashboard.try_recv().unwrap().kind, "granted");
    assert!(dashboard.try_recv().is_err());
}

#[tokio::test]
async fn a_settings_change_from_another_instance_reaches_the_settings_follower() {
    let hub = LiveHub::default();
    let mut changes = hub.settings_changes();
    let (push, pushed) = tokio::sync::mpsc::channel(8);
    let feed = app::ssr::store::LiveEventFeed::new(pushed, Box::new(()));
    let changed = LiveEvent::new("7".into(), LiveKind::SettingsChanged);
    push.send(RelayedEvent {
        id: "s".to_owned(),
        instance_id: "other".to_owned(),
        channel_id: "7".into(),
        at: Utc::now(),
        event_json: serde_json::to_string(&changed).unwrap(),
    })
    .await
    .unwrap();
    drop(push);
    push::listen(feed, &hub, "me".into(), &CancellationToken::new()).await;
    // No dashboard of the channel is open here; its EventSub may be.
    assert_eq!(changes.try_recv().unwrap(), ChannelId::from("7"));
}
