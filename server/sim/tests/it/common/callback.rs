//! A webhook callback on port 0 that records every request and answers as the test says, and
//! helpers to subscribe it and wait on it.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use reqwest::Method;
use serde_json::{json, Value};
use twitch_sim::state::WebhookAttempt;
use twitch_sim::webhook;

use super::{Resp, SimHarness};

pub const SECRET: &str = "this-is-a-test-secret-0123456789";

/// How long the helpers below wait for something that should happen (only a broken simulator
/// waits this long).
const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers[name].to_str().unwrap().to_string()
    }

    /// `Twitch-Eventsub-Message-Type`.
    pub fn message_type(&self) -> String {
        self.header("twitch-eventsub-message-type")
    }

    pub fn message_id(&self) -> String {
        self.header("twitch-eventsub-message-id")
    }

    pub fn retry(&self) -> String {
        self.header("twitch-eventsub-message-retry")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// What the callback answers: the challenge correctly and notifications with 204, unless told
/// otherwise.
#[derive(Clone, Default)]
pub struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    fail_notifications: Arc<AtomicBool>,
    bad_challenge: Arc<AtomicBool>,
    challenge_202: Arc<AtomicBool>,
    slow_challenge: Arc<AtomicBool>,
    slow_first_attempts: Arc<AtomicUsize>,
    slowness: Duration,
}

impl Receiver {
    /// Notifications are answered 500.
    pub fn fail_notifications(&self) {
        self.fail_notifications.store(true, Ordering::SeqCst);
    }

    /// The challenge is answered with a wrong body.
    pub fn bad_challenge(&self) {
        self.bad_challenge.store(true, Ordering::SeqCst);
    }

    /// The challenge's body is right but its status is 202, not 200.
    pub fn challenge_202(&self) {
        self.challenge_202.store(true, Ordering::SeqCst);
    }

    /// The challenge is answered correctly, after the receiver's slowness.
    pub fn slow_challenge(&self) {
        self.slow_challenge.store(true, Ordering::SeqCst);
    }

    /// The first attempt (retry 0) of the next `n` notifications is answered 204 after the
    /// receiver's slowness; redeliveries are answered at once.
    pub fn slow_first_attempts(&self, n: usize) {
        self.slow_first_attempts.store(n, Ordering::SeqCst);
    }

    /// Every request so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// The requests of one message type so far, in arrival order.
    pub fn of_type(&self, message_type: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.message_type() == message_type)
            .collect()
    }

    /// Waits until at least `n` requests arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        self.wait_until(&format!("{n} webhook requests"), |got| got.len() >= n)
            .await
    }

    /// Waits until the requests so far satisfy `done`; returns them.
    pub async fn wait_until(
        &self,
        what: &str,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if done(&got) {
                return got;
            }
            assert!(start.elapsed() < PATIENCE, "never got {what}: {got:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Whether this notification attempt is one to answer slowly (and uses up one of them).
    fn take_slow_first_attempt(&self, headers: &HeaderMap) -> bool {
        headers["twitch-eventsub-message-retry"] == "0"
            && self
                .slow_first_attempts
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
    }
}

async fn receive(
    State(rx): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    rx.got.lock().unwrap().push(Received {
        headers: headers.clone(),
        body: body.clone(),
    });
    let kind = headers["twitch-eventsub-message-type"].to_str().unwrap();
    if kind == "webhook_callback_verification" {
        if rx.bad_challenge.load(Ordering::SeqCst) {
            return (StatusCode::OK, "wrong".into());
        }
        if rx.slow_challenge.load(Ordering::SeqCst) {
            tokio::time::sleep(rx.slowness).await;
        }
        let v: Value = serde_json::from_slice(&body).unwrap();
        let status = if rx.challenge_202.load(Ordering::SeqCst) {
            StatusCode::ACCEPTED
        } else {
            StatusCode::OK
        };
        return (status, v["challenge"].as_str().unwrap().to_string());
    }
    if kind == "notification" {
        if rx.fail_notifications.load(Ordering::SeqCst) {
            return (StatusCode::INTERNAL_SERVER_ERROR, String::new());
        }
        if rx.take_slow_first_attempt(&headers) {
            tokio::time::sleep(rx.slowness).await;
        }
    }
    (StatusCode::NO_CONTENT, String::new())
}

/// A callback on port 0; returns its URL.
pub async fn receiver() -> (String, Receiver) {
    slow_receiver(Duration::ZERO).await
}

/// A callback on port 0 whose slow answers take `slowness`; returns its URL.
pub async fn slow_receiver(slowness: Duration) -> (String, Receiver) {
    let rx = Receiver {
        slowness,
        ..Receiver::default()
    };
    let app = Router::new()
        .route("/cb", post(receive))
        .with_state(rx.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/cb"), rx)
}

/// Creates a webhook subscription to `callback` (with [`SECRET`]) with `token`.
pub async fn subscribe_webhook(
    env: &SimHarness,
    token: &str,
    kind: &str,
    condition: Value,
    callback: &str,
) -> Resp {
    env.helix(
        Method::POST,
        "/eventsub/subscriptions",
        token,
        Some(json!({
            "type": kind,
            "version": "1",
            "condition": condition,
            "transport": {"method": "webhook", "callback": callback, "secret": SECRET},
        })),
    )
    .await
}

/// Creates a `channel.vip.add` webhook subscription to `callback` on the streamer's channel with
/// an app token; returns its id (the challenge may still be under way).
pub async fn subscribe_vip_add(env: &SimHarness, callback: &str) -> String {
    let r = subscribe_webhook(
        env,
        &env.app_token(),
        "channel.vip.add",
        json!({"broadcaster_user_id": env.streamer.id}),
        callback,
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    r.body["data"][0]["id"].as_str().unwrap().to_string()
}

/// An enabled `channel.vip.add` webhook subscription to `callback`; returns its id.
pub async fn vip_add_subscription(env: &SimHarness, callback: &str) -> String {
    let id = subscribe_vip_add(env, callback).await;
    status_of(env, &id, "enabled").await;
    id
}

/// Waits until subscription `id` has status `want`.
pub async fn status_of(env: &SimHarness, id: &str, want: &str) {
    let start = Instant::now();
    loop {
        let subs = env.sim.subscriptions();
        if subs.iter().any(|s| s["id"] == id && s["status"] == want) {
            return;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "subscription {id} never reached {want}: {subs:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The `event.user_id`s of the notifications `rx` answered in time with 2XX, per the simulator's
/// log.
pub fn delivered(env: &SimHarness, rx: &Receiver, subscription: &str) -> BTreeSet<String> {
    let ok: BTreeSet<String> = attempts(env, subscription)
        .into_iter()
        .filter(|a| !a.late && a.status.is_some_and(|s| (200..300).contains(&s)))
        .map(|a| a.message_id)
        .collect();
    rx.of_type("notification")
        .iter()
        .filter(|r| ok.contains(&r.message_id()))
        .map(|r| r.json()["event"]["user_id"].as_str().unwrap().to_string())
        .collect()
}

/// The simulator's notification attempts for one subscription.
pub fn attempts(env: &SimHarness, subscription: &str) -> Vec<WebhookAttempt> {
    env.sim
        .webhook_log()
        .into_iter()
        .filter(|a| a.subscription_id == subscription && a.message_type == "notification")
        .collect()
}

/// The status of subscription `id` as the simulator lists it.
pub fn status(env: &SimHarness, id: &str) -> Value {
    env.sim
        .subscriptions()
        .into_iter()
        .find(|s| s["id"] == id)
        .unwrap()["status"]
        .clone()
}

/// Asserts every Twitch header is present and the signature verifies with [`SECRET`].
pub fn assert_signed(r: &Received) {
    for k in [
        "twitch-eventsub-message-id",
        "twitch-eventsub-message-retry",
        "twitch-eventsub-message-type",
        "twitch-eventsub-message-signature",
        "twitch-eventsub-message-timestamp",
        "twitch-eventsub-subscription-type",
        "twitch-eventsub-subscription-version",
    ] {
        assert!(r.headers.contains_key(k), "missing header {k}");
    }
    assert!(webhook::verify(
        SECRET,
        &r.message_id(),
        &r.header("twitch-eventsub-message-timestamp"),
        &r.body,
        &r.header("twitch-eventsub-message-signature"),
    ));
}
