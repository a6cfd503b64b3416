//! `channel.chat.message` (Twitch docs, EventSub subscription types "Channel Chat Message"): a
//! message in a channel's chat, read for chat commands. Pure: no I/O, no clock.
//!
//! The fields read: `broadcaster_user_id`, `chatter_user_id/login/name`, `message_id`,
//! `message.text`, `badges[].set_id` and, for Shared Chat, `source_broadcaster_user_id` (null
//! outside a shared session).

use app::model::{ChannelId, Viewer};
use app::ssr::events::{ChatMessage, TwitchEvent};
use serde::Deserialize;
use serde_json::Value;

use super::ParseError;

/// The subscription type (version 1, condition `broadcaster_user_id` and `user_id`).
pub const CHAT_MESSAGE: &str = "channel.chat.message";

#[derive(Deserialize)]
struct Event {
    broadcaster_user_id: String,
    chatter_user_id: String,
    #[serde(default)]
    chatter_user_login: String,
    #[serde(default)]
    chatter_user_name: String,
    message_id: String,
    message: Message,
    #[serde(default)]
    badges: Vec<Badge>,
    #[serde(default)]
    source_broadcaster_user_id: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    text: String,
}

#[derive(Deserialize)]
struct Badge {
    set_id: String,
}

/// Reads a `channel.chat.message` event.
///
/// # Errors
/// [`ParseError`] when the event lacks the channel, the chatter, the message id or the text.
pub fn chat_message(event: Value) -> Result<TwitchEvent, ParseError> {
    let e: Event = serde_json::from_value(event)?;
    for (value, name) in [
        (&e.broadcaster_user_id, "broadcaster_user_id"),
        (&e.chatter_user_id, "chatter_user_id"),
        (&e.message_id, "message_id"),
    ] {
        if value.is_empty() {
            return Err(ParseError::Missing(name));
        }
    }
    let login = e.chatter_user_login;
    Ok(TwitchEvent::Chat(ChatMessage {
        channel: ChannelId(e.broadcaster_user_id),
        message_id: e.message_id,
        chatter: Viewer {
            id: e.chatter_user_id,
            display_name: if e.chatter_user_name.is_empty() {
                login.clone()
            } else {
                e.chatter_user_name
            },
            login,
        },
        text: e.message.text,
        badges: e.badges.into_iter().map(|b| b.set_id).collect(),
        source_channel: e
            .source_broadcaster_user_id
            .filter(|s| !s.is_empty())
            .map(ChannelId),
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(source: Value) -> Value {
        json!({
            "broadcaster_user_id": "1", "broadcaster_user_login": "streamer",
            "broadcaster_user_name": "Streamer",
            "chatter_user_id": "2", "chatter_user_login": "mod_ann", "chatter_user_name": "Mod_Ann",
            "message_id": "m-1",
            "message": {"text": "!vips list", "fragments": []},
            "message_type": "text",
            "badges": [{"set_id": "lead_moderator", "id": "1", "info": ""}],
            "color": "", "cheer": null, "reply": null, "channel_points_custom_reward_id": null,
            "source_broadcaster_user_id": source, "source_message_id": null, "source_badges": null,
        })
    }

    #[test]
    fn a_message_reads_with_badges_and_its_shared_chat_source() {
        let TwitchEvent::Chat(m) = chat_message(event(Value::Null)).unwrap() else {
            panic!("a chat message")
        };
        assert_eq!(m.channel, ChannelId("1".into()));
        assert_eq!(m.chatter.login, "mod_ann");
        assert_eq!(m.chatter.display_name, "Mod_Ann");
        assert_eq!(m.text, "!vips list");
        assert!(m.is_moderator() && !m.is_broadcaster());
        assert!(!m.from_partner_channel());

        let TwitchEvent::Chat(own) = chat_message(event(json!("1"))).unwrap() else {
            panic!()
        };
        assert!(!own.from_partner_channel());
        let TwitchEvent::Chat(partner) = chat_message(event(json!("9"))).unwrap() else {
            panic!()
        };
        assert!(partner.from_partner_channel());
    }

    #[test]
    fn a_message_without_its_ids_or_text_is_refused() {
        let mut e = event(Value::Null);
        e["message_id"] = json!("");
        assert!(chat_message(e).is_err());
        let mut e = event(Value::Null);
        e.as_object_mut().unwrap().remove("message");
        assert!(chat_message(e).is_err());
    }
}
