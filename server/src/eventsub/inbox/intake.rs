//! Accepting a notification: check it, store it, wake the processor. Never waits for processing.

use std::sync::Arc;

use app::ssr::store::InboxMessage;
use app::ssr::{Store, StoreError};
use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;

use super::dispatch::{channel_of, Stored};
use crate::eventsub::parse::Notification;

/// Why a notification was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The event does not have its type's documented shape: refused, never stored.
    #[error("malformed {kind} event: {reason}")]
    Malformed { kind: String, reason: String },
    /// The store failed: the message is not safe yet, so it must not be acknowledged (a webhook
    /// answers 5xx and Twitch delivers it again).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Cheap to clone; every clone wakes the same processor.
#[derive(Clone)]
pub struct Intake {
    store: Arc<dyn Store>,
    wake: UnboundedSender<InboxMessage>,
}

impl Intake {
    pub(super) fn new(store: Arc<dyn Store>, wake: UnboundedSender<InboxMessage>) -> Self {
        Self { store, wake }
    }

    /// Stores a notification received with `message_id` (`payload` is its `{subscription,
    /// event}` JSON as received) and wakes the processor. Returns `false` for a message id seen
    /// before (a redelivery, or the same message on another socket or instance).
    ///
    /// # Errors
    /// [`IntakeError::Malformed`] before anything is stored; [`IntakeError::Store`] when it
    /// could not be stored.
    pub async fn accept(
        &self,
        message_id: &str,
        notification: &Notification,
        payload: String,
    ) -> Result<bool, IntakeError> {
        Stored::check(message_id, notification).map_err(|reason| IntakeError::Malformed {
            kind: notification.subscription.kind.clone(),
            reason,
        })?;
        let message = InboxMessage {
            message_id: message_id.to_owned(),
            channel_id: channel_of(notification),
            received_at: Utc::now(),
            payload,
        };
        if !self.store.inbox_put(&message).await? {
            tracing::info!(message_id, "duplicate EventSub message dropped");
            return Ok(false);
        }
        // The processor gets the message as stored, so that a channel with nothing older pending
        // is handled without reading it back. It is gone only at shutdown; the message then
        // waits in the store for the next start.
        let _ = self.wake.send(message);
        Ok(true)
    }
}
