//! Grants beyond channel points: subscriptions, gifted subs and bits, through the same pipeline.

use app::model::{BitsRule, GiftRule, GrantRules, NoGrant};

use super::*;

const MINUTE: u64 = 60;

pub(super) fn rules() -> GrantRules {
    GrantRules {
        subscription: Some(secs(2 * HOUR).into()),
        gift: Some(GiftRule {
            min_gifts: 5,
            duration: secs(24 * HOUR).into(),
        }),
        bits: Some(BitsRule {
            min_bits: 500,
            duration: secs(30 * MINUTE).into(),
        }),
    }
}

pub(super) async fn with_rules() -> Harness {
    Harness::with_settings(Settings {
        grant_rules: rules(),
        ..Settings::default()
    })
    .await
}

fn subscribed(h: &Harness, message_id: &str, who: &Viewer, is_gift: bool) -> TwitchEvent {
    TwitchEvent::Subscribed {
        channel: h.channel.clone(),
        message_id: message_id.into(),
        viewer: who.clone(),
        tier: "1000".into(),
        is_gift,
    }
}

fn gifted(h: &Harness, message_id: &str, gifter: Option<&Viewer>, total: u32) -> TwitchEvent {
    TwitchEvent::SubsGifted {
        channel: h.channel.clone(),
        message_id: message_id.into(),
        gifter: gifter.cloned(),
        total,
        tier: "1000".into(),
    }
}

fn cheered(h: &Harness, message_id: &str, who: Option<&Viewer>, bits: u32) -> TwitchEvent {
    TwitchEvent::Cheered {
        channel: h.channel.clone(),
        message_id: message_id.into(),
        viewer: who.cloned(),
        bits,
    }
}

/// The engine's use case for one event (what `deliver` runs), with its outcome.
async fn support(h: &Harness, event: TwitchEvent) -> GrantOutcome {
    use app::ssr::engine::{Support, SupportKind};
    let (channel, message_id, kind) = match event {
        TwitchEvent::Subscribed {
            channel,
            message_id,
            viewer,
            is_gift,
            ..
        } => (
            channel,
            message_id,
            SupportKind::Subscription { viewer, is_gift },
        ),
        TwitchEvent::SubsGifted {
            channel,
            message_id,
            gifter,
            total,
            ..
        } => (channel, message_id, SupportKind::Gift { gifter, total }),
        TwitchEvent::Cheered {
            channel,
            message_id,
            viewer,
            bits,
        } => (channel, message_id, SupportKind::Cheer { viewer, bits }),
        other => panic!("not a support event: {other:?}"),
    };
    h.engine
        .handle_support(Support {
            channel,
            message_id,
            kind,
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_subscription_grants_vip_for_the_rules_duration() {
    let h = with_rules().await;
    let ann = viewer(1);
    let outcome = support(&h, subscribed(&h, "msg-sub", &ann, false)).await;

    let session = session_of(&outcome).clone();
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(session.source, VipSource::Subscription);
    assert_eq!(session.redemption_id, None);
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::hours(2))
    );
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.chat(), vec!["User1 is now VIP for 2 h!".to_string()]);
    let grants = h.audit(AuditAction::Grant).await;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].metadata["source"], "subscription");
    assert_eq!(
        grants[0].actor,
        Actor::Viewer {
            id: "1".into(),
            login: "user1".into()
        }
    );
    // Recorded under the message id; nothing to settle on Twitch.
    assert_eq!(h.outcome("sub:msg-sub").await, RedemptionOutcome::Fulfilled);
    assert_eq!(h.live.kinds(), vec![LiveKind::Granted]);
}

#[tokio::test]
async fn a_rule_until_the_stream_ends_grants_a_vip_without_a_deadline() {
    let h = Harness::with_settings(Settings {
        grant_rules: GrantRules {
            bits: Some(BitsRule {
                min_bits: 100,
                duration: app::model::GrantLength::StreamEnd,
            }),
            ..GrantRules::default()
        },
        ..Settings::default()
    })
    .await;
    let outcome = support(&h, cheered(&h, "msg-cheer", Some(&viewer(2)), 100)).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)), "{outcome:?}");
    let session = session_of(&outcome);
    assert!(session.ends_with_stream(), "{session:?}");
    assert_eq!(session.expires_at, None);
    assert_eq!(session.source, VipSource::Bits);
}

#[tokio::test]
async fn rules_are_off_by_default_and_gifted_subs_reward_the_gifter_only() {
    let h = Harness::new().await;
    let ann = viewer(1);
    assert_eq!(
        support(&h, subscribed(&h, "m1", &ann, false)).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::RuleOff))
    );
    assert_eq!(
        support(&h, cheered(&h, "m2", Some(&ann), 100_000)).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::RuleOff))
    );

    h.settings(|s| s.grant_rules = rules()).await;
    assert_eq!(
        support(&h, subscribed(&h, "m3", &ann, true)).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::GiftedSub))
    );
    assert_eq!(h.twitch.add_calls(), 0);
    assert!(h.store.redemption("sub:m3").await.unwrap().is_none());
}

#[tokio::test]
async fn gifts_below_the_threshold_or_anonymous_are_ignored() {
    let h = with_rules().await;
    let gifter = viewer(5);
    assert_eq!(
        support(&h, gifted(&h, "g1", Some(&gifter), 4)).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::BelowThreshold))
    );
    assert_eq!(
        support(&h, gifted(&h, "g2", None, 50)).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::Anonymous))
    );
    assert_eq!(h.twitch.add_calls(), 0);
    assert!(h.audit(AuditAction::Grant).await.is_empty());

    let outcome = support(&h, gifted(&h, "g3", Some(&gifter), 5)).await;
    let session = session_of(&outcome);
    assert_eq!(session.viewer, gifter);
    assert_eq!(session.source, VipSource::Subscription);
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::hours(24))
    );
}

#[tokio::test]
async fn cheers_below_the_threshold_or_anonymous_are_ignored() {
    let h = with_rules().await;
    let bob = viewer(2);
    assert_eq!(
        support(&h, cheered(&h, "c1", Some(&bob), 499)).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::BelowThreshold))
    );
    assert_eq!(
        support(&h, cheered(&h, "c2", None, 10_000)).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::Anonymous))
    );
    assert_eq!(h.twitch.add_calls(), 0);

    let outcome = support(&h, cheered(&h, "c3", Some(&bob), 500)).await;
    assert_eq!(session_of(&outcome).source, VipSource::Bits);
    assert_eq!(
        session_of(&outcome).expires_at,
        Some(h.now() + chrono::Duration::minutes(30))
    );
    assert_eq!(h.outcome("cheer:c3").await, RedemptionOutcome::Fulfilled);
}

#[tokio::test]
async fn the_same_message_is_granted_once_across_deliveries_and_instances() {
    let h = with_rules().await;
    let event = cheered(&h, "dup", Some(&viewer(1)), 1_000);
    let other = h.another_engine();
    tokio::join!(
        h.engine.deliver(event.clone()),
        other.deliver(event.clone()),
        h.engine.deliver(event.clone())
    );
    assert_eq!(support(&h, event).await, GrantOutcome::Duplicate);

    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.audit(AuditAction::Grant).await.len(), 1);
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 0);
    assert_eq!(h.chat().len(), 1);
    // Another cheer (another message) by the same viewer extends.
    let again = support(&h, cheered(&h, "next", Some(&viewer(1)), 1_000)).await;
    assert!(matches!(again, GrantOutcome::Extended(_)));
}

#[tokio::test]
async fn the_stacking_rule_applies_to_every_source() {
    let h = with_rules().await;
    let ann = viewer(1);
    let (first, _) = h.deliver_redemption(&ann).await;
    let deadline = session_of(&first).expires_at.unwrap();
    h.clock.advance(600);

    // Extend: the cheer's 30 minutes are added to the time left of the redemption's session.
    let cheer = support(&h, cheered(&h, "c", Some(&ann), 500)).await;
    assert!(matches!(cheer, GrantOutcome::Extended(_)));
    assert_eq!(session_of(&cheer).id, session_of(&first).id);
    assert_eq!(
        session_of(&cheer).expires_at,
        Some(deadline + chrono::Duration::minutes(30))
    );
    assert_eq!(h.chat()[1], "User1's VIP was extended by 30 min.");

    // Reset: the subscription starts over from now.
    h.settings(|s| s.stacking = StackingRule::Reset).await;
    h.clock.advance(60);
    let sub = support(&h, subscribed(&h, "s", &ann, false)).await;
    assert_eq!(
        session_of(&sub).expires_at,
        Some(h.now() + chrono::Duration::hours(2))
    );
    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 2);
}

#[tokio::test]
async fn a_moderator_or_permanent_vip_supporter_is_refused_without_touching_twitch_redemptions() {
    let h = with_rules().await;
    let moderator = viewer(3);
    h.twitch.make_moderator(&h.channel, &moderator);
    let outcome = support(&h, cheered(&h, "m", Some(&moderator), 1_000)).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::IsModerator));
    assert_eq!(
        h.outcome("cheer:m").await,
        RedemptionOutcome::Refunded(RefundReason::IsModerator)
    );
    let refused = h.audit(AuditAction::TwitchError).await;
    assert_eq!(refused[0].metadata["refused"], "is_moderator");
    assert_eq!(refused[0].metadata["source"], "bits");
    // No points were spent: no refund entry, no "points refunded" chat line.
    assert!(h.audit(AuditAction::Refund).await.is_empty());
    assert!(h.chat().is_empty());

    let regular = viewer(4);
    h.twitch.add_vip_by_hand(&h.channel, &regular);
    let outcome = support(&h, subscribed(&h, "p", &regular, false)).await;
    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::AlreadyVip));
    assert_eq!(h.active(&regular).await.unwrap().expires_at, None);
}
