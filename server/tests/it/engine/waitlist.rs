//! The waitlist: a full channel queues redemptions, grants them when a slot frees, and refunds
//! them after the maximum wait.

use super::*;

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
