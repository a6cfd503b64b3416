//! Webhook sender (Twitch docs).
//!
//! Every message is a POST of the raw JSON body with the headers
//! `Twitch-Eventsub-Message-Id/-Retry/-Type/-Signature/-Timestamp` and
//! `Twitch-Eventsub-Subscription-Type/-Version`. The signature is
//! `sha256=` + hex HMAC-SHA256(secret, message id ‖ timestamp ‖ body).
//!
//! * `webhook_callback_verification`: one attempt; the subscription becomes
//!   `enabled` when the callback answers 2XX with exactly the challenge as
//!   body, else `webhook_callback_verification_failed`.
//! * `notification`: redelivered with the same message id (retry counter in
//!   `Twitch-Eventsub-Message-Retry`) up to [`crate::Config::webhook_retries`]
//!   times; when every attempt fails the subscription is revoked with
//!   `notification_failures_exceeded`.
//! * `revocation`: one attempt.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::events::revoke_subscription;
use crate::state::{new_uuid, ts_nanos, WebhookAttempt, WebhookJob};
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

/// One POST; returns the status and body text (None on transport errors).
async fn post(
    sim: &Simulator,
    job: &WebhookJob,
    message_id: &str,
    retry: u32,
) -> Option<(u16, String)> {
    let (timestamp, timeout) = sim.with_world(|w| (ts_nanos(w.now()), w.config.webhook_timeout));
    let signature = sign(&job.secret, message_id, &timestamp, job.body.as_bytes());
    sim.recorder().webhook(job, message_id, retry);
    let resp = sim
        .http()
        .post(&job.callback)
        .timeout(timeout)
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
    let result = match resp {
        Ok(r) => {
            let status = r.status().as_u16();
            Some((status, r.text().await.unwrap_or_default()))
        }
        Err(_) => None,
    };
    sim.with_world(|w| {
        w.webhook_log.push(WebhookAttempt {
            subscription_id: job.subscription_id.clone(),
            message_id: message_id.to_string(),
            message_type: job.message_type.clone(),
            retry,
            status: result.as_ref().map(|r| r.0),
        })
    });
    result
}

async fn deliver(sim: Simulator, job: WebhookJob) {
    let message_id = new_uuid();
    if let Some(challenge) = &job.challenge {
        let ok = matches!(
            post(&sim, &job, &message_id, 0).await,
            Some((status, body)) if (200..300).contains(&status) && body == *challenge
        );
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
    let (retries, delay) =
        sim.with_world(|w| (w.config.webhook_retries, w.config.webhook_retry_delay));
    let attempts = if job.message_type == "notification" {
        retries + 1
    } else {
        1
    };
    for attempt in 0..attempts {
        if attempt > 0 {
            tokio::time::sleep(delay * 2u32.saturating_pow(attempt - 1)).await;
        }
        if let Some((status, _)) = post(&sim, &job, &message_id, attempt).await {
            if (200..300).contains(&status) {
                return;
            }
        }
    }
    if job.message_type == "notification" {
        sim.with_world(|w| {
            revoke_subscription(w, &job.subscription_id, "notification_failures_exceeded")
        });
    }
}
