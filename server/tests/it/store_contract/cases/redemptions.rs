//! Redemptions: first delivery wins (with the lease it may take in the same write), outcomes
//! round-trip.

use std::time::Duration;

use app::model::{RedemptionOutcome, RedemptionRecord, RefundReason};
use app::ssr::store::{LeaseClaim, NewRedemption};

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

fn claim<'a>(name: &'a str, holder: &'a str, secs: i64) -> LeaseClaim<'a> {
    LeaseClaim {
        name,
        holder,
        now: at(secs),
        ttl: Duration::from_secs(30),
    }
}

pub async fn create_redemption_with_lease_takes_the_lease_only_when_new(b: Backend) {
    let first = record("red-1");
    assert_eq!(
        b.store
            .create_redemption_with_lease(&first, claim("marker-1", "a", 0))
            .await
            .unwrap(),
        NewRedemption::Recorded { leased: true }
    );
    assert_eq!(
        b.store.redemption("red-1").await.unwrap(),
        Some(first.clone())
    );
    // The lease is held as `acquire_lease` would hold it: another holder is kept out until it
    // expires, its own holder renews it.
    assert!(!b
        .store
        .acquire_lease("marker-1", "b", at(29), Duration::from_secs(30))
        .await
        .unwrap());
    assert!(b
        .store
        .acquire_lease("marker-1", "a", at(1), Duration::from_secs(30))
        .await
        .unwrap());

    // A second delivery writes nothing: neither the record nor another lease.
    let again = RedemptionRecord {
        viewer: viewer("8"),
        ..first.clone()
    };
    assert_eq!(
        b.store
            .create_redemption_with_lease(&again, claim("marker-2", "b", 2))
            .await
            .unwrap(),
        NewRedemption::Duplicate
    );
    assert_eq!(b.store.redemption("red-1").await.unwrap(), Some(first));
    assert!(b
        .store
        .acquire_lease("marker-2", "c", at(3), Duration::from_secs(30))
        .await
        .unwrap());

    // A new redemption whose lease another holder has: recorded, without the lease.
    assert_eq!(
        b.store
            .create_redemption_with_lease(&record("red-3"), claim("marker-2", "d", 4))
            .await
            .unwrap(),
        NewRedemption::Recorded { leased: false }
    );
    assert!(b.store.redemption("red-3").await.unwrap().is_some());
    assert!(!b
        .store
        .acquire_lease("marker-2", "d", at(5), Duration::from_secs(30))
        .await
        .unwrap());
}

pub async fn racing_create_redemption_with_lease_has_one_winner(b: Backend) {
    let results = race(8, |i| {
        let store = b.store.clone();
        let r = RedemptionRecord {
            viewer: viewer(&i.to_string()),
            ..record("contested")
        };
        async move {
            let holder = i.to_string();
            let done = store
                .create_redemption_with_lease(&r, claim("contested-marker", &holder, 0))
                .await?;
            Ok(done == NewRedemption::Recorded { leased: true })
        }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");

    // The record and the lease are the winner's.
    let winner = results.iter().position(|won| *won).unwrap();
    let stored = b.store.redemption("contested").await.unwrap().unwrap();
    assert_eq!(stored.viewer, viewer(&winner.to_string()));
    assert!(b
        .store
        .acquire_lease(
            "contested-marker",
            &winner.to_string(),
            at(1),
            Duration::from_secs(30)
        )
        .await
        .unwrap());
}
