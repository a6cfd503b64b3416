//! Who reads a channel's chat: `channel.chat.message` names the reader as `user_id`. Twitch
//! (EventSub subscription types, "Channel Chat Message"; Chat & Chatbots, "Authenticating"): with
//! a user token (WebSocket) the reader is the token's user, so chat is read as the streamer; with
//! the app access token (webhook, conduit) the reader may be the app's chat bot, which granted
//! `user:read:chat` and `user:bot`, in a channel whose broadcaster granted `channel:bot` (or where
//! the bot moderates). Which identity reads is decided by [`app::model::reads_as`], the same rule
//! the settings page shows.

use app::model::{reads_as, ChannelId, ChatIdentity, Settings};
use serde_json::{json, Map, Value};

use super::subscribe::{wanted_types, ChannelTypes};
use crate::eventsub::parse::chat::CHAT_MESSAGE;
use crate::twitch::bot::connected;
use crate::twitch::scopes::{scope_for, RuleFeature};
use crate::twitch::tokens::TokenManager;

/// A type's condition for a channel: `channel.chat.message` names the reader too (`chat_bot`, the
/// app's chat bot, or else the streamer), every other type only the broadcaster.
pub(crate) fn condition_for(kind: &str, channel: &ChannelId, chat_bot: Option<&str>) -> Value {
    if kind == CHAT_MESSAGE {
        let reader = chat_bot.unwrap_or(channel.as_str());
        json!({"broadcaster_user_id": channel.as_str(), "user_id": reader})
    } else {
        super::subscribe::channel_condition(channel)
    }
}

/// `channel.chat.message` while the channel has chat commands on and someone can read them
/// ([`app::model::reads_as`], `bot`: the connected chat bot's id): the app's chat bot on
/// webhooks (Twitch checks `channel:bot` or the bot's moderator status, and its refusal is
/// reported), or the streamer once they granted `user:read:chat` (on webhooks Twitch also wants
/// `user:bot` and `channel:bot`; without them its refusal is logged and the channel's other
/// events flow). Pure.
pub fn chat_types(
    settings: &Settings,
    granted: &[String],
    webhook: bool,
    bot: Option<&str>,
) -> Vec<&'static str> {
    if !settings.chat_commands.enabled {
        return Vec::new();
    }
    let read = granted
        .iter()
        .any(|g| g == scope_for(RuleFeature::ChatRead));
    match reads_as(settings.chat_identity, webhook, bot.is_some()) {
        Some(ChatIdentity::Bot) => vec![CHAT_MESSAGE],
        Some(ChatIdentity::Streamer) if read => vec![CHAT_MESSAGE],
        Some(ChatIdentity::Streamer) | None => Vec::new(),
    }
}

/// The connected chat bot's id where it reads the channel's chat: chat commands on, the bot
/// chosen, the webhook transport. `None` otherwise, or when no bot is connected (or Twitch cannot
/// tell now: logged).
pub(super) async fn chat_bot_reader(
    settings: &Settings,
    tokens: &TokenManager,
    channel: &ChannelId,
    webhook: bool,
) -> Option<String> {
    if !(settings.chat_commands.enabled && settings.chat_identity == ChatIdentity::Bot && webhook) {
        return None;
    }
    match connected(tokens).await {
        Ok(bot) => bot.map(|b| b.id),
        Err(e) => {
            tracing::warn!(%channel, error = %e, "cannot tell whether the chat bot is connected");
            None
        }
    }
}

/// Whether a listed subscription of the channel is still wanted: its type is, and a
/// `channel.chat.message` names the reader `types` wants (after a switch of the chat identity the
/// other one is deleted, once the new one exists).
pub fn still_wanted(
    types: &ChannelTypes,
    channel: &ChannelId,
    kind: &str,
    condition: &Map<String, Value>,
) -> bool {
    if !wanted_types(&types.types).contains(&kind) {
        return false;
    }
    kind != CHAT_MESSAGE
        || condition.get("user_id").and_then(Value::as_str)
            == Some(types.chat_bot.as_deref().unwrap_or(channel.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(identity: ChatIdentity) -> Settings {
        Settings {
            chat_identity: identity,
            ..Settings::default()
        }
    }

    #[test]
    fn the_bot_reads_on_webhooks_once_connected_and_the_streamer_once_granted() {
        let read = vec!["user:read:chat".to_owned()];
        let bot = settings(ChatIdentity::Bot);
        assert_eq!(chat_types(&bot, &[], true, Some("9")), [CHAT_MESSAGE]);
        assert!(chat_types(&bot, &read, true, None).is_empty());
        assert_eq!(chat_types(&bot, &read, false, None), [CHAT_MESSAGE]);
        assert!(chat_types(&bot, &[], false, Some("9")).is_empty());
        let me = settings(ChatIdentity::Streamer);
        assert_eq!(chat_types(&me, &read, true, Some("9")), [CHAT_MESSAGE]);
        assert!(chat_types(&me, &[], true, None).is_empty());
    }

    #[test]
    fn a_chat_subscription_of_the_other_reader_is_no_longer_wanted() {
        let channel = ChannelId::from("100");
        let condition = |user: &str| {
            condition_for(CHAT_MESSAGE, &channel, Some(user))
                .as_object()
                .unwrap()
                .clone()
        };
        let as_bot = ChannelTypes {
            types: vec![CHAT_MESSAGE],
            chat_bot: Some("9".into()),
            ..ChannelTypes::default()
        };
        assert!(still_wanted(
            &as_bot,
            &channel,
            CHAT_MESSAGE,
            &condition("9")
        ));
        assert!(!still_wanted(
            &as_bot,
            &channel,
            CHAT_MESSAGE,
            &condition("100")
        ));
        let as_streamer = ChannelTypes {
            types: vec![CHAT_MESSAGE],
            chat_bot: None,
            ..ChannelTypes::default()
        };
        assert!(still_wanted(
            &as_streamer,
            &channel,
            CHAT_MESSAGE,
            &condition("100")
        ));
        assert!(!still_wanted(
            &ChannelTypes::default(),
            &channel,
            CHAT_MESSAGE,
            &condition("100")
        ));
    }
}
