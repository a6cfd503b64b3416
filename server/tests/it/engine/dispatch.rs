//! EventSub events as they happen (`dispatch`): VIPs added or removed on Twitch, moderators made
//! or removed, and a revoked authorisation.

use super::*;

#[tokio::test]
async fn manual_vip_changes_on_twitch_are_reconciled() {
    let h = Harness::new().await;
    // A VIP added by hand: recorded as external.
    let regular = viewer(3);
    h.twitch.add_vip_by_hand(&h.channel, &regular);
    h.engine
        .deliver(TwitchEvent::VipAdded {
            channel: h.channel.clone(),
            viewer: regular.clone(),
        })
        .await;
    assert_eq!(
        h.active(&regular).await.unwrap().source,
        VipSource::External
    );
    assert_eq!(h.live.kinds(), vec![LiveKind::ExternalVip]);

    // The app's own grant causes a channel.vip.add too: not external.
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.engine
        .deliver(TwitchEvent::VipAdded {
            channel: h.channel.clone(),
            viewer: ann.clone(),
        })
        .await;
    assert_eq!(
        h.active(&ann).await.unwrap().source,
        VipSource::ChannelPoints
    );

    // Removed by hand: the session closes, nothing is retried.
    h.twitch.remove_vip_by_hand(&h.channel, "1");
    h.engine
        .deliver(TwitchEvent::VipRemoved {
            channel: h.channel.clone(),
            viewer: ann.clone(),
        })
        .await;
    assert_eq!(h.active(&ann).await, None);
    assert_eq!(h.audit(AuditAction::RemovedExternally).await.len(), 1);
    h.clock.advance(2 * HOUR as i64);
    assert_eq!(h.expire().await, Default::default());
    assert_eq!(h.twitch.remove_calls(), 0);
}

#[tokio::test]
async fn a_late_removal_event_does_not_close_a_vip_twitch_still_lists() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.engine
        .deliver(TwitchEvent::VipRemoved {
            channel: h.channel.clone(),
            viewer: ann.clone(),
        })
        .await;
    assert!(h.active(&ann).await.is_some());
}

#[tokio::test]
async fn a_viewer_made_moderator_loses_the_vip_session() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.twitch.make_moderator(&h.channel, &ann);
    h.engine
        .deliver(TwitchEvent::ModeratorAdded {
            channel: h.channel.clone(),
            viewer: ann.clone(),
        })
        .await;
    assert_eq!(h.active(&ann).await, None);
    let closed = h.audit(AuditAction::RemovedExternally).await;
    assert_eq!(closed[0].metadata["seen_via"], "channel.moderator.add");
}

#[tokio::test]
async fn a_removed_moderator_is_recorded_and_nobody_loses_vip() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    let moderator = viewer(2);
    h.engine
        .deliver(TwitchEvent::ModeratorRemoved {
            channel: h.channel.clone(),
            viewer: moderator.clone(),
        })
        .await;
    let removed = h.audit(AuditAction::ModeratorRemoved).await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].target.as_ref(), Some(&moderator));
    assert!(h.active(&ann).await.is_some());
    assert_eq!(h.twitch.remove_calls(), 0);
}

#[tokio::test]
async fn a_revoked_authorisation_flags_the_channel() {
    let h = Harness::new().await;
    h.engine
        .deliver(TwitchEvent::AuthorizationRevoked {
            user_id: h.channel.0.clone(),
        })
        .await;
    assert!(h.needs_reauth().await);
    assert_eq!(h.live.kinds(), vec![LiveKind::ReauthNeeded]);
}
