//! Live events relayed between instances: stored once per id, read back from a time oldest
//! first and with every field intact, and purged once older than the retention.

use app::ssr::store::{RelayedEvent, LIVE_EVENT_RETENTION};
use app::ssr::StoreError;

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
