//! Grants, revokes and extensions by hand (`revoke`, `extend`): the streamer's and moderators'
//! use cases, which never touch a VIP the app did not grant.

use super::*;

#[tokio::test]
async fn a_moderator_grants_by_hand_with_a_duration() {
    let h = Harness::new().await;
    let moderator = Actor::Moderator {
        id: "7".into(),
        login: "mod".into(),
    };
    let outcome = h
        .engine
        .grant_manual(&h.channel, viewer(1), secs(900), moderator.clone())
        .await
        .unwrap();
    let session = session_of(&outcome);
    assert_eq!(session.source, VipSource::Manual);
    assert_eq!(session.granted_by, moderator);
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::minutes(15))
    );
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.audit(AuditAction::Grant).await[0].actor, moderator);

    h.twitch.set_slots(&h.channel, 1);
    let refused = h
        .engine
        .grant_manual(&h.channel, viewer(2), secs(900), moderator)
        .await
        .unwrap();
    assert_eq!(refused, GrantOutcome::Refunded(RefundReason::SlotsFull));
}

#[tokio::test]
async fn revoke_removes_now_and_extend_adds_time() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;

    let extended = h
        .engine
        .extend(&h.channel, "1", secs(1_800), streamer())
        .await
        .unwrap();
    let ExtendOutcome::Extended(session) = extended else {
        panic!("{extended:?}")
    };
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::minutes(90))
    );
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 1);

    let revoked = h.engine.revoke(&h.channel, "1", streamer()).await.unwrap();
    let RevokeOutcome::Revoked(session) = revoked else {
        panic!("{revoked:?}")
    };
    assert_eq!(session.state, SessionState::Revoked);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.audit(AuditAction::Revoke).await[0].actor, streamer());
    assert_eq!(h.live.kinds().last(), Some(&LiveKind::Revoked));

    assert_eq!(
        h.engine.revoke(&h.channel, "1", streamer()).await.unwrap(),
        RevokeOutcome::NotActive
    );
    assert_eq!(
        h.engine
            .extend(&h.channel, "1", secs(60), streamer())
            .await
            .unwrap(),
        ExtendOutcome::NotActive
    );
}

#[tokio::test]
async fn revoke_and_extend_never_touch_external_vips() {
    let h = Harness::new().await;
    let regular = viewer(3);
    h.twitch.add_vip_by_hand(&h.channel, &regular);
    h.engine
        .deliver(TwitchEvent::VipAdded {
            channel: h.channel.clone(),
            viewer: regular.clone(),
        })
        .await;
    assert_eq!(
        h.engine.revoke(&h.channel, "3", streamer()).await.unwrap(),
        RevokeOutcome::NotManaged
    );
    assert_eq!(
        h.engine
            .extend(&h.channel, "3", secs(60), streamer())
            .await
            .unwrap(),
        ExtendOutcome::NotManaged
    );
    assert!(h.twitch.is_vip(&h.channel, "3"));
}

#[tokio::test]
async fn a_failed_revoke_leaves_the_session_active() {
    let h = Harness::new().await;
    h.deliver_redemption(&viewer(1)).await;
    h.twitch
        .fail_next(Op::RemoveVip, TwitchError::Transient("500".into()), 3);
    let result = h.engine.revoke(&h.channel, "1", streamer()).await;
    assert!(matches!(
        result,
        Err(app::ssr::engine::EngineError::Twitch(
            TwitchError::Transient(_)
        ))
    ));
    assert!(h.active(&viewer(1)).await.is_some());
}
