//! Twitch's patience with webhook callbacks: answers after the response deadline are failures
//! (redelivered like any other), failures add up per subscription across messages until the
//! subscription is revoked with `notification_failures_exceeded`, and nothing more is delivered
//! for it afterwards.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::callback::*;
use crate::common::*;
use twitch_sim::Config;

/// The response deadline in these tests, and how long a slow callback takes: well past it, so a
/// slow answer is late however loaded the machine is, and far enough below it for a prompt one.
const DEADLINE: Duration = Duration::from_millis(500);
const SLOW: Duration = Duration::from_millis(1_500);

fn config(failure_limit: u32) -> Config {
    Config {
        webhook_response_deadline: DEADLINE,
        webhook_failure_limit: failure_limit,
        webhook_retry_delay: Duration::from_millis(10),
        ..Config::default()
    }
}

/// A new viewer is made VIP on Twitch's side: one `channel.vip.add` event. Returns the viewer id.
fn vip_event(env: &SimHarness, login: &str) -> String {
    let viewer = env.sim.add_user(login);
    env.sim.twitch_add_vip("streamer", login).unwrap();
    viewer.id
}

#[tokio::test]
async fn a_204_after_the_deadline_fails_and_is_redelivered_with_the_same_id() {
    let env = env_with(config(5)).await;
    let (cb, rx) = slow_receiver(SLOW).await;
    let sub = vip_add_subscription(&env, &cb).await;
    rx.slow_first_attempts(1);
    vip_event(&env, "viewer");

    let got = rx
        .wait_until("a redelivery", |got| {
            got.iter()
                .any(|r| r.message_type() == "notification" && r.retry() == "1")
        })
        .await;
    let notes: Vec<&Received> = got
        .iter()
        .filter(|r| r.message_type() == "notification")
        .collect();
    assert_eq!(notes[0].retry(), "0");
    assert_eq!(notes[1].retry(), "1");
    assert_eq!(notes[0].message_id(), notes[1].message_id());
    assert_signed(notes[1]);

    // The control API shows the first attempt as a late 204: a failure.
    let log = env.sim_get("/webhooks").await;
    let first = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["message_type"] == "notification" && a["retry"] == 0)
        .cloned()
        .unwrap();
    assert_eq!(first["status"], 204);
    assert_eq!(first["late"], true);
    assert_eq!(first["message_id"], notes[0].message_id());
    assert_eq!(status(&env, &sub), "enabled", "one failure is not too many");
}

#[tokio::test]
async fn slow_answers_across_messages_revoke_the_subscription() {
    let env = env_with(Config {
        webhook_retry_delay: Duration::from_secs(1),
        ..config(3)
    })
    .await;
    let (slow_cb, slow) = slow_receiver(SLOW).await;
    // The other callback answers one first attempt later still: its redelivery comes after any
    // redelivery to the revoked subscription would have.
    let (other_cb, other_rx) = slow_receiver(SLOW + Duration::from_secs(1)).await;
    let revoked = vip_add_subscription(&env, &slow_cb).await;
    let other = vip_add_subscription(&env, &other_cb).await;

    // Three messages, each answered late at its first attempt (a redelivery would be answered at
    // once): no message fails outright, but three failures are too many.
    slow.slow_first_attempts(3);
    other_rx.slow_first_attempts(1);
    for login in ["v1", "v2", "v3"] {
        vip_event(&env, login);
    }
    status_of(&env, &revoked, "notification_failures_exceeded").await;
    let got = slow
        .wait_until("the revocation", |got| {
            got.iter().any(|r| r.message_type() == "revocation")
        })
        .await;
    let revocation = got
        .iter()
        .find(|r| r.message_type() == "revocation")
        .unwrap();
    assert_signed(revocation);
    let body = revocation.json();
    assert_same_shape(&fixture("webhook_revocation.json"), &body);
    assert_eq!(body["subscription"]["id"], revoked.as_str());
    assert_eq!(
        body["subscription"]["status"],
        "notification_failures_exceeded"
    );
    let listed = env.sim_get("/subscriptions").await;
    let listed = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == revoked.as_str())
        .cloned()
        .unwrap();
    assert_eq!(listed["status"], "notification_failures_exceeded");

    // A later event reaches the other subscription only.
    other_rx
        .wait_until("the other subscription's redelivery", |got| {
            got.iter()
                .any(|r| r.message_type() == "notification" && r.retry() == "1")
        })
        .await;
    let later = vip_event(&env, "v4");
    other_rx
        .wait_until("the later event", |_| {
            delivered(&env, &other_rx, &other).contains(&later)
        })
        .await;
    let notes = slow.of_type("notification");
    assert_eq!(notes.len(), 3, "nothing after the revocation: {notes:?}");
    assert!(
        notes.iter().all(|r| r.retry() == "0"),
        "redeliveries pending at the revocation are dropped: {notes:?}"
    );
    let log = attempts(&env, &revoked);
    assert_eq!(log.len(), 3);
    assert!(
        log.iter().all(|a| a.late && a.status == Some(204)),
        "{log:?}"
    );
    assert_eq!(status(&env, &other), "enabled");
}

#[tokio::test]
async fn a_prompt_callback_is_never_revoked() {
    let env = env_with(Config {
        webhook_failure_limit: 2,
        ..Config::default()
    })
    .await;
    let (cb, rx) = receiver().await;
    let sub = vip_add_subscription(&env, &cb).await;
    let viewers: BTreeSet<String> = (0..6)
        .map(|i| vip_event(&env, &format!("viewer{i}")))
        .collect();
    rx.wait_until("six notifications delivered", |_| {
        delivered(&env, &rx, &sub) == viewers
    })
    .await;
    assert_eq!(status(&env, &sub), "enabled");
    let log = attempts(&env, &sub);
    assert_eq!(log.len(), 6, "each delivered at the first attempt: {log:?}");
    assert!(
        log.iter().all(|a| !a.late && a.status == Some(204)),
        "{log:?}"
    );
}

#[tokio::test]
async fn one_subscriptions_failures_do_not_count_against_another() {
    // Two failures each, four in all: together they would reach the limit.
    let env = env_with(config(4)).await;
    let (cb_a, a) = slow_receiver(SLOW).await;
    let (cb_b, b) = slow_receiver(SLOW).await;
    let sub_a = vip_add_subscription(&env, &cb_a).await;
    let sub_b = vip_add_subscription(&env, &cb_b).await;
    a.slow_first_attempts(2);
    b.slow_first_attempts(2);
    let first: BTreeSet<String> = ["v1", "v2"].iter().map(|l| vip_event(&env, l)).collect();
    for (rx, sub) in [(&a, &sub_a), (&b, &sub_b)] {
        let failures = || attempts(&env, sub).iter().filter(|x| x.late).count();
        rx.wait_until("two redelivered messages", |_| {
            delivered(&env, rx, sub) == first && failures() >= 2
        })
        .await;
    }
    assert_eq!(status(&env, &sub_a), "enabled");
    assert_eq!(status(&env, &sub_b), "enabled");

    let later = vip_event(&env, "v3");
    for (rx, sub) in [(&a, &sub_a), (&b, &sub_b)] {
        rx.wait_until("the later event", |_| {
            delivered(&env, rx, sub).contains(&later)
        })
        .await;
    }
}

#[tokio::test]
async fn a_challenge_answered_after_the_deadline_fails_verification() {
    let env = env_with(config(5)).await;
    let (cb, rx) = slow_receiver(SLOW).await;
    rx.slow_challenge();
    let id = subscribe_vip_add(&env, &cb).await;
    status_of(&env, &id, "webhook_callback_verification_failed").await;
    let log = env.sim.webhook_log();
    assert_eq!(log.len(), 1);
    assert!(log[0].late && log[0].status == Some(200), "{log:?}");
}

#[tokio::test]
async fn an_unanswered_notification_is_given_up_and_redelivered() {
    let env = env_with(Config {
        webhook_timeout: Duration::from_secs(1),
        ..config(5)
    })
    .await;
    let (cb, rx) = slow_receiver(Duration::from_secs(3_600)).await;
    let sub = vip_add_subscription(&env, &cb).await;
    rx.slow_first_attempts(1);
    let viewer = vip_event(&env, "viewer");
    rx.wait_until("the redelivery", |_| {
        delivered(&env, &rx, &sub).contains(&viewer)
    })
    .await;
    let first = attempts(&env, &sub).remove(0);
    assert_eq!((first.retry, first.status, first.late), (0, None, true));
}

#[tokio::test]
async fn the_simulator_waits_at_least_until_the_deadline() {
    // A client time-out shorter than the deadline does not cut off an answer in time.
    let env = env_with(Config {
        webhook_response_deadline: Duration::from_secs(2),
        webhook_timeout: Duration::from_millis(50),
        ..config(5)
    })
    .await;
    let (cb, rx) = slow_receiver(Duration::from_millis(300)).await;
    let sub = vip_add_subscription(&env, &cb).await;
    rx.slow_first_attempts(1);
    let viewer = vip_event(&env, "viewer");
    rx.wait_until("the delivery", |_| {
        delivered(&env, &rx, &sub).contains(&viewer)
    })
    .await;
    let log = attempts(&env, &sub);
    assert_eq!(
        log.len(),
        1,
        "answered in time at the first attempt: {log:?}"
    );
}
