//! Live events relayed between instances: stored once per id, read back from a time oldest
//! first and with every field intact, pushed as they are stored where the backend can push
//! (Firestore), and purged once older than the retention.

use std::time::Duration;

use app::ssr::store::{LiveEventFeed, RelayedEvent, LIVE_EVENT_RETENTION};
use app::ssr::StoreError;
use server::store::LoginSessions;

use super::{at, channel_id};
use crate::store_contract::Backend;

fn event(id: &str, instance: &str, channel: &str, secs: i64) -> RelayedEvent {
    RelayedEvent {
        id: id.to_owned(),
        instance_id: instance.to_owned(),
        channel_id: channel_id(channel),
        at: at(secs),
        event_json: format!(r#"{{"channel_id":"{channel}","kind":"granted","note":"é ✓ {id}"}}"#),
    }
}

fn ids(events: &[RelayedEvent]) -> Vec<&str> {
    events.iter().map(|e| e.id.as_str()).collect()
}

pub async fn live_events_are_read_from_a_time_oldest_first(b: Backend) {
    let (first, second, third) = (
        event("e1", "instance-a", "100", 0),
        event("e2", "instance-b", "200", 1),
        event("e3", "instance-a", "100", 2),
    );
    for e in [&third, &first, &second] {
        b.store.append_live_event(e).await.unwrap();
    }
    let all = b.store.live_events_since(at(-60), 10).await.unwrap();
    assert_eq!(all, vec![first.clone(), second.clone(), third.clone()]);
    // `since` is inclusive, to the microsecond.
    assert_eq!(
        b.store.live_events_since(at(1), 10).await.unwrap(),
        vec![second.clone(), third.clone()]
    );
    assert!(b
        .store
        .live_events_since(at(3), 10)
        .await
        .unwrap()
        .is_empty());
    // `limit` keeps the oldest.
    let page = b.store.live_events_since(at(-60), 2).await.unwrap();
    assert_eq!(ids(&page), ["e1", "e2"]);
    assert!(b
        .store
        .live_events_since(at(-60), 0)
        .await
        .unwrap()
        .is_empty());
}

/// Reads pushed events until `wanted` comes (each pushed one may come again); returns the ids
/// that came before it. The timeout guards a failing test against waiting forever.
async fn pushed_until(feed: &mut LiveEventFeed, wanted: &RelayedEvent) -> Vec<String> {
    let mut before = Vec::new();
    let read = async {
        loop {
            let event = feed.next().await.expect("the push goes on");
            if event.id == wanted.id {
                assert_eq!(&event, wanted, "pushed whole");
                return;
            }
            before.push(event.id);
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .unwrap_or_else(|_| panic!("{} never pushed; came: {before:?}", wanted.id));
    before
}

pub async fn live_events_are_pushed_as_they_are_stored_where_the_backend_can(b: Backend) {
    let pushes = matches!(b.sessions, LoginSessions::Firestore(_));
    let stored = event("stored", "instance-a", "100", 1);
    b.store.append_live_event(&stored).await.unwrap();
    let Some(mut feed) = b.store.watch_live_events(at(0)).await.unwrap() else {
        assert!(!pushes, "Firestore pushes");
        return;
    };
    assert!(pushes, "only Firestore pushes");
    // What was stored already comes first.
    assert_eq!(pushed_until(&mut feed, &stored).await, Vec::<String>::new());
    // An event published before `since` is never pushed; the next new one is, and the purge's
    // deletions are no events.
    let (early, new) = (
        event("early", "instance-b", "200", -1),
        event("new", "instance-b", "200", 2),
    );
    b.store.append_live_event(&early).await.unwrap();
    b.store.append_live_event(&new).await.unwrap();
    let retention = chrono::Duration::from_std(LIVE_EVENT_RETENTION).unwrap();
    b.store.purge_expired(at(1) + retention).await.unwrap();
    let last = event("last", "instance-a", "100", 3);
    b.store.append_live_event(&last).await.unwrap();
    let mut came = pushed_until(&mut feed, &new).await;
    came.extend(pushed_until(&mut feed, &last).await);
    assert!(
        came.iter().all(|id| id == "stored" || id == "new"),
        "only repeats came in between: {came:?}"
    );
}

pub async fn live_event_ids_are_unique(b: Backend) {
    let e = event("dup", "instance-a", "100", 0);
    b.store.append_live_event(&e).await.unwrap();
    let mut again = event("dup", "instance-b", "200", 5);
    again.event_json = "{}".into();
    let err = b.store.append_live_event(&again).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(
        b.store.live_events_since(at(-60), 10).await.unwrap(),
        vec![e]
    );
}

pub async fn purge_expired_removes_old_live_events(b: Backend) {
    let retention = chrono::Duration::from_std(LIVE_EVENT_RETENTION).unwrap();
    b.store
        .append_live_event(&event("old", "instance-a", "100", 0))
        .await
        .unwrap();
    b.store
        .append_live_event(&event("new", "instance-a", "100", 300))
        .await
        .unwrap();
    assert_eq!(b.store.purge_expired(at(0)).await.unwrap(), 0);
    assert_eq!(b.store.purge_expired(at(1) + retention).await.unwrap(), 1);
    let left = b.store.live_events_since(at(-60), 10).await.unwrap();
    assert_eq!(ids(&left), ["new"]);
    assert_eq!(b.store.purge_expired(at(301) + retention).await.unwrap(), 1);
    assert!(b
        .store
        .live_events_since(at(-60), 10)
        .await
        .unwrap()
        .is_empty());
}
