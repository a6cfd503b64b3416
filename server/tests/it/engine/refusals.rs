//! Every refusal ends: a refusal no rule maps is refunded at once as `twitch_refused` with Twitch's
//! words in the audit entry; the broadcaster's own redemption is refunded without asking Twitch;
//! an outage (5xx, time-outs, 429) leaves the redemption pending for a bounded number of catch-up
//! passes, counted in the store, and then refunds it as `twitch_unavailable`.

use app::model::BitsRule;
use app::ssr::engine::DEFAULT_CATCH_UP_ATTEMPTS;

use super::*;

/// Asserts that redemption `id` was refunded for `reason`: CANCELED on Twitch, recorded, one
/// chat line naming the reason, one refund entry (returned) and a live event.
async fn assert_refunded(h: &Harness, id: &str, reason: RefundReason) -> AuditEntry {
    assert_eq!(h.twitch.status(id), Status::Canceled);
    assert_eq!(h.outcome(id).await, RedemptionOutcome::Refunded(reason));
    let chat = h.chat();
    assert_eq!(chat.len(), 1, "{chat:?}");
    assert!(chat[0].contains(reason.describe()), "{chat:?}");
    assert!(chat[0].contains("your points were refunded"), "{chat:?}");
    let refunds = h.audit(AuditAction::Refund).await;
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].metadata["reason"], json_name(reason));
    assert_eq!(refunds[0].metadata["redemption_id"], id);
    assert_eq!(h.live.kinds().last(), Some(&LiveKind::Refunded));
    refunds[0].clone()
}

fn json_name(reason: RefundReason) -> serde_json::Value {
    serde_json::to_value(reason).unwrap()
}

/// Delivers a redemption by `who` that Twitch refuses once with `refusal` saying `said`; asserts
/// it is refunded as `twitch_refused` with Twitch's words in the refund entry.
async fn refused_once(h: &Harness, who: &Viewer, refusal: fn(String) -> TwitchError, said: &str) {
    h.twitch.fail_next(Op::AddVip, refusal(said.into()), 1);
    let (outcome, id) = h.deliver_redemption(who).await;

    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::TwitchRefused));
    let refund = assert_refunded(h, &id, RefundReason::TwitchRefused).await;
    assert_eq!(refund.metadata["twitch_message"], said);
}

#[tokio::test]
async fn a_403_from_add_vip_is_refunded_as_twitch_refused_with_twitchs_words() {
    let h = Harness::new().await;
    let said = "The broadcaster may not add this user as a VIP.";
    refused_once(&h, &viewer(1), TwitchError::Forbidden, said).await;
    assert_eq!(h.twitch.add_calls(), 1, "a refusal is not retried");
    assert!(!h.twitch.is_vip(&h.channel, "1"));
    assert_eq!(h.active(&viewer(1)).await, None);
    // Decided: catch-up has nothing left to do with it.
    assert_eq!(
        h.engine.catch_up(&h.channel).await.unwrap(),
        Default::default()
    );
    assert_eq!(h.twitch.add_calls(), 1);
}

#[tokio::test]
async fn an_unexplained_422_is_refunded_the_same_way() {
    let h = Harness::new().await;
    let said = "The user in user_id may not be added as a VIP.";
    refused_once(&h, &viewer(2), TwitchError::Rejected, said).await;
    assert_eq!(
        h.chat(),
        vec![
            "Sorry User2, VIP could not be granted (Twitch refused to add the VIP); your points were refunded."
                .to_string()
        ]
    );
}

#[tokio::test]
async fn a_manual_grant_twitch_refuses_is_refused_with_the_reason_and_twitchs_words() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::AddVip, TwitchError::Forbidden("no".into()), 1);
    let outcome = h
        .engine
        .grant_manual(&h.channel, viewer(3), secs(HOUR), streamer())
        .await
        .unwrap();

    assert_eq!(outcome, GrantOutcome::Refunded(RefundReason::TwitchRefused));
    let refused = h.audit(AuditAction::TwitchError).await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].metadata["refused"], "twitch_refused");
    assert_eq!(refused[0].metadata["twitch_message"], "no");
    assert_eq!(refused[0].actor, streamer());
    // No points were spent: no refund entry, no chat line.
    assert!(h.audit(AuditAction::Refund).await.is_empty());
    assert!(h.chat().is_empty());
}

#[tokio::test]
async fn the_broadcasters_own_redemption_is_refunded_without_asking_twitch() {
    let h = Harness::new().await;
    let (outcome, id) = h.deliver_redemption(&broadcaster()).await;

    assert_eq!(
        outcome,
        GrantOutcome::Refunded(RefundReason::BroadcasterSelf)
    );
    assert_eq!(h.twitch.add_calls(), 0);
    let refund = assert_refunded(&h, &id, RefundReason::BroadcasterSelf).await;
    assert_eq!(
        refund.metadata["detail"],
        "the broadcaster cannot be a VIP of their own channel"
    );
    assert_eq!(
        h.chat(),
        vec![
            "Sorry Streamer, VIP could not be granted (the broadcaster cannot be a VIP of their own channel); your points were refunded."
                .to_string()
        ]
    );
}

#[tokio::test]
async fn the_broadcaster_granting_or_cheering_for_themself_is_refused_without_asking_twitch() {
    let h = Harness::with_settings(Settings {
        grant_rules: app::model::GrantRules {
            bits: Some(BitsRule {
                min_bits: 100,
                duration: secs(HOUR).into(),
            }),
            ..Default::default()
        },
        ..Settings::default()
    })
    .await;
    let manual = h
        .engine
        .grant_manual(&h.channel, broadcaster(), secs(HOUR), streamer())
        .await
        .unwrap();
    assert_eq!(
        manual,
        GrantOutcome::Refunded(RefundReason::BroadcasterSelf)
    );

    h.engine
        .deliver(TwitchEvent::Cheered {
            channel: h.channel.clone(),
            message_id: "own-cheer".into(),
            viewer: Some(broadcaster()),
            bits: 500,
        })
        .await;
    assert_eq!(
        h.outcome("cheer:own-cheer").await,
        RedemptionOutcome::Refunded(RefundReason::BroadcasterSelf)
    );
    assert_eq!(h.twitch.add_calls(), 0);
    let refused = h.audit(AuditAction::TwitchError).await;
    assert_eq!(refused.len(), 2);
    assert!(refused
        .iter()
        .all(|e| e.metadata["refused"] == "broadcaster_self"));
}

#[tokio::test]
async fn a_lasting_outage_stays_pending_then_is_refunded_after_the_bound_across_restarts() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::AddVip, TwitchError::Transient("503".into()), 1_000);
    let id = h.deliver_left_pending(&viewer(1)).await;

    // Every catch-up pass but the last leaves it pending. Half of them run on a new engine on
    // the same store, as after a restart: the count lives in the store.
    let restarted = h.another_engine();
    for pass in 1..DEFAULT_CATCH_UP_ATTEMPTS {
        let engine = if pass % 2 == 0 {
            &restarted
        } else {
            &*h.engine
        };
        assert_eq!(engine.catch_up(&h.channel).await.unwrap().processed, 1);
        assert_eq!(h.twitch.status(&id), Status::Unfulfilled, "pass {pass}");
        assert_eq!(h.outcome(&id).await, RedemptionOutcome::Pending);
    }
    assert!(h.audit(AuditAction::Refund).await.is_empty());
    assert!(h.chat().is_empty());
    let left = h.audit(AuditAction::TwitchError).await;
    assert_eq!(left.len(), DEFAULT_CATCH_UP_ATTEMPTS as usize);
    assert_eq!(left[0].metadata["left_for_catch_up"], true);
    assert_eq!(
        left[0].metadata["catch_up_attempt"],
        DEFAULT_CATCH_UP_ATTEMPTS - 1
    );

    // The last allowed pass fails too: refunded.
    restarted.catch_up(&h.channel).await.unwrap();
    let refund = assert_refunded(&h, &id, RefundReason::TwitchUnavailable).await;
    assert_eq!(
        refund.metadata["catch_up_attempts"],
        DEFAULT_CATCH_UP_ATTEMPTS
    );
    assert_eq!(
        refund.metadata["twitch_message"],
        "Twitch is unavailable: 503"
    );
    assert_eq!(
        h.twitch.add_calls(),
        3 * (1 + DEFAULT_CATCH_UP_ATTEMPTS as usize)
    );
    // And nothing is tried again.
    h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(
        h.twitch.add_calls(),
        3 * (1 + DEFAULT_CATCH_UP_ATTEMPTS as usize)
    );
}

#[tokio::test]
async fn the_bound_is_configurable_and_a_recovery_before_it_still_grants() {
    let h = Harness::new().await;
    let engine = h.another_engine().with_catch_up_attempts(2);
    h.twitch
        .fail_next(Op::AddVip, TwitchError::Transient("500".into()), 6);
    let (_, recovered) = h.deliver_redemption_to(&engine, &viewer(1)).await;
    // One pass fails (3 more calls): still pending. Twitch recovers: the next pass grants.
    engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(h.outcome(&recovered).await, RedemptionOutcome::Pending);
    engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(h.outcome(&recovered).await, RedemptionOutcome::Fulfilled);
    assert_eq!(h.twitch.status(&recovered), Status::Fulfilled);

    h.twitch
        .fail_next(Op::AddVip, TwitchError::Transient("500".into()), 9);
    let (_, given_up) = h.deliver_redemption_to(&engine, &viewer(2)).await;
    engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(h.outcome(&given_up).await, RedemptionOutcome::Pending);
    engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(
        h.outcome(&given_up).await,
        RedemptionOutcome::Refunded(RefundReason::TwitchUnavailable)
    );
}

#[tokio::test]
async fn a_rate_limit_leaves_the_redemption_pending_not_refunded() {
    let h = Harness::new().await;
    // Reset too far away to wait for: the retries give up at once.
    let reset_at = h.now() + chrono::Duration::minutes(5);
    h.twitch
        .fail_next(Op::AddVip, TwitchError::RateLimited { reset_at }, 1);
    let id = h.deliver_left_pending(&viewer(1)).await;

    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);
    assert_eq!(h.outcome(&id).await, RedemptionOutcome::Pending);
    assert!(h.audit(AuditAction::Refund).await.is_empty());
    assert_eq!(h.audit(AuditAction::TwitchError).await.len(), 1);

    // The limit lapses; catch-up grants it.
    h.clock.advance(300);
    h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
}
