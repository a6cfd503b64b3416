//! Message-id dedupe for what does not go through the inbox (revocations): remembered in the
//! store, so a message seen on both sockets of a hand-over, on two instances, or redelivered by
//! Twitch counts once.

use app::ssr::Store;
use chrono::Utc;

use crate::eventsub::MESSAGE_ID_TTL;

/// Remembers `message_id`; returns `false` for a duplicate. When the store fails the message
/// counts as new: at least once, never lost.
pub async fn first_time(store: &dyn Store, message_id: &str) -> bool {
    match store
        .remember_message(message_id, Utc::now(), MESSAGE_ID_TTL)
        .await
    {
        Ok(true) => true,
        Ok(false) => {
            tracing::info!(message_id, "duplicate EventSub message dropped");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot record the message id; delivering anyway");
            true
        }
    }
}
