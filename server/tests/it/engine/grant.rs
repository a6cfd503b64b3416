//! The grant pipeline for a redemption: VIP until the reward's duration, one grant per redemption,
//! the stacking rules, the refunds Twitch's answers map to, and retries of Twitch's outages.

use super::*;

#[tokio::test]
async fn a_redemption_grants_vip_until_the_reward_duration_and_tells_everyone() {
    let h = Harness::new().await;
    let ann = viewer(1);
    let (outcome, id) = h.deliver_redemption(&ann).await;

    let session = session_of(&outcome).clone();
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::hours(1))
    );
    assert_eq!(session.source, VipSource::ChannelPoints);
    assert_eq!(session.redemption_id.as_deref(), Some(id.as_str()));
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Fulfilled);
    assert_eq!(h.active(&ann).await, Some(session));
    assert_eq!(h.chat(), vec!["User1 is now VIP for 1 h!".to_string()]);
    let grants = h.audit(AuditAction::Grant).await;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].target.as_ref(), Some(&ann));
    assert_eq!(grants[0].metadata["duration_secs"], 3_600);
    assert_eq!(h.live.kinds(), vec![LiveKind::Granted]);
}

#[tokio::test]
async fn the_same_redemption_delivered_twice_is_granted_once() {
    let h = Harness::new().await;
    let (event, id) = h.redeem(&viewer(1));
    // Same message twice, and via the other transport on a second instance, at once.
    let other = h.another_engine();
    tokio::join!(
        h.engine.deliver(event.clone()),
        other.deliver(event.clone()),
        h.engine.deliver(event)
    );

    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.audit(AuditAction::Grant).await.len(), 1);
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 0);
    assert_eq!(h.chat().len(), 1);
}

#[tokio::test]
async fn a_refund_gives_its_reason_in_the_channels_language() {
    let h = Harness::new().await;
    h.settings(|s| {
        s.chat = app::model::ChatTemplates::in_language(app::i18n::Lang::De);
        s.language = Some(app::i18n::Lang::De);
    })
    .await;
    let moderator = viewer(2);
    h.twitch.make_moderator(&h.channel, &moderator);
    let (outcome, _) = h.deliver_redemption(&moderator).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::IsModerator));
    let chat = h.chat();
    assert_eq!(chat.len(), 1);
    assert!(
        chat[0].contains("(Moderatoren können keine VIPs sein)"),
        "{chat:?}"
    );
    // The activity log keeps its reason code (each page words it in its own language).
    let refunds = h.audit(AuditAction::Refund).await;
    assert_eq!(refunds[0].metadata["reason"], "is_moderator");
}

#[tokio::test]
async fn a_moderator_is_refunded() {
    let h = Harness::new().await;
    let moderator = viewer(2);
    h.twitch.make_moderator(&h.channel, &moderator);
    let (outcome, id) = h.deliver_redemption(&moderator).await;

    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::IsModerator));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert_eq!(
        h.outcome(&id).await,
        RedemptionOutcome::Refunded(RefundReason::IsModerator)
    );
    assert!(!h.twitch.is_vip(&h.channel, "2"));
    assert_eq!(
        h.chat(),
        vec![
            "Sorry User2, VIP could not be granted (moderators cannot be VIPs); your points were refunded."
                .to_string()
        ]
    );
    let refunds = h.audit(AuditAction::Refund).await;
    assert_eq!(refunds[0].metadata["reason"], "is_moderator");
    assert_eq!(h.live.kinds(), vec![LiveKind::Refunded]);
}

#[tokio::test]
async fn a_permanent_vip_is_refunded_and_never_made_temporary() {
    let h = Harness::new().await;
    let regular = viewer(3);
    h.twitch.add_vip_by_hand(&h.channel, &regular);
    let (outcome, id) = h.deliver_redemption(&regular).await;

    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::AlreadyVip));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    // Recorded as external: shown, without a deadline, so never expired nor removed.
    let external = h.active(&regular).await.unwrap();
    assert_eq!(external.source, VipSource::External);
    assert_eq!(external.expires_at, None);
    assert_eq!(h.audit(AuditAction::ExternalVipSeen).await.len(), 1);

    // A second redemption is refunded at once, and a manual grant refused, without asking Twitch.
    let (again, _) = h.deliver_redemption(&regular).await;
    assert_eq!(again, GrantOutcome::Refunded(RefundReason::AlreadyVip));
    let manual = h
        .engine
        .grant_manual(&h.channel, regular.clone(), secs(60), streamer())
        .await
        .unwrap();
    assert_eq!(manual, GrantOutcome::Refunded(RefundReason::AlreadyVip));
    assert_eq!(h.twitch.add_calls(), 1);

    h.clock.advance(365 * 86_400);
    assert_eq!(h.expire().await.removed, 0);
    assert!(h.twitch.is_vip(&h.channel, "3"));
    assert_eq!(h.twitch.remove_calls(), 0);
}

#[tokio::test]
async fn a_repeat_redemption_extends_the_time_left() {
    let h = Harness::new().await;
    let ann = viewer(1);
    let (first, _) = h.deliver_redemption(&ann).await;
    let deadline = session_of(&first).expires_at.unwrap();
    h.clock.advance(600);
    let (second, id) = h.deliver_redemption(&ann).await;

    assert!(matches!(second, GrantOutcome::Extended(_)));
    let extended = h.active(&ann).await.unwrap();
    assert_eq!(extended.id, session_of(&first).id);
    assert_eq!(
        extended.expires_at,
        Some(deadline + chrono::Duration::hours(1))
    );
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 1);
    assert_eq!(h.chat()[1], "User1's VIP was extended by 1 h.");
}

#[tokio::test]
async fn the_reset_rule_starts_over_everywhere() {
    let h = Harness::new().await;
    h.settings(|s| s.stacking = StackingRule::Reset).await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    h.clock.advance(1_800);
    let (second, _) = h.deliver_redemption(&ann).await;
    assert_eq!(
        session_of(&second).expires_at,
        Some(h.now() + chrono::Duration::hours(1))
    );
    // The manual grant follows the same rule.
    h.clock.advance(600);
    let manual = h
        .engine
        .grant_manual(&h.channel, ann.clone(), secs(120), streamer())
        .await
        .unwrap();
    assert_eq!(
        session_of(&manual).expires_at,
        Some(h.now() + chrono::Duration::seconds(120))
    );
}

#[tokio::test]
async fn full_slots_refund_by_default() {
    let h = Harness::new().await;
    h.twitch.set_slots(&h.channel, 0);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::SlotsFull));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert!(h.chat()[0].contains("all VIP slots are taken"));
}

#[tokio::test]
async fn missing_build_a_community_refunds_and_flags_the_channel() {
    let h = Harness::new().await;
    h.twitch.set_build_a_community(&h.channel, false);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;

    assert_eq!(
        outcome,
        GrantOutcome::Refunded(RefundReason::BuildACommunityRequired)
    );
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    let flagged = h.audit(AuditAction::TwitchError).await;
    assert_eq!(flagged[0].metadata["problem"], "build_a_community_required");
    assert_eq!(flagged[0].metadata["banner"], true);
    assert_eq!(
        h.live.kinds(),
        vec![LiveKind::TwitchError, LiveKind::Refunded]
    );
}

#[tokio::test]
async fn a_blocked_viewer_is_refunded() {
    let h = Harness::new().await;
    h.twitch.block(&h.channel, "4");
    let (outcome, id) = h.deliver_redemption(&viewer(4)).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::UserBlocked));
    assert_eq!(h.twitch.status(&id), Status::Canceled);
    assert_eq!(h.audit(AuditAction::Refund).await.len(), 1);
}

#[tokio::test]
async fn a_disabled_reward_is_refunded_and_foreign_rewards_are_ignored() {
    let h = Harness::new().await;
    let mut reward = h.reward.clone();
    reward.enabled = false;
    h.store.save_reward(&reward).await.unwrap();
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert_eq!(
        outcome,
        GrantOutcome::Refunded(RefundReason::RewardDisabled)
    );
    assert_eq!(h.twitch.status(&id), Status::Canceled);

    let foreign = h
        .engine
        .handle_redemption(app::ssr::engine::IncomingRedemption {
            channel: h.channel.clone(),
            redemption_id: "other".into(),
            reward_id: "made-in-the-dashboard".into(),
            viewer: viewer(1),
            redeemed_at: h.now(),
        })
        .await
        .unwrap();
    assert_eq!(foreign, GrantOutcome::Ignored(IgnoreReason::NotOurReward));
    assert!(h.store.redemption("other").await.unwrap().is_none());
}

#[tokio::test]
async fn a_401_flags_reauth_and_leaves_the_redemption_for_catch_up() {
    let h = Harness::new().await;
    h.twitch.set_authorized(&h.channel, false);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;

    assert_eq!(outcome, GrantOutcome::Pending(PendingReason::NeedsReauth));
    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Pending);
    assert!(h.needs_reauth().await);
    assert_eq!(h.audit(AuditAction::ReauthNeeded).await.len(), 1);
    assert!(h.live.kinds().contains(&LiveKind::ReauthNeeded));

    // The streamer logs in again; catch-up grants the waiting redemption.
    h.twitch.set_authorized(&h.channel, true);
    h.store.set_needs_reauth(&h.channel, false).await.unwrap();
    let report = h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(report.processed, 1);
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Fulfilled);
}

#[tokio::test]
async fn twitch_outages_are_retried_with_backoff() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::AddVip, TwitchError::Transient("502".into()), 2);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(h.twitch.add_calls(), 3);
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(
        *h.clock.slept.lock().unwrap(),
        vec![Duration::from_millis(200), Duration::from_millis(400)]
    );
}

#[tokio::test]
async fn a_rate_limit_waits_until_the_reset() {
    let h = Harness::new().await;
    let reset_at = h.now() + chrono::Duration::seconds(4);
    h.twitch
        .fail_next(Op::AddVip, TwitchError::RateLimited { reset_at }, 1);
    let (outcome, _) = h.deliver_redemption(&viewer(1)).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(*h.clock.slept.lock().unwrap(), vec![Duration::from_secs(4)]);
}

#[tokio::test]
async fn a_lasting_outage_leaves_the_redemption_unfulfilled_for_catch_up() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::AddVip, TwitchError::Transient("503".into()), 3);
    let id = h.deliver_left_pending(&viewer(1)).await;

    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Pending);
    assert_eq!(h.audit(AuditAction::TwitchError).await.len(), 1);
    assert!(!h.needs_reauth().await);

    let report = h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(report.processed, 1);
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
}
