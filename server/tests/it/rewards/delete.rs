//! Deleting a reward refunds what waits on it first (Twitch would fulfil it and keep the points);
//! a failed refund keeps the reward; a reward deleted on Twitch's side closes its waitlist truthfully.

use app::error::{AppError, Refusal};
use app::model::{AuditAction, LiveKind, RedemptionOutcome, RefundReason, Reward};
use app::ssr::engine::GrantOutcome;
use app::ssr::events::TwitchEvent;
use app::ssr::twitch::TwitchApi;
use twitch_sim::RedemptionStatus;

use super::{Lifecycle, REDEMPTIONS};

/// Points every demo viewer starts with on the simulated Twitch.
const START_POINTS: i64 = 1_000_000;

/// A reward whose one VIP slot is taken: alice's redemption is waitlisted, bob's is still pending
/// (the app has not heard of it). Returns (reward, alice's redemption, bob's redemption).
async fn waiting_redemptions(h: &Lifecycle) -> (Reward, String, String) {
    let b = h.env.streamer().to_owned();
    h.env.sim.set_vip_slots(&b, 1).unwrap();
    h.env.sim.twitch_add_vip(&b, "viewer_dave").unwrap();
    let reward = h.create("VIP for an hour", 500).await.unwrap();
    let alice = h.redeem("viewer_alice", &reward.id);
    assert_eq!(
        h.deliver(&alice, &reward.id, 0).await,
        GrantOutcome::Waitlisted
    );
    let bob = h.redeem("viewer_bob", &reward.id);
    (reward, alice, bob)
}

/// Deletes the reward on Twitch's side, not through the app: Twitch fulfils what was pending.
async fn delete_on_twitch(h: &Lifecycle, reward_id: &str) {
    h.env
        .client
        .delete_reward(h.channel(), reward_id)
        .await
        .unwrap();
}

/// Hands the engine Twitch's news that the reward is gone.
async fn reward_removed(h: &Lifecycle, reward_id: &str) {
    h.ctx
        .engine()
        .handle_event(TwitchEvent::RewardRemoved {
            channel: h.channel().clone(),
            reward_id: reward_id.to_owned(),
        })
        .await
        .unwrap();
}

/// Asserts the app recorded redemption `id` as closed by Twitch (not refunded).
async fn assert_closed_by_twitch(h: &Lifecycle, id: &str) {
    let record = h.env.store.redemption(id).await.unwrap().unwrap();
    assert_eq!(record.outcome, RedemptionOutcome::ClosedByTwitch);
}

#[tokio::test]
async fn deleting_refunds_waitlisted_and_pending_redemptions_then_deletes() {
    let h = Lifecycle::start().await;
    let (reward, alice, bob) = waiting_redemptions(&h).await;

    h.delete(&reward.id).await.unwrap();

    for id in [&alice, &bob] {
        assert_eq!(h.status(id), RedemptionStatus::Canceled);
        let record = h.env.store.redemption(id).await.unwrap().unwrap();
        assert_eq!(
            record.outcome,
            RedemptionOutcome::Refunded(RefundReason::RewardDeleted)
        );
    }
    for viewer in ["viewer_alice", "viewer_bob"] {
        assert_eq!(h.env.sim.points(h.env.streamer(), viewer), START_POINTS);
    }
    assert!(h.env.store.waitlist(h.channel()).await.unwrap().is_empty());
    // Both in one Update Redemption Status call, before the reward was deleted.
    let cancels = h.calls("PATCH", REDEMPTIONS);
    assert_eq!(cancels.len(), 1);
    assert_eq!(cancels[0].query_all("id").len(), 2);
    assert!(h.twitch_rewards().iter().all(|r| r.0 != reward.id));
    assert!(h.env.store.reward(&reward.id).await.unwrap().is_none());
    let refunds = h.audit(AuditAction::Refund).await;
    assert_eq!(refunds.len(), 2);
    assert!(refunds
        .iter()
        .all(|e| e.metadata["reason"] == "reward_deleted"));
    let deleted = h.audit(AuditAction::RewardDeleted).await;
    assert_eq!(deleted.len(), 1);
    assert!(deleted[0].metadata["note"]
        .as_str()
        .unwrap()
        .contains("2 waiting redemption(s) refunded"));
    let kinds = h.live_kinds();
    assert_eq!(
        kinds.iter().filter(|k| **k == LiveKind::Refunded).count(),
        2
    );
    let chat = h.env.sim.chat_messages(h.env.streamer());
    assert!(
        chat.iter()
            .filter(|m| m.message.contains("the reward was deleted"))
            .count()
            == 2,
        "{chat:?}"
    );
    // A late delivery of bob's redemption grants nothing for refunded points.
    let late = h.deliver(&bob, &reward.id, 1).await;
    assert!(
        matches!(late, GrantOutcome::Ignored(_) | GrantOutcome::Duplicate),
        "{late:?}"
    );
    assert!(!h.env.sim.vips(h.env.streamer()).contains(&h.env.viewer(1)));
}

#[tokio::test]
async fn more_than_fifty_waiting_redemptions_are_refunded_fifty_per_call() {
    let h = Lifecycle::start().await;
    let reward = h.create("VIP for an hour", 500).await.unwrap();
    let ids: Vec<String> = (0..55)
        .map(|i| h.redeem(&h.env.demo.viewers[i % 4].login, &reward.id))
        .collect();

    h.delete(&reward.id).await.unwrap();

    let cancels = h.calls("PATCH", REDEMPTIONS);
    let sizes: Vec<usize> = cancels.iter().map(|c| c.query_all("id").len()).collect();
    assert_eq!(sizes, [50, 5]);
    assert!(ids
        .iter()
        .all(|id| h.status(id) == RedemptionStatus::Canceled));
    assert_eq!(h.audit(AuditAction::Refund).await.len(), 55);
}

#[tokio::test]
async fn a_failed_refund_keeps_the_reward_and_tells_the_streamer() {
    let h = Lifecycle::start().await;
    let (reward, alice, bob) = waiting_redemptions(&h).await;
    // Update Redemption Status fails, and so does the client's one retry.
    for _ in 0..2 {
        h.env.sim.fail_next(&format!("PATCH {REDEMPTIONS}"), 500);
    }

    let refused = h.delete(&reward.id).await;

    assert_eq!(
        refused,
        Err(AppError::Refused(Refusal::RedemptionsNotRefunded))
    );
    // Nothing was lost: the reward is there (switched off, so nobody redeems it meanwhile), the
    // redemptions are still UNFULFILLED, alice still waits.
    let on_twitch = h.twitch_rewards();
    let kept = on_twitch.iter().find(|r| r.0 == reward.id).expect("kept");
    assert!(!kept.2, "switched off");
    let stored = h.env.store.reward(&reward.id).await.unwrap().unwrap();
    assert!(!stored.enabled);
    for id in [&alice, &bob] {
        assert_eq!(h.status(id), RedemptionStatus::Unfulfilled);
    }
    let waiting = h.env.store.waitlist(h.channel()).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].redemption_id, alice);
    assert!(h.audit(AuditAction::Refund).await.is_empty());
    assert!(h.audit(AuditAction::RewardDeleted).await.is_empty());
    let problems = h.audit(AuditAction::TwitchError).await;
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].metadata["problem"], "redemptions_not_refunded");
    assert_eq!(problems[0].metadata["banner"], true);
    let listed = problems[0].metadata["not_refunded"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert!(h.live_kinds().contains(&LiveKind::TwitchError));

    // Once Twitch answers again, deleting it again finishes the job.
    h.delete(&reward.id).await.unwrap();
    for id in [&alice, &bob] {
        assert_eq!(h.status(id), RedemptionStatus::Canceled);
    }
    assert!(h.env.store.reward(&reward.id).await.unwrap().is_none());
    assert_eq!(h.audit(AuditAction::Refund).await.len(), 2);
}

#[tokio::test]
async fn a_reward_deleted_on_twitch_closes_its_waitlist_without_claiming_a_refund() {
    let h = Lifecycle::start().await;
    let (reward, alice, _bob) = waiting_redemptions(&h).await;
    // Deleted on Twitch's side, not through the app: Twitch fulfils what was pending.
    delete_on_twitch(&h, &reward.id).await;
    assert_eq!(h.status(&alice), RedemptionStatus::Fulfilled);

    reward_removed(&h, &reward.id).await;

    assert_closed_by_twitch(&h, &alice).await;
    assert!(h.env.store.waitlist(h.channel()).await.unwrap().is_empty());
    assert!(h.env.store.reward(&reward.id).await.unwrap().is_none());
    assert!(h.audit(AuditAction::Refund).await.is_empty(), "no refund");
    assert!(!h.live_kinds().contains(&LiveKind::Refunded));
    let problems = h.audit(AuditAction::TwitchError).await;
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].metadata["problem"], "reward_deleted_on_twitch");
    assert_eq!(
        problems[0].target.as_ref().map(|v| v.login.as_str()),
        Some("viewer_alice")
    );
    let deleted = h.audit(AuditAction::RewardDeleted).await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].metadata["changed_on"], "twitch");
    assert_eq!(deleted[0].metadata["closed_by_twitch"], 1);
    // A second delivery of the event changes nothing.
    reward_removed(&h, &reward.id).await;
    assert_eq!(h.audit(AuditAction::TwitchError).await.len(), 1);
}

#[tokio::test]
async fn a_waitlisted_redemption_fulfilled_by_hand_is_closed_not_refunded() {
    let h = Lifecycle::start().await;
    let (reward, alice, bob) = waiting_redemptions(&h).await;
    // The streamer marks alice's redemption done in Twitch's request queue.
    h.env
        .client
        .set_redemption_status(
            h.channel(),
            &reward.id,
            &alice,
            app::ssr::twitch::RedemptionStatus::Fulfilled,
        )
        .await
        .unwrap();

    h.delete(&reward.id).await.unwrap();

    assert_eq!(h.status(&alice), RedemptionStatus::Fulfilled);
    assert_eq!(h.status(&bob), RedemptionStatus::Canceled);
    assert_closed_by_twitch(&h, &alice).await;
    assert!(h.env.store.waitlist(h.channel()).await.unwrap().is_empty());
    let refunds = h.audit(AuditAction::Refund).await;
    assert_eq!(refunds.len(), 1, "bob only");
    assert_eq!(refunds[0].metadata["redemption_id"], bob.as_str());
    let problems = h.audit(AuditAction::TwitchError).await;
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].metadata["problem"], "fulfilled_on_twitch");
    let note = h.audit(AuditAction::RewardDeleted).await[0].metadata["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(note.contains("1 waiting redemption(s) refunded"), "{note}");
    assert!(
        note.contains("1 waiting redemption(s) had been closed"),
        "{note}"
    );
}

#[tokio::test]
async fn deleting_a_reward_twitch_no_longer_has_forgets_it_and_closes_its_waitlist() {
    let h = Lifecycle::start().await;
    let (reward, alice, _bob) = waiting_redemptions(&h).await;
    delete_on_twitch(&h, &reward.id).await;

    h.delete(&reward.id).await.unwrap();

    assert!(h.env.store.reward(&reward.id).await.unwrap().is_none());
    assert_closed_by_twitch(&h, &alice).await;
    assert!(h.audit(AuditAction::Refund).await.is_empty());
    let problems = h.audit(AuditAction::TwitchError).await;
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].metadata["problem"], "reward_deleted_on_twitch");
    assert_eq!(h.audit(AuditAction::RewardDeleted).await.len(), 1);
}
