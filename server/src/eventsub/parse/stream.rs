//! `stream.online` (Twitch docs): the broadcaster went live. The event is not a
//! [`app::ssr::events::TwitchEvent`]: it is no VIP change but a cue for the server to catch the
//! channel up and say hello in chat (`crate::reconcile`). Pure: no I/O, no clock.

use app::model::ChannelId;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{Notification, ParseError};

/// The subscription type (version 1, condition `broadcaster_user_id`, no authorisation needed).
pub const STREAM_ONLINE: &str = "stream.online";

/// The subscription type (version 1, condition `broadcaster_user_id`, no authorisation needed).
/// Its event names only the broadcaster.
pub const STREAM_OFFLINE: &str = "stream.offline";

/// A channel went live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamOnline {
    pub channel: ChannelId,
    /// Twitch's id of the stream: one stream, one id, however often the event is delivered.
    pub stream_id: String,
    /// `live`, `playlist`, `watch_party`, `premiere` or `rerun`.
    pub kind: String,
    pub started_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct Event {
    id: String,
    broadcaster_user_id: String,
    #[serde(rename = "type", default)]
    kind: String,
    started_at: DateTime<Utc>,
}

/// Reads a `stream.online` notification's event.
///
/// # Errors
/// [`ParseError`] when the event lacks the stream id, the broadcaster or the start time.
pub fn stream_online(n: &Notification) -> Result<StreamOnline, ParseError> {
    let e: Event = serde_json::from_value(n.event.clone())?;
    if e.id.is_empty() {
        return Err(ParseError::Missing("id"));
    }
    if e.broadcaster_user_id.is_empty() {
        return Err(ParseError::Missing("broadcaster_user_id"));
    }
    Ok(StreamOnline {
        channel: ChannelId(e.broadcaster_user_id),
        stream_id: e.id,
        kind: e.kind,
        started_at: e.started_at,
    })
}

#[derive(Deserialize)]
struct OfflineEvent {
    broadcaster_user_id: String,
}

/// Reads a `stream.offline` notification's event: the channel whose stream stopped.
///
/// # Errors
/// [`ParseError`] when the event lacks the broadcaster.
pub fn stream_offline(n: &Notification) -> Result<ChannelId, ParseError> {
    let e: OfflineEvent = serde_json::from_value(n.event.clone())?;
    if e.broadcaster_user_id.is_empty() {
        return Err(ParseError::Missing("broadcaster_user_id"));
    }
    Ok(ChannelId(e.broadcaster_user_id))
}

#[cfg(test)]
mod tests {
    use super::super::{parse_webhook, parse_ws, WebhookMessage, WsKind};
    use super::*;

    const WEBHOOK: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sim/fixtures/eventsub_stream_online_notification.webhook_body.json"
    ));

    fn notification(body: &str) -> Notification {
        match parse_webhook("notification", body.as_bytes()).unwrap() {
            WebhookMessage::Notification(n) => n,
            other => panic!("not a notification: {other:?}"),
        }
    }

    #[test]
    fn twitch_example_reads_as_a_live_stream() {
        let n = notification(WEBHOOK);
        assert_eq!(n.subscription.kind, STREAM_ONLINE);
        assert_eq!(
            stream_online(&n).unwrap(),
            StreamOnline {
                channel: ChannelId::from("1337"),
                stream_id: "9001".into(),
                kind: "live".into(),
                started_at: "2020-10-11T10:11:12.123Z".parse().unwrap(),
            }
        );
    }

    #[test]
    fn the_websocket_envelope_carries_the_same_event() {
        let body: serde_json::Value = serde_json::from_str(WEBHOOK).unwrap();
        let frame = serde_json::json!({
            "metadata": {
                "message_id": "m-1",
                "message_type": "notification",
                "message_timestamp": "2020-10-11T10:11:12.5Z",
                "subscription_type": "stream.online",
                "subscription_version": "1",
            },
            "payload": body,
        });
        let WsKind::Notification(n) = parse_ws(&frame.to_string()).unwrap().kind else {
            panic!("not a notification");
        };
        assert_eq!(stream_online(&n).unwrap().stream_id, "9001");
    }

    #[test]
    fn an_offline_event_names_the_channel_or_is_malformed() {
        let mut n = notification(WEBHOOK);
        n.subscription.kind = STREAM_OFFLINE.into();
        n.event = serde_json::json!({
            "broadcaster_user_id": "1337",
            "broadcaster_user_login": "cool_user",
            "broadcaster_user_name": "Cool_User",
        });
        assert_eq!(stream_offline(&n).unwrap(), ChannelId::from("1337"));
        n.event["broadcaster_user_id"] = serde_json::json!("");
        assert!(matches!(
            stream_offline(&n),
            Err(ParseError::Missing("broadcaster_user_id"))
        ));
        n.event = serde_json::json!({});
        assert!(stream_offline(&n).is_err());
    }

    #[test]
    fn an_event_without_its_stream_id_or_start_is_malformed() {
        let mut n = notification(WEBHOOK);
        n.event["id"] = serde_json::json!("");
        assert!(matches!(stream_online(&n), Err(ParseError::Missing("id"))));
        let mut n = notification(WEBHOOK);
        n.event.as_object_mut().unwrap().remove("started_at");
        assert!(matches!(stream_online(&n), Err(ParseError::Json(_))));
        let mut n = notification(WEBHOOK);
        n.event["broadcaster_user_id"] = serde_json::json!(null);
        assert!(stream_online(&n).is_err());
    }
}
