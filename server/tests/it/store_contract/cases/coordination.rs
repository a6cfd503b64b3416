//! Webhook message dedupe and leases: time-limited, one winner among racers.

use std::time::Duration;

use super::{at, race, winners};
use crate::store_contract::Backend;

const MINUTE: Duration = Duration::from_secs(60);

pub async fn remember_message_dedupes_until_ttl(b: Backend) {
    assert!(b.store.remember_message("m1", at(0), MINUTE).await.unwrap());
    assert!(!b.store.remember_message("m1", at(0), MINUTE).await.unwrap());
    assert!(!b
        .store
        .remember_message("m1", at(59), MINUTE)
        .await
        .unwrap());
    assert!(b
        .store
        .remember_message("m2", at(30), MINUTE)
        .await
        .unwrap());

    // Forgotten once the ttl has passed, then remembered again for a new ttl.
    assert!(b
        .store
        .remember_message("m1", at(61), MINUTE)
        .await
        .unwrap());
    assert!(!b
        .store
        .remember_message("m1", at(100), MINUTE)
        .await
        .unwrap());
    assert!(!b
        .store
        .remember_message("m2", at(61), MINUTE)
        .await
        .unwrap());
}

pub async fn racing_remember_message_has_one_winner(b: Backend) {
    let results = race(8, |_| {
        let store = b.store.clone();
        async move { store.remember_message("hot", at(0), MINUTE).await }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");

    // Once expired, racers again produce exactly one winner.
    let results = race(8, |_| {
        let store = b.store.clone();
        async move { store.remember_message("hot", at(120), MINUTE).await }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");
}

pub async fn purge_expired_removes_only_expired(b: Backend) {
    let short = Duration::from_secs(10);
    let long = Duration::from_secs(100);
    assert!(b
        .store
        .remember_message("short", at(0), short)
        .await
        .unwrap());
    assert!(b.store.remember_message("long", at(0), long).await.unwrap());
    assert!(b
        .store
        .acquire_lease("short", "a", at(0), short)
        .await
        .unwrap());
    assert!(b
        .store
        .acquire_lease("long", "a", at(0), long)
        .await
        .unwrap());

    assert_eq!(b.store.purge_expired(at(5)).await.unwrap(), 0);
    assert_eq!(b.store.purge_expired(at(50)).await.unwrap(), 2);
    assert_eq!(b.store.purge_expired(at(50)).await.unwrap(), 0);

    // The live ones are still there.
    assert!(!b
        .store
        .remember_message("long", at(50), long)
        .await
        .unwrap());
    assert!(!b
        .store
        .acquire_lease("long", "b", at(50), long)
        .await
        .unwrap());
    assert!(b
        .store
        .acquire_lease("short", "b", at(50), long)
        .await
        .unwrap());
    assert!(b
        .store
        .remember_message("short", at(50), short)
        .await
        .unwrap());
}

pub async fn leases_exclude_other_holders(b: Backend) {
    let ttl = Duration::from_secs(30);
    assert!(b
        .store
        .acquire_lease("sweeper", "a", at(0), ttl)
        .await
        .unwrap());
    assert!(!b
        .store
        .acquire_lease("sweeper", "b", at(10), ttl)
        .await
        .unwrap());
    // Other names are independent.
    assert!(b
        .store
        .acquire_lease("eventsub", "b", at(10), ttl)
        .await
        .unwrap());

    // Renewal moves the expiry to now + ttl.
    assert!(b
        .store
        .acquire_lease("sweeper", "a", at(20), ttl)
        .await
        .unwrap());
    assert!(!b
        .store
        .acquire_lease("sweeper", "b", at(40), ttl)
        .await
        .unwrap());
    assert!(b
        .store
        .acquire_lease("sweeper", "b", at(51), ttl)
        .await
        .unwrap());
    assert!(!b
        .store
        .acquire_lease("sweeper", "a", at(52), ttl)
        .await
        .unwrap());

    // Only the holder can release.
    b.store.release_lease("sweeper", "a").await.unwrap();
    assert!(!b
        .store
        .acquire_lease("sweeper", "a", at(53), ttl)
        .await
        .unwrap());
    b.store.release_lease("sweeper", "b").await.unwrap();
    assert!(b
        .store
        .acquire_lease("sweeper", "a", at(53), ttl)
        .await
        .unwrap());
    // Releasing a free or unknown lease is fine.
    b.store.release_lease("nothing", "a").await.unwrap();
}

pub async fn racing_lease_acquire_has_one_winner(b: Backend) {
    let ttl = Duration::from_secs(30);
    let results = race(8, |i| {
        let store = b.store.clone();
        async move {
            store
                .acquire_lease("sweeper", &format!("holder-{i}"), at(0), ttl)
                .await
        }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");

    // The winner holds it: it can renew, nobody else can take it.
    let winner = results.iter().position(|won| *won).unwrap();
    for i in 0..8 {
        let holder = format!("holder-{i}");
        let holds = b.store.acquire_lease("sweeper", &holder, at(1), ttl).await;
        assert_eq!(holds.unwrap(), i == winner, "{holder}");
    }
}
