//! `POST /api/webhooks/eventsub`: Twitch's webhook deliveries (Twitch docs).
//!
//! Order of checks, each failure logged: the HMAC signature over the raw bytes (403), the
//! timestamp within 10 minutes (403), a readable body (400); then a challenge is answered with
//! the raw string as `text/plain`, a message id seen before gets 204 without a second delivery,
//! a notification goes to the sink (`stream.online` to the supervisor's queue), a revocation is
//! logged, recorded in the supervisor's subscription status and, for `authorization_revoked`,
//! reported as `TwitchEvent::AuthorizationRevoked`; an authorisation revoked stops the channel's
//! EventSub. The sink should hand work off quickly: Twitch expects the 2xx within a few seconds.

use std::sync::Arc;
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::events::{EventSink, TwitchEvent};
use app::ssr::Store;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::ingest::{deliver_once, first_time};
use super::parse::{notification_event, parse_webhook, revocation_event, WebhookMessage};
use super::parse_stream::{stream_online, STREAM_ONLINE};
use super::supervisor::EventSubSupervisor;
use super::verify::{is_fresh, signature_matches, MAX_AGE};

/// Where Twitch posts (the callback is `{PUBLIC_URL}{WEBHOOK_PATH}`).
pub const WEBHOOK_PATH: &str = "/api/webhooks/eventsub";

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
    max_age: Duration,
}

impl WebhookState {
    /// `secret` is `EVENTSUB_WEBHOOK_SECRET`, the one the subscriptions were created with.
    pub fn new(secret: SecretString, store: Arc<dyn Store>, sink: Arc<dyn EventSink>) -> Self {
        Self {
            inner: Arc::new(Inner {
                secret,
                store,
                sink,
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
        .route(WEBHOOK_PATH, post(receive))
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

/// The handler for Twitch's webhook POSTs; the body must be the raw bytes as received.
#[tracing::instrument(skip_all, fields(message_id))]
pub async fn receive(
    State(state): State<WebhookState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(timestamp), Some(signature)) =
        (get(MESSAGE_ID), get(TIMESTAMP), get(SIGNATURE))
    else {
        return reject(StatusCode::FORBIDDEN, "unsigned request");
    };
    tracing::Span::current().record("message_id", id);
    let inner = &state.inner;
    let secret = inner.secret.expose_secret().as_bytes();
    if !signature_matches(secret, id, timestamp, &body, signature) {
        return reject(StatusCode::FORBIDDEN, "bad signature");
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
    let event = match &message {
        WebhookMessage::Challenge {
            challenge,
            subscription,
        } => {
            tracing::info!(kind = %subscription.kind, "answering an EventSub webhook challenge");
            return ([(header::CONTENT_TYPE, "text/plain")], challenge.clone()).into_response();
        }
        WebhookMessage::Notification(n) if n.subscription.kind == STREAM_ONLINE => {
            let online = match stream_online(n) {
                Ok(online) => online,
                Err(e) => {
                    tracing::warn!(error = %e, "malformed stream.online notification");
                    return reject(StatusCode::BAD_REQUEST, "malformed event");
                }
            };
            if first_time(&*inner.store, id).await {
                match &state.supervisor {
                    Some(s) => s.stream_online(online),
                    None => tracing::warn!("stream.online received without a supervisor; dropped"),
                }
            }
            return StatusCode::NO_CONTENT.into_response();
        }
        WebhookMessage::Notification(n) => match notification_event(id, n) {
            Ok(event) => event,
            Err(e) => {
                let kind = &n.subscription.kind;
                return reject(
                    StatusCode::BAD_REQUEST,
                    &format!("malformed {kind} event: {e}"),
                );
            }
        },
        WebhookMessage::Revocation(sub) => {
            tracing::warn!(kind = %sub.kind, status = %sub.status, "Twitch revoked an EventSub webhook subscription");
            revocation_event(sub)
        }
        WebhookMessage::Other(kind) => {
            tracing::info!(%kind, "ignoring an unknown EventSub webhook message type");
            None
        }
    };
    let revoked_user = match &event {
        Some(TwitchEvent::AuthorizationRevoked { user_id }) => Some(ChannelId(user_id.clone())),
        _ => None,
    };
    if deliver_once(&*inner.store, &*inner.sink, id, event).await {
        if let Some(supervisor) = &state.supervisor {
            if let WebhookMessage::Revocation(sub) = &message {
                supervisor.revoked(sub);
            }
            if let Some(channel) = revoked_user {
                supervisor.authorization_revoked(&channel);
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}
