//! The waitlist: first queued first, a redemption at most once, one winner per removal.

use app::model::WaitlistEntry;

use super::{at, channel_id, race, viewer, winners};
use crate::store_contract::Backend;

fn entry(channel: &str, redemption_id: &str, queued: i64) -> WaitlistEntry {
    WaitlistEntry {
        channel_id: channel_id(channel),
        redemption_id: redemption_id.to_owned(),
        viewer: viewer(&format!("{queued}")),
        duration_secs: 3_600,
        queued_at: at(queued),
    }
}

pub async fn waitlist_is_fifo_and_ignores_repeats(b: Backend) {
    let ch = channel_id("100");
    let (first, second, third) = (
        entry("100", "r1", 1),
        entry("100", "r2", 2),
        entry("100", "r3", 3),
    );
    // Pushed out of order: the list follows `queued_at`.
    for e in [&second, &third, &first] {
        b.store.waitlist_push(e).await.unwrap();
    }
    b.store
        .waitlist_push(&entry("200", "other", 0))
        .await
        .unwrap();

    // A repeat push of a queued redemption is ignored, even with other details.
    let repeat = WaitlistEntry {
        viewer: viewer("999"),
        duration_secs: 1,
        queued_at: at(0),
        ..second.clone()
    };
    b.store.waitlist_push(&repeat).await.unwrap();
    let expected = vec![first.clone(), second.clone(), third.clone()];
    assert_eq!(b.store.waitlist(&ch).await.unwrap(), expected);
    assert_eq!(
        b.store.waitlist(&channel_id("200")).await.unwrap(),
        vec![entry("200", "other", 0)]
    );
    assert!(b
        .store
        .waitlist(&channel_id("300"))
        .await
        .unwrap()
        .is_empty());

    // Removal is per channel and reports whether it took the entry.
    assert!(!b
        .store
        .waitlist_remove(&channel_id("200"), "r2")
        .await
        .unwrap());
    assert!(b.store.waitlist_remove(&ch, "r2").await.unwrap());
    assert!(!b.store.waitlist_remove(&ch, "r2").await.unwrap());
    assert_eq!(b.store.waitlist(&ch).await.unwrap(), vec![first, third]);
    assert_eq!(b.store.waitlist(&channel_id("200")).await.unwrap().len(), 1);
}

pub async fn racing_waitlist_remove_has_one_winner(b: Backend) {
    let ch = channel_id("100");
    b.store.waitlist_push(&entry("100", "r1", 1)).await.unwrap();
    b.store.waitlist_push(&entry("100", "r2", 2)).await.unwrap();
    let results = race(8, |_| {
        let (store, ch) = (b.store.clone(), ch.clone());
        async move { store.waitlist_remove(&ch, "r1").await }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");
    assert_eq!(
        b.store.waitlist(&ch).await.unwrap(),
        vec![entry("100", "r2", 2)]
    );
}
