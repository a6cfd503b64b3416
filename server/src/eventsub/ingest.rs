//! The last step of both transports: drop a message id seen before (remembered in the store, so a
//! message seen on both sockets of a hand-over, on two instances, or redelivered by Twitch counts
//! once) and hand the event on: domain events to the sink, `stream.online` to the [`OnlineQueue`].

use app::ssr::events::{EventSink, TwitchEvent};
use app::ssr::Store;
use chrono::Utc;

use super::online::OnlineQueue;
use super::parse::{notification_event, Notification};
use super::parse_stream::{stream_online, STREAM_ONLINE};
use super::MESSAGE_ID_TTL;

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

/// Remembers `message_id`; delivers `event` (if any) the first time only. Returns `false` for a
/// duplicate. The engine deduplicates redemptions by redemption id as well.
pub async fn deliver_once(
    store: &dyn Store,
    sink: &dyn EventSink,
    message_id: &str,
    event: Option<TwitchEvent>,
) -> bool {
    if !first_time(store, message_id).await {
        return false;
    }
    if let Some(event) = event {
        sink.deliver(event).await;
    }
    true
}

/// Maps a notification and delivers it once; unused types and malformed events are logged.
pub async fn deliver_notification(
    store: &dyn Store,
    sink: &dyn EventSink,
    online: &OnlineQueue,
    message_id: &str,
    notification: &Notification,
) {
    let kind = &notification.subscription.kind;
    if kind == STREAM_ONLINE {
        match stream_online(notification) {
            Ok(event) => {
                if first_time(store, message_id).await {
                    online.push(event);
                }
            }
            Err(e) => tracing::warn!(error = %e, %kind, "malformed notification dropped"),
        }
        return;
    }
    match notification_event(message_id, notification) {
        Ok(Some(event)) => {
            deliver_once(store, sink, message_id, Some(event)).await;
        }
        Ok(None) => tracing::debug!(%kind, "notification not used"),
        Err(e) => tracing::warn!(error = %e, %kind, "malformed notification dropped"),
    }
}
