//! Work interrupted half-way. A grant whose Add VIP may have gone through unseen (Twitch's answer
//! was lost, or the process died before recording the session) owns that VIP: never refunded as
//! "already a VIP", never left as a VIP the app does not manage. A removal that died before
//! recording the end leaves an active session without a VIP: an extension does not take it for one.

use super::*;

/// Twitch's answer to the first Add VIP is lost: the VIP is there (as if added) and the call failed.
fn lose_the_answer_to_the_next_add(h: &Harness, who: &Viewer, attempts: usize) {
    h.twitch.add_vip_by_hand(&h.channel, who);
    h.twitch
        .fail_next(Op::AddVip, TwitchError::Transient("504".into()), attempts);
}

/// Whether an attempt at the redemption left its marker in the store: probed by taking it as
/// another holder (and giving it back).
async fn marker_left(h: &Harness, id: &str) -> bool {
    let name = format!("vip-add:{id}");
    let ttl = Duration::from_secs(1);
    let free = h
        .store
        .acquire_lease(&name, "probe", h.now(), ttl)
        .await
        .unwrap();
    if free {
        h.store.release_lease(&name, "probe").await.unwrap();
    }
    !free
}

#[tokio::test]
async fn a_decided_redemption_leaves_no_marker_whether_or_not_it_asked_twitch() {
    let h = Harness::new().await;
    let ann = viewer(1);
    // Granted: the Add VIP used the marker recorded with the redemption.
    let (outcome, granted) = h.deliver_redemption(&ann).await;
    session_of(&outcome);
    // Extended, and refunded before asking Twitch: the recorded marker went unused.
    let (outcome, extended) = h.deliver_redemption(&ann).await;
    assert!(matches!(outcome, GrantOutcome::Extended(_)), "{outcome:?}");
    let (outcome, refunded) = h.deliver_redemption(&broadcaster()).await;
    assert!(matches!(outcome, GrantOutcome::Refunded(_)), "{outcome:?}");
    assert_eq!(h.twitch.add_calls(), 1);

    for id in [granted, extended, refunded] {
        assert!(!marker_left(&h, &id).await, "{id}");
    }
}

#[tokio::test]
async fn a_redemption_left_pending_after_a_lost_answer_keeps_its_marker() {
    let h = Harness::new().await;
    let ann = viewer(1);
    lose_the_answer_to_the_next_add(&h, &ann, 3);
    let id = h.deliver_left_pending(&ann).await;
    assert!(marker_left(&h, &id).await);
}

#[tokio::test]
async fn already_a_vip_after_a_lost_answer_is_the_grant_not_a_refund() {
    let h = Harness::new().await;
    let ann = viewer(1);
    lose_the_answer_to_the_next_add(&h, &ann, 1);
    let (outcome, id) = h.deliver_redemption(&ann).await;

    let session = session_of(&outcome);
    assert_eq!(session.source, VipSource::ChannelPoints);
    assert_eq!(
        session.expires_at,
        Some(session.granted_at + chrono::Duration::hours(1))
    );
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Fulfilled);
    assert!(h.audit(AuditAction::ExternalVipSeen).await.is_empty());

    // Its deadline passes: the VIP goes like any other.
    h.clock.advance(HOUR as i64);
    assert_eq!(h.expire().await.removed, 1);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
}

#[tokio::test]
async fn a_vip_left_by_an_interrupted_grant_is_taken_over_by_catch_up() {
    let h = Harness::new().await;
    let ann = viewer(1);
    // Every answer is lost: the redemption is left pending, the VIP is there unrecorded.
    lose_the_answer_to_the_next_add(&h, &ann, 3);
    let id = h.deliver_left_pending(&ann).await;
    // A sync (a restart, a reconnection) finds a VIP the app does not know.
    let report = h.engine.sync_vips(&h.channel).await.unwrap();
    assert_eq!(report.external_added, 1);

    // Another instance catches up: the VIP is the redemption's, timed from now.
    let report = h.another_engine().catch_up(&h.channel).await.unwrap();
    assert_eq!(report.processed, 1);
    let session = h.active(&ann).await.unwrap();
    assert_eq!(session.source, VipSource::ChannelPoints);
    assert_eq!(session.redemption_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::hours(1))
    );
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Fulfilled);

    h.clock.advance(HOUR as i64);
    assert_eq!(h.expire().await.removed, 1);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
}

#[tokio::test]
async fn a_vip_made_by_hand_stays_the_streamers_without_an_interrupted_grant() {
    let h = Harness::new().await;
    let ann = viewer(1);
    // Twitch fails before anything happens; meanwhile the streamer makes Ann VIP by hand.
    h.twitch.fail_next(
        Op::AddVip,
        TwitchError::RateLimited {
            reset_at: h.now() + chrono::Duration::hours(1),
        },
        1,
    );
    let id = h.deliver_left_pending(&ann).await;
    h.twitch.add_vip_by_hand(&h.channel, &ann);
    h.engine.sync_vips(&h.channel).await.unwrap();

    h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert_eq!(
        h.outcome(&id).await,
        RedemptionOutcome::Refunded(RefundReason::AlreadyVip)
    );
    assert_eq!(h.active(&ann).await.unwrap().expires_at, None);
}

#[tokio::test]
async fn an_extension_of_a_session_whose_vip_is_gone_grants_anew() {
    let h = Harness::new().await;
    let ann = viewer(1);
    let (first, _) = h.deliver_redemption(&ann).await;
    let old = session_of(&first).clone();
    // An expiry removed the VIP and died before recording the end: the session is still active.
    h.clock.advance(HOUR as i64 + 1);
    h.twitch.remove_vip_by_hand(&h.channel, "1");

    let (outcome, id) = h.deliver_redemption(&ann).await;
    let session = session_of(&outcome);
    assert!(matches!(outcome, GrantOutcome::Granted(_)), "{outcome:?}");
    assert_ne!(session.id, old.id);
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::hours(1))
    );
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    let closed = h.store.session(&old.id).await.unwrap().unwrap();
    assert_eq!(closed.state, SessionState::RemovedExternally);
}
