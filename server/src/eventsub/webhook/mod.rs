//! `POST /api/webhooks/eventsub`: Twitch's webhook deliveries (Twitch docs).
//!
//! Order of checks, each failure logged: the body at most [`MAX_BODY`] bytes (413, before any
//! work), the HMAC signature over the raw bytes (403; a client whose unverified posts exceed its
//! webhook budget gets 429 instead, and verified deliveries never draw on that budget), the
//! timestamp at most 10 minutes old and at most [`super::verify::MAX_FUTURE_SKEW`] ahead (403), a
//! readable body (400); then a challenge is answered with
//! the raw string as `text/plain`; a notification whose event has its documented shape is written
//! to the durable inbox ([`Intake`]) and acknowledged at once (204; a message id seen before is
//! acknowledged without being stored again), a malformed one is refused (400) and never stored,
//! and one the store cannot take gets 503 so that Twitch delivers it again. Nothing here waits for
//! the engine: Twitch revokes subscriptions whose callback keeps it waiting. A revocation is
//! logged, recorded in the supervisor's subscription status and, for `authorization_revoked`,
//! reported as `TwitchEvent::AuthorizationRevoked`, which stops the channel's EventSub.

mod ingest;
pub mod verify;

use std::sync::Arc;
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::events::{EventSink, TwitchEvent};
use app::ssr::Store;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use crate::eventsub::inbox::{Intake, IntakeError};
use crate::eventsub::parse::{parse_webhook, revocation_event, WebhookMessage};
use crate::eventsub::supervisor::EventSubSupervisor;
use crate::security::rate_limit::{too_many, UnverifiedWebhooks};
use ingest::first_time;
use verify::{is_fresh, signature_matches, MAX_AGE};

use crate::eventsub::WEBHOOK_PATH;

/// The largest body accepted, in bytes; a larger one is refused with 413 before its signature is
/// computed. Twitch's notifications are a few kilobytes (a chat message is at most 500
/// characters); 64 KiB leaves ample room.
pub const MAX_BODY: usize = 64 * 1024;

const MESSAGE_ID: &str = "twitch-eventsub-message-id";
const TIMESTAMP: &str = "twitch-eventsub-message-timestamp";
const SIGNATURE: &str = "twitch-eventsub-message-signature";
const MESSAGE_TYPE: &str = "twitch-eventsub-message-type";

/// What the handler needs. Cheap to clone.
#[derive(Clone)]
pub struct WebhookState {
    inner: Arc<Inner>,
    supervisor: Option<EventSubSupervisor>,
}

struct Inner {
    secret: SecretString,
    store: Arc<dyn Store>,
    sink: Arc<dyn EventSink>,
    intake: Intake,
    max_age: Duration,
}

impl WebhookState {
    /// `secret` is `EVENTSUB_WEBHOOK_SECRET`, the one the subscriptions were created with;
    /// notifications go to `intake`, revoked authorisations to `sink`.
    pub fn new(
        secret: SecretString,
        store: Arc<dyn Store>,
        sink: Arc<dyn EventSink>,
        intake: Intake,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                secret,
                store,
                sink,
                intake,
                max_age: MAX_AGE,
            }),
            supervisor: None,
        }
    }

    /// Tells `supervisor` of `stream.online` events, revocations and revoked authorisations.
    #[must_use]
    pub fn with_supervisor(mut self, supervisor: EventSubSupervisor) -> Self {
        self.supervisor = Some(supervisor);
        self
    }
}

/// A router serving [`receive`] at [`WEBHOOK_PATH`], to merge into the app's router.
pub fn router<S: Clone + Send + Sync + 'static>(state: WebhookState) -> Router<S> {
    Router::new()
        .route(
            WEBHOOK_PATH,
            post(receive).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .with_state(state)
}

fn reject(status: StatusCode, reason: &str) -> Response {
    tracing::warn!(
        status = status.as_u16(),
        reason,
        "rejected an EventSub webhook request"
    );
    status.into_response()
}

/// A post that failed verification: 403, or 429 once its client has sent too many of them.
fn unverified(budget: Option<&UnverifiedWebhooks>, reason: &str) -> Response {
    match budget.map(UnverifiedWebhooks::spend) {
        Some(Err(wait)) => {
            tracing::info!(reason, "rate limited unverified EventSub webhook posts");
            too_many(wait)
        }
        _ => reject(StatusCode::FORBIDDEN, reason),
    }
}

/// The handler for Twitch's webhook POSTs; the body must be the raw bytes as received.
#[tracing::instrument(skip_all, fields(message_id))]
pub async fn receive(
    State(state): State<WebhookState>,
    budget: Option<Extension<UnverifiedWebhooks>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let budget = budget.as_ref().map(|Extension(b)| b);
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(timestamp), Some(signature)) =
        (get(MESSAGE_ID), get(TIMESTAMP), get(SIGNATURE))
    else {
        return unverified(budget, "unsigned request");
    };
    tracing::Span::current().record("message_id", id);
    let inner = &state.inner;
    let secret = inner.secret.expose_secret().as_bytes();
    if !signature_matches(secret, id, timestamp, &body, signature) {
        return unverified(budget, "bad signature");
    }
    let Ok(sent) = DateTime::parse_from_rfc3339(timestamp) else {
        return reject(StatusCode::BAD_REQUEST, "unreadable timestamp");
    };
    let now = Utc::now();
    if !is_fresh(sent.with_timezone(&Utc), now, inner.max_age) {
        return reject(StatusCode::FORBIDDEN, "stale timestamp");
    }
    let Some(message_type) = get(MESSAGE_TYPE) else {
        return reject(StatusCode::BAD_REQUEST, "no message type");
    };
    let message = match parse_webhook(message_type, &body) {
        Ok(m) => m,
        Err(e) => return reject(StatusCode::BAD_REQUEST, &format!("malformed body: {e}")),
    };
    let sub = match message {
        WebhookMessage::Challenge {
            challenge,
            subscription,
        } => {
            tracing::info!(kind = %subscription.kind, "answering an EventSub webhook challenge");
            return ([(header::CONTENT_TYPE, "text/plain")], challenge).into_response();
        }
        WebhookMessage::Notification(n) => {
            let payload = String::from_utf8_lossy(&body).into_owned();
            return match inner.intake.accept(id, &n, payload).await {
                Ok(_) => StatusCode::NO_CONTENT.into_response(),
                Err(e @ IntakeError::Malformed { .. }) => {
                    reject(StatusCode::BAD_REQUEST, &e.to_string())
                }
                Err(IntakeError::Store(e)) => {
                    tracing::error!(error = %e, "cannot store an EventSub notification; Twitch will redeliver it");
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                }
            };
        }
        WebhookMessage::Revocation(sub) => sub,
        WebhookMessage::Other(kind) => {
            tracing::info!(%kind, "ignoring an unknown EventSub webhook message type");
            return StatusCode::NO_CONTENT.into_response();
        }
    };
    tracing::warn!(kind = %sub.kind, status = %sub.status, "Twitch revoked an EventSub webhook subscription");
    if !first_time(&*inner.store, id).await {
        return StatusCode::NO_CONTENT.into_response();
    }
    if let Some(supervisor) = &state.supervisor {
        supervisor.revoked(&sub);
    }
    if let Some(TwitchEvent::AuthorizationRevoked { user_id }) = revocation_event(&sub) {
        let channel = ChannelId(user_id.clone());
        inner
            .sink
            .deliver(TwitchEvent::AuthorizationRevoked { user_id })
            .await;
        if let Some(supervisor) = &state.supervisor {
            supervisor.authorization_revoked(&channel);
        }
    }
    StatusCode::NO_CONTENT.into_response()
}
