//! Resubscriptions and bits beyond cheers: a shared resubscription grants like a subscription, a
//! Power-up or Combo like a cheer, and a cheer — which Twitch reports both as `channel.cheer` and as
//! `channel.bits.use` — is counted once.

use app::model::NoGrant;
use app::ssr::engine::{Support, SupportKind};
use app::ssr::events::BitsUse;

use super::grant_rules::{rules, with_rules};
use super::*;

fn resubscribed(h: &Harness, message_id: &str, who: &Viewer) -> TwitchEvent {
    TwitchEvent::Resubscribed {
        channel: h.channel.clone(),
        message_id: message_id.into(),
        viewer: who.clone(),
        tier: "2000".into(),
        cumulative_months: 7,
        message: "still here".into(),
    }
}

fn bits_used(
    h: &Harness,
    message_id: &str,
    who: Option<&Viewer>,
    bits: u32,
    kind: BitsUse,
) -> TwitchEvent {
    TwitchEvent::BitsUsed {
        channel: h.channel.clone(),
        message_id: message_id.into(),
        viewer: who.cloned(),
        bits,
        kind,
    }
}

fn cheered(h: &Harness, message_id: &str, who: &Viewer, bits: u32) -> TwitchEvent {
    TwitchEvent::Cheered {
        channel: h.channel.clone(),
        message_id: message_id.into(),
        viewer: Some(who.clone()),
        bits,
    }
}

/// What the engine decides for one use of bits, with its outcome.
async fn use_bits(h: &Harness, who: Option<&Viewer>, bits: u32, kind: BitsUse) -> GrantOutcome {
    h.engine
        .handle_support(Support {
            channel: h.channel.clone(),
            message_id: format!("direct-{}", h.twitch.add_calls()),
            kind: SupportKind::BitsUse {
                viewer: who.cloned(),
                bits,
                kind,
            },
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_shared_resubscription_grants_vip_like_a_subscription_once_per_message() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.engine
        .handle_event(resubscribed(&h, "r0", &ann))
        .await
        .unwrap();
    assert_eq!(h.twitch.add_calls(), 0, "the subscription rule is off");

    h.settings(|s| s.grant_rules = rules()).await;
    let event = resubscribed(&h, "r1", &ann);
    h.engine.handle_event(event.clone()).await.unwrap();
    let session = h.active(&ann).await.expect("VIP for the resubscription");
    assert_eq!(session.source, VipSource::Subscription);
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::hours(2))
    );
    assert!(h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.outcome("resub:r1").await, RedemptionOutcome::Fulfilled);
    assert_eq!(h.chat(), vec!["User1 is now VIP for 2 h!".to_string()]);
    let grants = h.audit(AuditAction::Grant).await;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].metadata["source"], "subscription");

    // The same message again, here or on another instance: nothing more.
    h.another_engine().handle_event(event).await.unwrap();
    assert_eq!(h.twitch.add_calls(), 1);
    assert!(h.audit(AuditAction::Extend).await.is_empty());

    // Next month's shared resubscription extends by the stacking rule, as a sub would.
    h.clock.advance(600);
    h.engine
        .handle_event(resubscribed(&h, "r2", &ann))
        .await
        .unwrap();
    assert_eq!(
        h.active(&ann).await.unwrap().expires_at,
        session.expires_at.map(|t| t + chrono::Duration::hours(2))
    );
    assert_eq!(h.audit(AuditAction::Extend).await.len(), 1);
    assert_eq!(h.twitch.add_calls(), 1);
}

#[tokio::test]
async fn power_ups_and_combos_grant_vip_like_cheers() {
    let h = with_rules().await;
    let (ann, bob) = (viewer(1), viewer(2));
    let power_up = BitsUse::PowerUp("gigantify_an_emote".into());
    h.engine
        .handle_event(bits_used(&h, "p1", Some(&ann), 500, power_up))
        .await
        .unwrap();
    let session = h.active(&ann).await.expect("VIP for the Power-up");
    assert_eq!(session.source, VipSource::Bits);
    assert_eq!(
        session.expires_at,
        Some(h.now() + chrono::Duration::minutes(30))
    );
    assert_eq!(h.outcome("bits:p1").await, RedemptionOutcome::Fulfilled);
    assert_eq!(
        h.audit(AuditAction::Grant).await[0].metadata["source"],
        "bits"
    );

    h.engine
        .handle_event(bits_used(&h, "c1", Some(&bob), 500, BitsUse::Combo))
        .await
        .unwrap();
    assert!(h.twitch.is_vip(&h.channel, "2"));
    assert_eq!(h.outcome("bits:c1").await, RedemptionOutcome::Fulfilled);
    assert_eq!(h.twitch.add_calls(), 2);
}

#[tokio::test]
async fn small_anonymous_or_unruled_uses_of_bits_grant_nobody() {
    let h = Harness::new().await;
    let carol = viewer(3);
    assert_eq!(
        use_bits(&h, Some(&carol), 10_000, BitsUse::Combo).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::RuleOff))
    );
    h.settings(|s| s.grant_rules = rules()).await;
    assert_eq!(
        use_bits(&h, Some(&carol), 499, BitsUse::Combo).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::BelowThreshold))
    );
    assert_eq!(
        use_bits(&h, None, 10_000, BitsUse::PowerUp("celebration".into())).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::Anonymous))
    );
    assert_eq!(h.twitch.add_calls(), 0);
    assert!(h.audit(AuditAction::Grant).await.is_empty());
}

#[tokio::test]
async fn a_cheer_reported_by_both_types_is_counted_once() {
    let h = with_rules().await;
    let bob = viewer(2);
    // Twitch sends both notifications for one cheer, in either order, with different message ids.
    h.engine
        .handle_event(bits_used(&h, "use-1", Some(&bob), 500, BitsUse::Cheer))
        .await
        .unwrap();
    h.engine
        .handle_event(cheered(&h, "cheer-1", &bob, 500))
        .await
        .unwrap();
    h.engine
        .handle_event(bits_used(&h, "use-2", Some(&bob), 500, BitsUse::Cheer))
        .await
        .unwrap();

    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.audit(AuditAction::Grant).await.len(), 1);
    assert!(h.audit(AuditAction::Extend).await.is_empty());
    assert_eq!(h.chat().len(), 1);
    assert_eq!(
        h.outcome("cheer:cheer-1").await,
        RedemptionOutcome::Fulfilled
    );
    for ignored in ["bits:use-1", "bits:use-2"] {
        assert!(h.store.redemption(ignored).await.unwrap().is_none());
    }
    assert_eq!(
        use_bits(&h, Some(&bob), 500, BitsUse::Cheer).await,
        GrantOutcome::Ignored(IgnoreReason::NoRule(NoGrant::CountedAsCheer))
    );
}
