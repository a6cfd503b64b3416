//! A socket's way into the inbox: the read loop queues each notification without waiting, and a
//! writer beside it stores them in order. Twitch closes a socket whose pings go unanswered, so
//! the read loop must never wait for the store.

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use crate::eventsub::inbox::{Intake, IntakeError};
use crate::eventsub::parse::Notification;

/// Pauses before each further attempt to store a notification: a socket has no redelivery.
const STORE_RETRIES: [Duration; 2] = [Duration::from_millis(50), Duration::from_millis(250)];

/// The read loop's end of the queue; dropping it lets the writer finish.
pub(crate) struct IntakeQueue(UnboundedSender<(String, Notification)>);

impl IntakeQueue {
    pub fn push(&self, message_id: &str, n: &Notification) {
        // The writer outlives every sender: it ends only once they are all gone.
        let _ = self.0.send((message_id.to_owned(), n.clone()));
    }
}

/// The queue and its writer, which returns once the queue is dropped and emptied.
pub(crate) fn intake_queue(intake: &Intake) -> (IntakeQueue, impl Future<Output = ()> + '_) {
    let (tx, mut rx) = unbounded_channel::<(String, Notification)>();
    let writer = async move {
        while let Some((message_id, n)) = rx.recv().await {
            accept(intake, &message_id, &n).await;
        }
    };
    (IntakeQueue(tx), writer)
}

/// Writes one notification to the inbox, retrying briefly when the store fails.
async fn accept(intake: &Intake, message_id: &str, n: &Notification) {
    let kind = &n.subscription.kind;
    let payload = match serde_json::to_string(n) {
        Ok(payload) => payload,
        Err(e) => {
            tracing::error!(%kind, error = %e, "cannot encode an EventSub notification; dropped");
            return;
        }
    };
    let mut pauses = STORE_RETRIES.iter();
    loop {
        match intake.accept(message_id, n, payload.clone()).await {
            Ok(_) => return,
            Err(e @ IntakeError::Malformed { .. }) => {
                tracing::warn!(error = %e, "malformed notification dropped");
                return;
            }
            Err(IntakeError::Store(e)) => match pauses.next() {
                Some(pause) => {
                    tracing::warn!(%kind, error = %e, "cannot store an EventSub notification; retrying");
                    tokio::time::sleep(*pause).await;
                }
                None => {
                    tracing::error!(%kind, error = %e,
                        "cannot store an EventSub notification; lost unless catch-up finds it");
                    return;
                }
            },
        }
    }
}
