//! Bits used in a channel (`channel.bits.use`, Twitch's EventSub reference): a cheer, a Power-up
//! or a Combo, told apart by `type` (`cheer`, `power_up`, `combo`); a Power-up names its own kind in
//! `power_up.type`. The event has no id of its own; the EventSub message id goes with it.
//!
//! Anonymity: unlike `channel.cheer`, the event has no `is_anonymous`, and the reference lists the
//! user fields as always present. Where Twitch's chat shows an anonymous cheer it names the
//! placeholder account `ananonymouscheerer`, so that account, a null or an empty user all count as
//! nobody. (The engine counts cheers through `channel.cheer` anyway; this guards Power-ups and
//! Combos should Twitch ever let them be anonymous.)

use app::model::{ChannelId, Viewer};
use app::ssr::events::{BitsUse, TwitchEvent};
use serde::Deserialize;
use serde_json::Value;

use super::support::{count, EventUser};
use super::{from, ParseError};

/// The login under which Twitch's chat shows anonymous cheers.
pub const ANONYMOUS_CHEERER: &str = "ananonymouscheerer";

#[derive(Deserialize)]
struct BitsEvent {
    broadcaster_user_id: String,
    #[serde(flatten)]
    user: EventUser,
    /// Not in the reference; read in case Twitch adds it as for `channel.cheer`.
    #[serde(default)]
    is_anonymous: bool,
    #[serde(default)]
    bits: Option<i64>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    power_up: Option<PowerUp>,
}

/// `power_up`; its `emote` and `message_effect_id` are not needed.
#[derive(Deserialize)]
struct PowerUp {
    #[serde(rename = "type", default)]
    kind: String,
}

impl BitsEvent {
    fn user(&self) -> Option<Viewer> {
        let viewer = self.user.viewer()?;
        if self.is_anonymous || viewer.login.eq_ignore_ascii_case(ANONYMOUS_CHEERER) {
            return None;
        }
        Some(viewer)
    }
}

/// Reads a `channel.bits.use` event.
///
/// # Errors
/// [`ParseError`] when `type` or `bits` is missing (or `bits` negative).
pub(super) fn bits_used(message_id: &str, event: Value) -> Result<TwitchEvent, ParseError> {
    let e: BitsEvent = from(event)?;
    if e.kind.is_empty() {
        return Err(ParseError::Missing("type"));
    }
    let power_up = e.power_up.as_ref().map(|p| p.kind.as_str());
    Ok(TwitchEvent::BitsUsed {
        viewer: e.user(),
        bits: count(e.bits, "bits")?,
        kind: BitsUse::from_twitch(&e.kind, power_up),
        channel: ChannelId(e.broadcaster_user_id),
        message_id: message_id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{notification_event, parse_webhook, WebhookMessage};
    use super::*;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/sim/fixtures/", $name))
        };
    }

    const CHEER: &str = fixture!("eventsub_channel_bits_use_notification.CONSTRUCTED.json");
    const POWER_UP: &str =
        fixture!("eventsub_channel_bits_use_power_up_notification.CONSTRUCTED.json");
    const COMBO: &str = fixture!("eventsub_channel_bits_use_combo_notification.CONSTRUCTED.json");

    fn parsed(body: &str) -> Result<Option<TwitchEvent>, ParseError> {
        let WebhookMessage::Notification(n) = parse_webhook("notification", body.as_bytes())?
        else {
            panic!("not a notification");
        };
        notification_event("msg-b", &n)
    }

    fn with_event(body: &str, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
        let mut body: Value = serde_json::from_str(body).unwrap();
        edit(body["event"].as_object_mut().unwrap());
        body.to_string()
    }

    fn cool_user() -> Option<Viewer> {
        Some(Viewer {
            id: "1234".into(),
            login: "cool_user".into(),
            display_name: "Cool_User".into(),
        })
    }

    fn used(bits: u32, kind: BitsUse) -> Option<TwitchEvent> {
        Some(TwitchEvent::BitsUsed {
            channel: ChannelId::from("1337"),
            message_id: "msg-b".into(),
            viewer: cool_user(),
            bits,
            kind,
        })
    }

    #[test]
    fn cheers_power_ups_and_combos_are_told_apart() {
        assert_eq!(parsed(CHEER).unwrap(), used(2, BitsUse::Cheer));
        assert_eq!(
            parsed(POWER_UP).unwrap(),
            used(50, BitsUse::PowerUp("message_effect".into()))
        );
        assert_eq!(parsed(COMBO).unwrap(), used(5, BitsUse::Combo));
        let later = with_event(COMBO, |e| {
            e.insert("type".into(), "custom_power_up".into());
        });
        assert_eq!(
            parsed(&later).unwrap(),
            used(5, BitsUse::Other("custom_power_up".into()))
        );
    }

    #[test]
    fn a_placeholder_or_missing_user_is_nobody() {
        for edit in [
            |e: &mut serde_json::Map<String, Value>| {
                e.insert("user_login".into(), "ananonymouscheerer".into());
                e.insert("user_name".into(), "AnAnonymousCheerer".into());
            },
            |e: &mut serde_json::Map<String, Value>| {
                for field in ["user_id", "user_login", "user_name"] {
                    e.insert(field.into(), Value::Null);
                }
            },
            |e: &mut serde_json::Map<String, Value>| {
                e.insert("user_id".into(), "".into());
            },
            |e: &mut serde_json::Map<String, Value>| {
                e.insert("is_anonymous".into(), true.into());
            },
        ] {
            let body = with_event(POWER_UP, edit);
            let Some(TwitchEvent::BitsUsed { viewer, bits, .. }) = parsed(&body).unwrap() else {
                panic!("not a use of bits: {body}");
            };
            assert_eq!((viewer, bits), (None, 50), "{body}");
        }
    }

    #[test]
    fn a_use_without_its_type_or_bits_is_malformed() {
        let no_bits = with_event(COMBO, |e| {
            e.remove("bits");
        });
        assert!(matches!(parsed(&no_bits), Err(ParseError::Missing("bits"))));
        let negative = with_event(COMBO, |e| {
            e.insert("bits".into(), (-5).into());
        });
        assert!(parsed(&negative).is_err());
        let no_type = with_event(COMBO, |e| {
            e.remove("type");
        });
        assert!(matches!(parsed(&no_type), Err(ParseError::Json(_))));
        let empty_type = with_event(COMBO, |e| {
            e.insert("type".into(), "".into());
        });
        assert!(matches!(
            parsed(&empty_type),
            Err(ParseError::Missing("type"))
        ));
    }
}
