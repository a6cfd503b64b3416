//! Expiry: the VIP is removed at the deadline (once, across instances), a VIP removed by hand is
//! closed as removed externally, auto-remove off leaves it in place, and an extension never lands
//! while the removal runs.

use super::*;

#[tokio::test]
async fn expiry_removes_vip_at_the_deadline_and_tells_everyone() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(3_599);
    assert_eq!(h.expire().await.removed, 0);
    assert!(h.twitch.is_vip(&h.channel, "1"));

    h.clock.advance(1);
    let report = h.expire().await;
    assert_eq!(report.removed, 1);
    assert_eq!(report.next_deadline, None);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.active(&ann).await, None);
    let expired = h.audit(AuditAction::Expire).await;
    assert_eq!(expired[0].metadata["vip_removed"], true);
    assert_eq!(
        h.chat().last().unwrap(),
        "User1's VIP time is up. Thanks for the support!"
    );
    let last = h.live.0.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.kind, LiveKind::Expired);
    assert_eq!(last.session.unwrap().state, SessionState::Expired);
}

#[tokio::test]
async fn a_vip_removed_by_hand_is_closed_as_removed_externally_on_expiry() {
    let h = Harness::new().await;
    let ann = viewer(1);
    let (granted, _) = h.deliver_redemption(&ann).await;
    h.twitch.remove_vip_by_hand(&h.channel, "1");
    h.clock.advance(HOUR as i64);

    let report = h.expire().await;
    assert_eq!(report.removed, 0);
    assert_eq!(report.ended_without_removal, 1);
    let session = h
        .store
        .session(&session_of(&granted).id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.state, SessionState::RemovedExternally);
    assert_eq!(h.audit(AuditAction::RemovedExternally).await.len(), 1);
    // Not retried forever: the next pass has nothing to do.
    assert_eq!(h.expire().await, Default::default());
    assert_eq!(h.twitch.remove_calls(), 1);
}

#[tokio::test]
async fn with_auto_remove_off_the_session_expires_and_nobody_is_removed() {
    let h = Harness::new().await;
    h.settings(|s| s.auto_remove = false).await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(HOUR as i64);

    let report = h.expire().await;
    assert_eq!(report.removed, 0);
    assert_eq!(report.ended_without_removal, 1);
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.remove_calls(), 0);
    assert_eq!(h.active(&ann).await, None);
    let expired = h.audit(AuditAction::Expire).await;
    assert_eq!(expired[0].metadata["vip_removed"], false);
    assert_eq!(expired[0].metadata["auto_remove"], false);
    assert_eq!(h.live.kinds().last(), Some(&LiveKind::Expired));
}

#[tokio::test]
async fn a_session_that_cannot_be_ended_reports_the_next_deadline_still_ahead() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(10);
    let (bob_outcome, _) = h.deliver_redemption(&viewer(2)).await;
    let bob_deadline = session_of(&bob_outcome).expires_at.unwrap();
    h.clock.advance(HOUR as i64 - 10);
    h.twitch
        .fail_next(Op::RemoveVip, TwitchError::Transient("500".into()), 3);

    let report = h.expire().await;
    assert_eq!(report.deferred, 1);
    assert!(report.next_deadline.unwrap() <= h.now());
    assert_eq!(report.next_upcoming, Some(bob_deadline));
}

#[tokio::test]
async fn a_failed_removal_keeps_the_session_and_is_retried_on_the_next_pass() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(HOUR as i64);
    h.twitch
        .fail_next(Op::RemoveVip, TwitchError::Transient("500".into()), 3);

    let report = h.expire().await;
    assert_eq!(report.deferred, 1);
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert!(h.active(&ann).await.is_some());
    assert!(report.next_deadline.unwrap() <= h.now());

    let report = h.expire().await;
    assert_eq!(report.removed, 1);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
}

#[tokio::test]
async fn two_instances_expiring_at_once_remove_once() {
    let h = Harness::new().await;
    for n in 1..=5 {
        h.deliver_redemption(&viewer(n)).await;
    }
    h.clock.advance(HOUR as i64);
    let other = h.another_engine();
    let now = h.now();
    let (a, b) = tokio::join!(h.engine.expire_due(now), other.expire_due(now));
    assert_eq!(a.unwrap().removed + b.unwrap().removed, 5);
    assert_eq!(h.twitch.remove_calls(), 5);
    assert_eq!(h.audit(AuditAction::Expire).await.len(), 5);
    assert_eq!(h.twitch.vip_count(&h.channel), 0);
}

#[tokio::test]
async fn an_extension_never_lands_while_the_expiry_removes_the_vip() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(HOUR as i64);

    // The expiry removes the VIP on Twitch; before it records the end, the viewer redeems again.
    let gate = h.twitch.hold_removals();
    let engine = h.engine.clone();
    let now = h.now();
    let expiry = tokio::spawn(async move { engine.expire_due(now).await });
    while h.twitch.removals_waiting() == 0 {
        tokio::task::yield_now().await;
    }
    let other = h.another_engine();
    let (event, id) = h.redeem(&ann);
    let delivery = tokio::spawn(async move { other.deliver(event).await });
    gate.notify_waiters();
    h.twitch.release_removals();
    let report = expiry.await.unwrap().unwrap();
    delivery.await.unwrap();
    // The extension waited for the expiry (or gave up and was left for catch-up): a new grant.
    h.engine.catch_up(&h.channel).await.unwrap();

    assert_eq!(report.removed, 1, "the expiry stands");
    assert_eq!(h.audit(AuditAction::Expire).await.len(), 1);
    let session = h.active(&ann).await.expect("granted anew");
    assert_eq!(session.redemption_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        session.expires_at,
        Some(session.granted_at + chrono::Duration::hours(1))
    );
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.add_calls(), 2, "no add-back");
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
}

#[tokio::test]
async fn after_a_restart_every_overdue_session_is_handled_at_once() {
    let h = Harness::new().await;
    h.twitch.set_slots(&h.channel, 50);
    for n in 1..=12 {
        h.deliver_redemption(&viewer(n)).await;
        h.clock.advance(60);
    }
    // Down for a day; a new instance starts on the same store.
    h.clock.advance(86_400);
    let restarted = h.another_engine();
    let report = restarted.expire_due(h.now()).await.unwrap();
    assert_eq!(report.removed, 12);
    assert_eq!(report.next_deadline, None);
    assert_eq!(h.twitch.vip_count(&h.channel), 0);
    assert!(h
        .store
        .active_sessions(&h.channel)
        .await
        .unwrap()
        .is_empty());
}
