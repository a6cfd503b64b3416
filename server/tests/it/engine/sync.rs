//! Reconciliation, catching up with Twitch (`sync`): Get VIPs adopts unknown VIPs and closes
//! vanished ones; catch-up processes redemptions made while the app was down.

use super::*;

#[tokio::test]
async fn sync_adopts_unknown_vips_and_closes_vanished_ones() {
    let h = Harness::new().await;
    let ann = viewer(1);
    h.deliver_redemption(&ann).await;
    // While nobody listened: Ann's VIP removed by hand, Bob made VIP by hand.
    h.twitch.remove_vip_by_hand(&h.channel, "1");
    h.twitch.add_vip_by_hand(&h.channel, &viewer(2));

    let report = h.engine.sync_vips(&h.channel).await.unwrap();
    assert_eq!(report.closed, 1);
    assert_eq!(report.external_added, 1);
    assert_eq!(h.active(&ann).await, None);
    assert_eq!(
        h.active(&viewer(2)).await.unwrap().source,
        VipSource::External
    );
    // Idempotent.
    assert_eq!(
        h.engine.sync_vips(&h.channel).await.unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn catch_up_processes_redemptions_made_while_down() {
    let h = Harness::new().await;
    // Three redemptions while no EventSub connection listened; one viewer twice.
    let (_, a) = h.redeem(&viewer(1));
    let (_, b) = h.redeem(&viewer(2));
    let (_, c) = h.redeem(&viewer(1));
    let report = h.engine.catch_up(&h.channel).await.unwrap();

    assert_eq!(report.processed, 3);
    for id in [&a, &b, &c] {
        assert_eq!(h.twitch.status(id), Status::Fulfilled);
    }
    assert_eq!(
        h.active(&viewer(1)).await.unwrap().expires_at,
        Some(h.now() + chrono::Duration::hours(2))
    );
    // A second catch-up (another instance) finds nothing to do.
    let again = h.another_engine().catch_up(&h.channel).await.unwrap();
    assert_eq!(again, Default::default());
    assert_eq!(h.twitch.add_calls(), 2);
}

#[tokio::test]
async fn catch_up_settles_a_decision_that_never_reached_twitch() {
    let h = Harness::new().await;
    h.twitch
        .fail_next(Op::SetStatus, TwitchError::Transient("500".into()), 3);
    let (outcome, id) = h.deliver_redemption(&viewer(1)).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)));
    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);

    let report = h.engine.catch_up(&h.channel).await.unwrap();
    assert_eq!(report.settled, 1);
    assert_eq!(report.processed, 0);
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.twitch.add_calls(), 1);
}

#[tokio::test]
async fn a_grant_cut_off_before_twitch_hears_of_it_keeps_its_activity_line_and_is_settled_once() {
    let h = Harness::new().await;
    let _held = h.twitch.hold_settles();
    let (event, id) = h.redeem(&viewer(1));
    let TwitchEvent::Redemption {
        channel,
        redemption_id,
        reward_id,
        viewer: who,
        redeemed_at,
        ..
    } = event
    else {
        unreachable!()
    };
    let mut grant = Box::pin(
        h.engine
            .handle_redemption(app::ssr::engine::IncomingRedemption {
                channel,
                redemption_id,
                reward_id,
                viewer: who,
                redeemed_at,
            }),
    );
    // The process dies while FULFILLED is on its way to Twitch.
    tokio::select! {
        outcome = &mut grant => panic!("finished while Twitch was held: {outcome:?}"),
        () = async {
            while h.twitch.settles_waiting() == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        } => {}
    }
    drop(grant);
    assert_eq!(h.twitch.status(&id), Status::Unfulfilled);
    let grants = h.audit(AuditAction::Grant).await;
    assert_eq!(
        grants.len(),
        1,
        "the activity line is written before Twitch is told"
    );
    assert_eq!(grants[0].metadata["redemption_id"], id.as_str());

    h.twitch.release_settles();
    let report = h.another_engine().catch_up(&h.channel).await.unwrap();
    assert_eq!((report.settled, report.processed), (1, 0));
    assert_eq!(h.twitch.status(&id), Status::Fulfilled);
    assert_eq!(h.twitch.add_calls(), 1);
    assert_eq!(h.audit(AuditAction::Grant).await.len(), 1);
}
