//! Catch-up attempts at a pending redemption: counted with the redemption, one by one, also
//! under races, and left alone by everything else.

use std::sync::Arc;

use app::model::{RedemptionOutcome, RedemptionRecord, RefundReason};
use tokio::sync::Barrier;

use super::{at, channel_id, viewer};
use crate::store_contract::Backend;

fn record(id: &str) -> RedemptionRecord {
    RedemptionRecord {
        id: id.to_owned(),
        channel_id: channel_id("100"),
        reward_id: "reward-1".into(),
        viewer: viewer("7"),
        received_at: at(5),
        outcome: RedemptionOutcome::Pending,
    }
}

pub async fn redemption_attempts_count_up_per_redemption(b: Backend) {
    let r = record("counted");
    assert!(b.store.create_redemption(&r).await.unwrap());
    assert!(b.store.create_redemption(&record("other")).await.unwrap());
    for n in 1..=3 {
        assert_eq!(
            b.store.note_redemption_attempt("counted").await.unwrap(),
            Some(n)
        );
    }
    // Another redemption counts from the start; an unknown one is not created.
    assert_eq!(
        b.store.note_redemption_attempt("other").await.unwrap(),
        Some(1)
    );
    assert_eq!(
        b.store.note_redemption_attempt("unknown").await.unwrap(),
        None
    );
    assert_eq!(b.store.redemption("unknown").await.unwrap(), None);

    // The record reads as before, and outcome changes neither reset the count nor lose it.
    assert_eq!(
        b.store.redemption("counted").await.unwrap(),
        Some(r.clone())
    );
    let refunded = RedemptionOutcome::Refunded(RefundReason::TwitchUnavailable);
    assert!(b
        .store
        .set_redemption_outcome("counted", refunded)
        .await
        .unwrap());
    assert_eq!(
        b.store.note_redemption_attempt("counted").await.unwrap(),
        Some(4)
    );
    assert_eq!(
        b.store.redemption("counted").await.unwrap(),
        Some(RedemptionRecord {
            outcome: refunded,
            ..r
        })
    );
    // A repeated create does not reset it either.
    assert!(!b.store.create_redemption(&record("counted")).await.unwrap());
    assert_eq!(
        b.store.note_redemption_attempt("counted").await.unwrap(),
        Some(5)
    );
}

pub async fn racing_redemption_attempts_each_get_their_own_count(b: Backend) {
    assert!(b.store.create_redemption(&record("raced")).await.unwrap());
    let n = 8;
    let barrier = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (store, barrier) = (b.store.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                store.note_redemption_attempt("raced").await
            })
        })
        .collect();
    let mut counts = Vec::with_capacity(n);
    for task in tasks {
        counts.push(
            task.await
                .expect("task panicked")
                .expect("store call failed"),
        );
    }
    counts.sort_unstable();
    let expected: Vec<Option<u32>> = (1..=n as u32).map(Some).collect();
    assert_eq!(counts, expected);
}
