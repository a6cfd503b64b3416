//! Redemptions: first delivery wins, outcomes round-trip.

use app::model::{RedemptionOutcome, RedemptionRecord, RefundReason};

use super::{at, channel_id, race, viewer, winners};
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

pub async fn create_redemption_only_once(b: Backend) {
    let first = record("red-1");
    assert!(b.store.create_redemption(&first).await.unwrap());
    assert_eq!(
        b.store.redemption("red-1").await.unwrap(),
        Some(first.clone())
    );

    // A second delivery neither wins nor overwrites.
    let again = RedemptionRecord {
        viewer: viewer("8"),
        received_at: at(60),
        outcome: RedemptionOutcome::Fulfilled,
        ..first.clone()
    };
    assert!(!b.store.create_redemption(&again).await.unwrap());
    assert_eq!(b.store.redemption("red-1").await.unwrap(), Some(first));
    assert_eq!(b.store.redemption("red-2").await.unwrap(), None);
}

pub async fn redemption_outcomes_round_trip(b: Backend) {
    let mut outcomes = vec![
        RedemptionOutcome::Pending,
        RedemptionOutcome::Fulfilled,
        RedemptionOutcome::Waitlisted,
    ];
    outcomes.extend(
        [
            RefundReason::IsModerator,
            RefundReason::AlreadyVip,
            RefundReason::SlotsFull,
            RefundReason::WaitlistTimedOut,
            RefundReason::BuildACommunityRequired,
            RefundReason::UserBlocked,
            RefundReason::UserNotFound,
            RefundReason::RewardDisabled,
            RefundReason::TwitchRefused,
            RefundReason::TwitchUnavailable,
            RefundReason::BroadcasterSelf,
        ]
        .map(RedemptionOutcome::Refunded),
    );

    // Created with each outcome…
    for (i, outcome) in outcomes.iter().enumerate() {
        let r = RedemptionRecord {
            outcome: *outcome,
            ..record(&format!("created-{i}"))
        };
        assert!(b.store.create_redemption(&r).await.unwrap());
        assert_eq!(b.store.redemption(&r.id).await.unwrap(), Some(r));
    }
    // …and moved through each outcome.
    let mut r = record("moved");
    assert!(b.store.create_redemption(&r).await.unwrap());
    for outcome in outcomes.iter().rev() {
        assert!(b
            .store
            .set_redemption_outcome("moved", *outcome)
            .await
            .unwrap());
        r.outcome = *outcome;
        assert_eq!(b.store.redemption("moved").await.unwrap(), Some(r.clone()));
    }

    assert!(!b
        .store
        .set_redemption_outcome("unknown", RedemptionOutcome::Fulfilled)
        .await
        .unwrap());
    assert_eq!(b.store.redemption("unknown").await.unwrap(), None);
}

pub async fn racing_create_redemption_has_one_winner(b: Backend) {
    let results = race(8, |i| {
        let store = b.store.clone();
        let r = RedemptionRecord {
            viewer: viewer(&i.to_string()),
            ..record("contested")
        };
        async move { store.create_redemption(&r).await }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");

    // The stored record is the winner's.
    let winner = results.iter().position(|won| *won).unwrap();
    let stored = b.store.redemption("contested").await.unwrap().unwrap();
    assert_eq!(stored.viewer, viewer(&winner.to_string()));
}
