//! Shared resubscriptions (`channel.subscription.message`, Twitch's EventSub reference): a
//! subscriber renewed and shared it in chat. Twitch sends `channel.subscribe` for new
//! subscriptions only, so this is how a renewal reaches the app. The event has no id of its own;
//! the EventSub message id goes with it.

use app::model::ChannelId;
use app::ssr::events::TwitchEvent;
use serde::Deserialize;
use serde_json::Value;

use super::support::{count, EventUser};
use super::{from, ParseError};

/// The event, as far as the app reads it. Twitch names the subscriber (the user fields are never
/// null here) and always sends `cumulative_months`; twitch_api notes that one page of the reference
/// calls it `cumulative_total`, so both names are read.
#[derive(Deserialize)]
struct ResubEvent {
    broadcaster_user_id: String,
    #[serde(flatten)]
    user: EventUser,
    #[serde(default)]
    tier: String,
    #[serde(default, alias = "cumulative_total")]
    cumulative_months: Option<i64>,
    #[serde(default)]
    message: Option<SharedMessage>,
}

/// `message`: the text the subscriber shared and where its emotes are (ignored).
#[derive(Deserialize)]
struct SharedMessage {
    #[serde(default)]
    text: String,
}

/// Reads a `channel.subscription.message` event.
///
/// # Errors
/// [`ParseError`] when the subscriber or the month count is missing (or negative).
pub(super) fn resubscribed(message_id: &str, event: Value) -> Result<TwitchEvent, ParseError> {
    let e: ResubEvent = from(event)?;
    let viewer = e.user.viewer().ok_or(ParseError::Missing("user_id"))?;
    Ok(TwitchEvent::Resubscribed {
        channel: ChannelId(e.broadcaster_user_id),
        message_id: message_id.to_owned(),
        viewer,
        tier: e.tier,
        cumulative_months: count(e.cumulative_months, "cumulative_months")?,
        message: e.message.map(|m| m.text).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{notification_event, parse_webhook, WebhookMessage};
    use super::*;
    use app::model::Viewer;

    const WEBHOOK: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sim/fixtures/eventsub_channel_subscription_message_notification.CONSTRUCTED.json"
    ));

    fn parsed(body: &str) -> Result<Option<TwitchEvent>, ParseError> {
        let WebhookMessage::Notification(n) = parse_webhook("notification", body.as_bytes())?
        else {
            panic!("not a notification");
        };
        notification_event("msg-r", &n)
    }

    fn with_event(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
        let mut body: Value = serde_json::from_str(WEBHOOK).unwrap();
        edit(body["event"].as_object_mut().unwrap());
        body.to_string()
    }

    #[test]
    fn a_shared_resubscription_names_the_subscriber_with_the_message_id() {
        assert_eq!(
            parsed(WEBHOOK).unwrap(),
            Some(TwitchEvent::Resubscribed {
                channel: ChannelId::from("1337"),
                message_id: "msg-r".into(),
                viewer: Viewer {
                    id: "1234".into(),
                    login: "cool_user".into(),
                    display_name: "Cool_User".into(),
                },
                tier: "1000".into(),
                cumulative_months: 15,
                message: "Love the stream! FevziGG".into(),
            })
        );
    }

    #[test]
    fn the_other_name_of_the_month_count_and_a_null_message_are_read() {
        let body = with_event(|e| {
            let months = e.remove("cumulative_months").unwrap();
            e.insert("cumulative_total".into(), months);
            e.insert("message".into(), Value::Null);
        });
        let Some(TwitchEvent::Resubscribed {
            cumulative_months,
            message,
            ..
        }) = parsed(&body).unwrap()
        else {
            panic!("not a resubscription");
        };
        assert_eq!(cumulative_months, 15);
        assert_eq!(message, "");
    }

    #[test]
    fn a_resubscription_without_its_subscriber_or_months_is_malformed() {
        let no_user = with_event(|e| {
            e.insert("user_id".into(), Value::Null);
        });
        assert!(matches!(
            parsed(&no_user),
            Err(ParseError::Missing("user_id"))
        ));
        let no_months = with_event(|e| {
            e.remove("cumulative_months");
        });
        assert!(matches!(
            parsed(&no_months),
            Err(ParseError::Missing("cumulative_months"))
        ));
        let negative = with_event(|e| {
            e.insert("cumulative_months".into(), (-1).into());
        });
        assert!(parsed(&negative).is_err());
        let no_channel = with_event(|e| {
            e.remove("broadcaster_user_id");
        });
        assert!(matches!(parsed(&no_channel), Err(ParseError::Json(_))));
    }
}
