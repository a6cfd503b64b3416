//! The app-wide `user.authorization.revoke` webhook subscription stays in place: deleted on Twitch,
//! or revoked by Twitch, it is made anew at the next status check.

use std::time::Duration;

use serde_json::Value;

use super::harness::{eventually, Harness};
use super::webhook::webhook_supervisor;

/// The enabled `user.authorization.revoke` subscriptions' ids.
fn revoke_subscriptions(h: &Harness) -> Vec<String> {
    h.subscriptions()
        .iter()
        .filter(|s| s["type"] == "user.authorization.revoke" && s["status"] == "enabled")
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect()
}

/// Waits until exactly one enabled subscription exists, other than `gone`; returns its id.
async fn one_other_than(h: &Harness, gone: Option<&str>) -> String {
    eventually("user.authorization.revoke enabled", || {
        let ids = revoke_subscriptions(h);
        ids.len() == 1 && Some(ids[0].as_str()) != gone
    })
    .await;
    revoke_subscriptions(h).remove(0)
}

#[tokio::test]
async fn the_authorization_revoke_subscription_is_made_again_when_it_is_gone() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let (supervisor, callback) = webhook_supervisor(&h, Duration::from_millis(200)).await;
    supervisor.start().await.unwrap();
    let first = one_other_than(&h, None).await;

    assert!(h.sim.delete_subscription(&first), "deleted on Twitch");
    let second = one_other_than(&h, Some(&first)).await;

    assert!(h
        .sim
        .revoke_subscription(&second, "notification_failures_exceeded"));
    let third = one_other_than(&h, Some(&second)).await;
    let subs: Vec<Value> = h.subscriptions();
    let made = subs.iter().find(|s| s["id"] == third.as_str()).unwrap();
    assert_eq!(made["transport"]["callback"], callback.as_str());
    assert_eq!(made["condition"]["client_id"], h.client_id.as_str());
    h.stop().await;
}
