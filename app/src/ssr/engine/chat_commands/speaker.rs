//! Who speaks in a channel's chat: the streamer (their user token, as before), or the app's chat
//! bot (the app access token, with the Chat Bot badge), as the channel's `chat_identity` says.
//! The bot's chat rate is the moderator one only where Twitch lists it as a moderator of the
//! channel; else the lower one, which the reply queue keeps to.

use super::outbox::{CHAT_LIMIT, CHAT_LIMIT_MODERATOR};
use crate::model::{Channel, ChatIdentity};
use crate::ssr::engine::Engine;
use crate::ssr::twitch::TwitchError;

/// Messages per window for a channel's chat identity. Pure.
pub fn chat_limit(identity: ChatIdentity, bot_moderates: bool) -> usize {
    match identity {
        // The broadcaster speaks in their own channel: the moderator rate.
        ChatIdentity::Streamer => CHAT_LIMIT_MODERATOR,
        ChatIdentity::Bot if bot_moderates => CHAT_LIMIT_MODERATOR,
        ChatIdentity::Bot => CHAT_LIMIT,
    }
}

impl Engine {
    /// Posts `text` in the channel's chat as its chat identity, threaded to `parent` when given.
    pub(in crate::ssr::engine) async fn speak(
        &self,
        channel: &Channel,
        text: &str,
        parent: Option<&str>,
    ) -> Result<bool, TwitchError> {
        match (channel.settings.chat_identity, parent) {
            (ChatIdentity::Streamer, None) => self.twitch.send_chat(&channel.id, text).await,
            (ChatIdentity::Streamer, parent) => {
                self.twitch.send_chat_reply(&channel.id, text, parent).await
            }
            (ChatIdentity::Bot, parent) => {
                self.twitch
                    .send_chat_as_bot(&channel.id, text, parent)
                    .await
            }
        }
    }

    /// The chat rate for the channel's replies now: for the bot, whether Twitch lists it among
    /// the channel's moderators (when that cannot be told, the lower rate).
    pub(super) async fn reply_limit(&self, channel: &Channel) -> usize {
        let identity = channel.settings.chat_identity;
        if identity == ChatIdentity::Streamer {
            return chat_limit(identity, false);
        }
        let moderates = match self.twitch.chat_bot().await {
            Ok(Some(bot)) => match self.twitch.moderators(&channel.id).await {
                Ok(mods) => mods.iter().any(|m| m.id == bot),
                Err(e) => {
                    tracing::warn!(channel = %channel.id, error = %e,
                        "cannot tell whether the chat bot moderates the channel; the lower chat rate");
                    false
                }
            },
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(channel = %channel.id, error = %e, "cannot tell which chat bot is connected");
                false
            }
        };
        chat_limit(identity, moderates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bot_gets_the_moderator_rate_only_where_it_moderates() {
        assert_eq!(chat_limit(ChatIdentity::Streamer, false), 100);
        assert_eq!(chat_limit(ChatIdentity::Bot, true), 100);
        assert_eq!(chat_limit(ChatIdentity::Bot, false), 20);
    }
}
