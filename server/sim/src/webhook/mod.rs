//! Webhook sender (Twitch: dev.twitch.tv/docs/eventsub/handling-webhook-events).
//!
//! Every message is a POST of the raw JSON body with the headers
//! `Twitch-Eventsub-Message-Id/-Retry/-Type/-Signature/-Timestamp` and
//! `Twitch-Eventsub-Subscription-Type/-Version`. The signature is
//! `sha256=` + hex HMAC-SHA256(secret, message id ‖ timestamp ‖ body).
//!
//! An attempt succeeds when a 2XX answer arrives within
//! [`crate::Config::webhook_response_deadline`] (2 s): "You must respond to notification requests
//! within a few seconds. If your server takes too long to respond, the request will time out." A
//! later answer, a non-2XX or a transport error is a failure. The simulator waits up to
//! [`crate::Config::webhook_timeout`] so the log ([`crate::state::WebhookAttempt`]) shows what a
//! late answer was. See [`patience`] for the numbers.
//!
//! * `webhook_callback_verification`: one attempt; the subscription becomes
//!   `enabled` when the callback answers 2XX in time with exactly the challenge as
//!   body, else `webhook_callback_verification_failed`. Twitch names no time for
//!   the challenge; the simulator holds it to the same deadline (the harsher reading).
//! * `notification`: redelivered with the same message id (retry counter in
//!   `Twitch-Eventsub-Message-Retry`) up to [`crate::Config::webhook_retries`]
//!   times while the subscription stays enabled. Every failed attempt counts
//!   against its subscription, across messages: "If you fail to respond quickly
//!   enough too many times, the subscription's status changes to
//!   `notification_failures_exceeded` and Twitch revokes the subscription." That
//!   happens at [`crate::Config::webhook_failure_limit`] failures within
//!   [`crate::Config::webhook_failure_window`], or at once when every attempt of
//!   one message failed. Revocation sends the `revocation` message; afterwards
//!   nothing is delivered for the subscription and pending redeliveries are dropped.
//! * `revocation`: one attempt.

pub mod patience;

use std::time::Instant;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::events::revoke_subscription;
use crate::state::{new_uuid, ts_nanos, Subscription, WebhookAttempt, WebhookJob, World};
use crate::Simulator;

/// `sha256=<lower-case hex>` of HMAC-SHA256(secret, id ‖ timestamp ‖ body).
pub fn sign(secret: &str, message_id: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(message_id.as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Constant-time check of a `Twitch-Eventsub-Message-Signature` header.
pub fn verify(secret: &str, message_id: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(message_id.as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// Starts delivering `job` on the current Tokio runtime (dropped with a
/// warning outside one).
pub fn spawn(sim: Simulator, job: WebhookJob) {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            handle.spawn(deliver(sim, job));
        }
        Err(_) => tracing::warn!(
            subscription = %job.subscription_id,
            "twitch-sim: webhook dropped, no Tokio runtime"
        ),
    }
}

/// What came back from one POST.
struct Answer {
    /// `None` on transport errors and time-outs.
    status: Option<u16>,
    body: String,
    /// Not complete within the response deadline.
    late: bool,
}

impl Answer {
    /// A 2XX in time.
    fn succeeded(&self) -> bool {
        !self.late && self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// One POST, timed against the response deadline and logged.
async fn post(sim: &Simulator, job: &WebhookJob, message_id: &str, retry: u32) -> Answer {
    let (timestamp, deadline, timeout) = sim.with_world(|w| {
        (
            ts_nanos(w.now()),
            w.config.webhook_response_deadline,
            w.config.webhook_timeout,
        )
    });
    let signature = sign(&job.secret, message_id, &timestamp, job.body.as_bytes());
    sim.recorder().webhook(job, message_id, retry);
    let started = Instant::now();
    let resp = sim
        .http()
        .post(&job.callback)
        // Covers the body too; never shorter than the deadline, so a late answer is seen as late.
        .timeout(timeout.max(deadline))
        .header("Content-Type", "application/json")
        .header("Twitch-Eventsub-Message-Id", message_id)
        .header("Twitch-Eventsub-Message-Retry", retry.to_string())
        .header("Twitch-Eventsub-Message-Type", &job.message_type)
        .header("Twitch-Eventsub-Message-Signature", signature)
        .header("Twitch-Eventsub-Message-Timestamp", &timestamp)
        .header("Twitch-Eventsub-Subscription-Type", &job.subscription_type)
        .header(
            "Twitch-Eventsub-Subscription-Version",
            &job.subscription_version,
        )
        .body(job.body.clone())
        .send()
        .await;
    let (status, body) = match resp {
        Ok(r) => {
            let status = r.status().as_u16();
            (Some(status), r.text().await.unwrap_or_default())
        }
        Err(_) => (None, String::new()),
    };
    let took = started.elapsed();
    let answer = Answer {
        status,
        body,
        late: !patience::in_time(took, deadline),
    };
    if answer.late {
        tracing::info!(
            subscription = %job.subscription_id,
            message_type = %job.message_type,
            retry,
            status = ?answer.status,
            "twitch-sim: webhook answered after the response deadline, counted as a failure"
        );
    }
    sim.with_world(|w| {
        w.webhook_log.push(WebhookAttempt {
            subscription_id: job.subscription_id.clone(),
            message_id: message_id.to_string(),
            message_type: job.message_type.clone(),
            retry,
            status: answer.status,
            late: answer.late,
            took,
        })
    });
    answer
}

async fn deliver(sim: Simulator, job: WebhookJob) {
    let message_id = new_uuid();
    if let Some(challenge) = &job.challenge {
        let answer = post(&sim, &job, &message_id, 0).await;
        // The answer to a challenge is a 200 whose body is the raw challenge (Twitch's "Responding
        // to a challenge request", dev.twitch.tv/docs/eventsub/handling-webhook-events/): another
        // 2XX fails the verification, as the harsher reading of an exact rule.
        let ok = answer.succeeded() && answer.status == Some(200) && answer.body == *challenge;
        sim.with_world(|w| {
            if let Some(sub) = w.subscriptions.get_mut(&job.subscription_id) {
                if sub.status == "webhook_callback_verification_pending" {
                    sub.status = if ok {
                        "enabled".into()
                    } else {
                        "webhook_callback_verification_failed".into()
                    };
                }
            }
        });
        return;
    }
    if job.message_type != "notification" {
        post(&sim, &job, &message_id, 0).await;
        return;
    }
    let (retries, delay) =
        sim.with_world(|w| (w.config.webhook_retries, w.config.webhook_retry_delay));
    for attempt in 0..=retries {
        if attempt > 0 {
            tokio::time::sleep(delay * 2u32.saturating_pow(attempt - 1)).await;
        }
        let enabled = sim.with_world(|w| {
            w.subscriptions
                .get(&job.subscription_id)
                .is_some_and(Subscription::enabled)
        });
        if !enabled {
            // Revoked, disabled or deleted meanwhile: Twitch delivers nothing more for it.
            tracing::debug!(
                subscription = %job.subscription_id,
                retry = attempt,
                "twitch-sim: redelivery dropped, the subscription is no longer enabled"
            );
            return;
        }
        if post(&sim, &job, &message_id, attempt).await.succeeded() {
            return;
        }
        let message_failed = attempt == retries;
        if sim.with_world(|w| count_failure(w, &job.subscription_id, message_failed)) {
            return;
        }
    }
}

/// Counts one failed notification attempt against its subscription and revokes the subscription
/// with `notification_failures_exceeded` when its failures within the window reach the limit, or
/// when `message_failed` (no attempt of one message succeeded). Returns whether the subscription is
/// no longer enabled (a status set meanwhile, e.g. `authorization_revoked`, is kept).
fn count_failure(w: &mut World, subscription_id: &str, message_failed: bool) -> bool {
    let now = w.now();
    let (limit, window) = (
        w.config.webhook_failure_limit,
        w.config.webhook_failure_window,
    );
    let Some(sub) = w.subscriptions.get_mut(subscription_id) else {
        return true;
    };
    if !sub.enabled() {
        return true;
    }
    let failures = sub.notification_failures.record(now, window);
    if !message_failed && failures < limit as usize {
        return false;
    }
    tracing::info!(
        subscription = %subscription_id,
        failures,
        message_failed,
        "twitch-sim: webhook failures exceeded, subscription revoked"
    );
    revoke_subscription(w, subscription_id, "notification_failures_exceeded");
    true
}
