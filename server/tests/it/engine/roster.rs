//! Every VIP slot (`roster`): protected VIPs are never touched and refund their redemptions as
//! "already VIP", a permanent VIP given a deadline is removed on time like any grant, viewers on
//! the exclusion list are refunded with the reason `excluded`, and Twitch's 409 teaches the app
//! the channel's slot capacity.

use app::ssr::engine::RosterOutcome;

use super::*;

/// A VIP added by hand on Twitch, recorded by the app as external (permanent).
async fn permanent_vip(h: &Harness, who: &Viewer) {
    h.twitch.add_vip_by_hand(&h.channel, who);
    h.engine
        .deliver(TwitchEvent::VipAdded {
            channel: h.channel.clone(),
            viewer: who.clone(),
        })
        .await;
    assert!(h.active(who).await.unwrap().is_untimed());
}

#[tokio::test]
async fn a_protected_vip_is_never_removed_extended_or_given_a_deadline() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;

    let outcome = h.engine.protect(&h.channel, "1", streamer()).await.unwrap();
    let RosterOutcome::Changed(session) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(session.is_protected());
    assert_eq!(session.expires_at, None, "protection clears the deadline");
    assert_eq!(h.active(&ann).await, Some(session.clone()));
    let audit = h.audit(AuditAction::VipProtected).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, streamer());
    assert_eq!(
        audit[0].details().expires_at,
        Some(h.now() + chrono::Duration::hours(1))
    );
    assert_eq!(h.live.kinds().last(), Some(&LiveKind::RosterChanged));

    // Its old deadline passes: nothing happens.
    h.clock.advance(2 * HOUR as i64);
    assert_eq!(h.engine.expire_due(h.now()).await.unwrap().removed, 0);
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(
        h.engine.revoke(&h.channel, "1", streamer()).await.unwrap(),
        RevokeOutcome::NotManaged
    );
    assert_eq!(
        h.engine
            .extend(&h.channel, "1", secs(60), streamer())
            .await
            .unwrap(),
        ExtendOutcome::NotManaged
    );
    assert_eq!(
        h.engine
            .give_deadline(&h.channel, "1", secs(60), streamer())
            .await
            .unwrap(),
        RosterOutcome::Protected
    );
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.remove_calls(), 0);

    // Protecting twice changes nothing and is not audited again.
    assert!(matches!(
        h.engine.protect(&h.channel, "1", streamer()).await.unwrap(),
        RosterOutcome::Unchanged(_)
    ));
    assert_eq!(h.audit(AuditAction::VipProtected).await.len(), 1);
}

#[tokio::test]
async fn a_redemption_by_a_protected_vip_is_refunded_as_already_vip() {
    let h = Harness::new().await;
    let bob = viewer(2);
    permanent_vip(&h, &bob).await;
    h.engine.protect(&h.channel, "2", streamer()).await.unwrap();

    let (outcome, id) = h.deliver_redemption(&bob).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::AlreadyVip));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert_eq!(
        h.outcome(&id).await,
        RedemptionOutcome::Refunded(RefundReason::AlreadyVip)
    );
    let session = h.active(&bob).await.unwrap();
    assert!(session.is_protected() && session.expires_at.is_none());
    assert_eq!(h.twitch.add_calls(), 0, "Twitch is not asked");
}

#[tokio::test]
async fn unprotecting_keeps_the_vip_permanent() {
    let h = Harness::new().await;
    let bob = viewer(2);
    permanent_vip(&h, &bob).await;
    h.engine.protect(&h.channel, "2", streamer()).await.unwrap();
    let outcome = h
        .engine
        .unprotect(&h.channel, "2", streamer())
        .await
        .unwrap();
    let RosterOutcome::Changed(session) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(!session.is_protected() && session.is_untimed());
    assert_eq!(h.audit(AuditAction::VipUnprotected).await.len(), 1);
    assert_eq!(
        h.engine.protect(&h.channel, "9", streamer()).await.unwrap(),
        RosterOutcome::NotActive
    );
}

#[tokio::test]
async fn a_permanent_vip_given_a_deadline_is_removed_on_time() {
    let h = Harness::new().await;
    let bob = viewer(2);
    permanent_vip(&h, &bob).await;

    let outcome = h
        .engine
        .give_deadline(&h.channel, "2", secs(600), streamer())
        .await
        .unwrap();
    let RosterOutcome::Changed(session) = outcome else {
        panic!("{outcome:?}")
    };
    let due = h.now() + chrono::Duration::minutes(10);
    assert_eq!(session.expires_at, Some(due));
    assert_eq!(h.active(&bob).await.unwrap().expires_at, Some(due));
    let audit = h.audit(AuditAction::DeadlineGiven).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].details().duration_secs, Some(600));
    assert_eq!(audit[0].target.as_ref(), Some(&bob));

    // Timed now: a second deadline is refused (extend it instead), and extending works.
    assert_eq!(
        h.engine
            .give_deadline(&h.channel, "2", secs(60), streamer())
            .await
            .unwrap(),
        RosterOutcome::AlreadyTimed
    );

    h.clock.advance(599);
    assert_eq!(h.engine.expire_due(h.now()).await.unwrap().removed, 0);
    h.clock.advance(1);
    assert_eq!(h.engine.expire_due(h.now()).await.unwrap().removed, 1);
    assert!(!h.twitch.is_vip(&h.channel, "2"));
    assert_eq!(h.audit(AuditAction::Expire).await.len(), 1);
}

#[tokio::test]
async fn an_excluded_viewer_is_refunded_with_the_reason_and_audited() {
    let h = Harness::new().await;
    let carol = viewer(3);
    assert!(h
        .engine
        .exclude(&h.channel, carol.clone(), streamer())
        .await
        .unwrap());
    assert!(
        !h.engine
            .exclude(&h.channel, carol.clone(), streamer())
            .await
            .unwrap(),
        "once on the list"
    );
    assert_eq!(h.audit(AuditAction::ViewerExcluded).await.len(), 1);

    let (outcome, id) = h.deliver_redemption(&carol).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::Excluded));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert_eq!(h.twitch.add_calls(), 0, "Twitch is not asked");
    let refund = &h.audit(AuditAction::Refund).await[0];
    assert_eq!(
        refund.details().refund_reason(),
        Some(RefundReason::Excluded)
    );
    assert!(h
        .chat()
        .iter()
        .any(|m| m.contains(RefundReason::Excluded.describe())));

    // A grant by hand is refused with the same reason.
    assert_eq!(
        h.engine
            .grant_manual(&h.channel, carol.clone(), secs(60), streamer())
            .await
            .unwrap(),
        GrantOutcome::Refunded(RefundReason::Excluded)
    );

    // Taken off the list, the viewer can redeem again.
    assert!(h.engine.readmit(&h.channel, "3", streamer()).await.unwrap());
    assert!(!h.engine.readmit(&h.channel, "3", streamer()).await.unwrap());
    assert_eq!(h.audit(AuditAction::ViewerReadmitted).await.len(), 1);
    let (outcome, _) = h.deliver_redemption(&carol).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)), "{outcome:?}");
}

#[tokio::test]
async fn twitch_409_teaches_the_slot_capacity() {
    let h = Harness::new().await;
    assert_eq!(h.store.slot_capacity(&h.channel).await.unwrap(), None);
    h.twitch.set_slots(&h.channel, 2);
    permanent_vip(&h, &viewer(1)).await;
    h.deliver_redemption(&viewer(2)).await;
    let (outcome, _) = h.deliver_redemption(&viewer(3)).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::SlotsFull));
    let learned = h.store.slot_capacity(&h.channel).await.unwrap().unwrap();
    assert_eq!(learned.slots, 2);
    assert_eq!(learned.learned_at, h.now());

    // Twitch gives the channel more slots: the next 409 says so.
    h.twitch.set_slots(&h.channel, 3);
    h.deliver_redemption(&viewer(3)).await;
    h.deliver_redemption(&viewer(4)).await;
    assert_eq!(
        h.store
            .slot_capacity(&h.channel)
            .await
            .unwrap()
            .unwrap()
            .slots,
        3
    );
}
