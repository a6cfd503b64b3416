//! Send Chat Message as the app's chat bot (Twitch docs, "Send Chat Message"; Chat & Chatbots,
//! "Authenticating"): with the app access token and `sender_id` = the bot, so the message carries
//! the Chat Bot badge. Twitch wants `user:write:chat` and `user:bot` from the bot, and `channel:bot`
//! from the broadcaster unless the bot moderates the channel; otherwise it answers 403, which the
//! caller logs. `for_source_only` (app tokens only) keeps the message in this channel during a
//! Shared Chat session and does nothing outside one, so every bot message sets it: partner
//! channels are never spammed with this channel's announcements.

use std::sync::RwLock;

use app::model::ChannelId;
use app::ssr::twitch::TwitchError;
use chrono::{DateTime, Duration, Utc};
use twitch_api::helix::chat::{SendChatMessageBody, SendChatMessageRequest};
use twitch_api::helix::RequestPost;

use super::chat::{sent, truncate, MAX_CHAT_CHARS};
use super::HelixClient;
use crate::twitch::bot;

/// How long a connected bot's id is trusted before it is validated with Twitch again.
const BOT_KNOWN_FOR: Duration = Duration::minutes(10);

/// The connected bot's user id and until when to trust it. "No bot" is never kept: an operator
/// who connects one is seen at the next message.
#[derive(Default)]
pub struct BotCache(RwLock<Option<(String, DateTime<Utc>)>>);

impl HelixClient {
    /// The connected bot's user id (validated with Twitch at most every [`BOT_KNOWN_FOR`]).
    pub(super) async fn bot_id(&self) -> Result<Option<String>, TwitchError> {
        let now = Utc::now();
        let known = self
            .bot
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .filter(|(_, until)| *until > now);
        if let Some((id, _)) = known {
            return Ok(Some(id));
        }
        let found = bot::connected(self.transport.tokens())
            .await
            .map_err(|e| TwitchError::Transient(e.to_string()))?
            .map(|b| b.id);
        *self
            .bot
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            found.clone().map(|id| (id, now + BOT_KNOWN_FOR));
        Ok(found)
    }

    pub(super) async fn post_chat_as_bot(
        &self,
        channel: &ChannelId,
        message: &str,
        parent: Option<&str>,
    ) -> Result<bool, TwitchError> {
        let Some(bot) = self.bot_id().await? else {
            return Err(TwitchError::Rejected("no chat bot is connected".into()));
        };
        let request = SendChatMessageRequest::new();
        let mut body = SendChatMessageBody::new(
            channel.as_str(),
            bot.as_str(),
            truncate(message, MAX_CHAT_CHARS),
        )
        .for_source_only(true);
        if let Some(parent) = parent {
            body = body.reply_parent_message_id(parent);
        }
        let reply = self
            .transport
            .send_app(|token, client_id| request.create_request(body.clone(), token, client_id))
            .await?;
        sent(reply)
    }
}
