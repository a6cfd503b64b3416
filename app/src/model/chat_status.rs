//! Where a channel's chat identity stands now: whether the app's chat bot is connected (and why
//! not), whether the streamer granted what each identity needs, and which account actually reads
//! and answers chat on this server's EventSub transport.
//!
//! Twitch (EventSub subscription types, "Channel Chat Message"; Chat & Chatbots,
//! "Authenticating"): `channel.chat.message` for a `user_id` other than the token's user needs the
//! app access token, which only the webhook and conduit transports take. So the bot reads chat on
//! webhooks; on WebSocket chat is read with the streamer's token (`user:read:chat`) while replies
//! still go out as the bot. The bot needs `channel:bot` from the streamer unless it moderates the
//! channel.

use serde::{Deserialize, Serialize};

use super::ChatIdentity;

/// The app's chat bot as Twitch sees it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ChatBotState {
    Connected {
        id: String,
        login: String,
    },
    /// No operator connected a bot.
    NotConnected,
    /// Twitch no longer accepts the bot's authorisation: the operator connects it again.
    TokenInvalid,
    /// The bot's authorisation lacks a scope: the operator connects it again.
    MissingScopes,
    /// Twitch could not be asked just now.
    Unknown,
}

impl ChatBotState {
    pub fn is_connected(&self) -> bool {
        matches!(self, Self::Connected { .. })
    }
}

/// What stops the chosen identity from working, or how it works differently on this transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatNotice {
    /// Chat commands are off.
    Off,
    /// The bot is chosen but not connected: nothing reads chat (webhooks) or answers.
    BotNotConnected,
    /// The bot is chosen and the streamer has not granted `channel:bot` (log in again), nor is the
    /// bot a moderator: Twitch refuses the bot in the channel.
    ChannelBotMissing,
    /// The streamer has not granted the scopes to read chat with their account (log in again).
    StreamerScopesMissing,
    /// The bot is chosen on the WebSocket transport: chat is read with the streamer's account,
    /// replies come from the bot.
    ReadsAsStreamerOnWebsocket,
}

/// A channel's chat identity, live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatStatus {
    pub enabled: bool,
    /// As chosen in settings.
    pub identity: ChatIdentity,
    pub bot: ChatBotState,
    /// Whether the streamer's stored authorisation carries `channel:bot`.
    pub channel_bot_granted: bool,
    /// The server's EventSub transport is webhooks (else WebSocket).
    pub webhook: bool,
    /// Whose account reads chat (`None`: nobody, see `notices`).
    pub reads_as: Option<ChatIdentity>,
    /// Whose account answers.
    pub replies_as: ChatIdentity,
    /// Problems first, then how the identity works on this transport; empty when all is well.
    pub notices: Vec<ChatNotice>,
}

/// Whose account reads chat for a channel with chat commands on. Pure.
pub fn reads_as(
    identity: ChatIdentity,
    webhook: bool,
    bot_connected: bool,
) -> Option<ChatIdentity> {
    match identity {
        ChatIdentity::Streamer => Some(ChatIdentity::Streamer),
        // WebSocket takes only user tokens, and a user token reads only its own user's chat.
        ChatIdentity::Bot if !webhook => Some(ChatIdentity::Streamer),
        ChatIdentity::Bot if bot_connected => Some(ChatIdentity::Bot),
        ChatIdentity::Bot => None,
    }
}

/// The scopes the streamer grants so that chat is read with their account (`webhook`: with the
/// app token). Pure.
pub fn streamer_read_scopes(webhook: bool) -> &'static [&'static str] {
    if webhook {
        &["user:read:chat", "user:bot", "channel:bot"]
    } else {
        &["user:read:chat"]
    }
}

/// The status of a channel (`granted`: the streamer's scopes). Pure.
pub fn chat_status(
    enabled: bool,
    identity: ChatIdentity,
    bot: ChatBotState,
    granted: &[String],
    webhook: bool,
) -> ChatStatus {
    let has = |scope: &str| granted.iter().any(|g| g == scope);
    let channel_bot_granted = has("channel:bot");
    let reads = reads_as(identity, webhook, bot.is_connected());
    let mut notices = Vec::new();
    if !enabled {
        notices.push(ChatNotice::Off);
    } else {
        if identity == ChatIdentity::Bot {
            if !bot.is_connected() {
                notices.push(ChatNotice::BotNotConnected);
            }
            if !channel_bot_granted {
                notices.push(ChatNotice::ChannelBotMissing);
            }
        }
        if reads == Some(ChatIdentity::Streamer)
            && !streamer_read_scopes(webhook).iter().all(|s| has(s))
        {
            notices.push(ChatNotice::StreamerScopesMissing);
        }
        if identity == ChatIdentity::Bot && !webhook {
            notices.push(ChatNotice::ReadsAsStreamerOnWebsocket);
        }
    }
    ChatStatus {
        enabled,
        identity,
        bot,
        channel_bot_granted,
        webhook,
        reads_as: if enabled { reads } else { None },
        replies_as: identity,
        notices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_owned()).collect()
    }

    fn bot() -> ChatBotState {
        ChatBotState::Connected {
            id: "9".into(),
            login: "vipbot".into(),
        }
    }

    #[test]
    fn the_bot_reads_only_on_webhooks_and_only_once_connected() {
        use ChatIdentity::{Bot, Streamer};
        assert_eq!(reads_as(Streamer, false, false), Some(Streamer));
        assert_eq!(reads_as(Streamer, true, true), Some(Streamer));
        assert_eq!(reads_as(Bot, false, true), Some(Streamer));
        assert_eq!(reads_as(Bot, true, true), Some(Bot));
        assert_eq!(reads_as(Bot, true, false), None);
    }

    #[test]
    fn notices_name_what_is_missing() {
        let all = scopes(&["user:read:chat", "user:bot", "channel:bot"]);
        let ok = chat_status(true, ChatIdentity::Bot, bot(), &all, true);
        assert_eq!(ok.reads_as, Some(ChatIdentity::Bot));
        assert!(ok.notices.is_empty(), "{ok:?}");

        let none = chat_status(
            true,
            ChatIdentity::Bot,
            ChatBotState::TokenInvalid,
            &[],
            true,
        );
        assert_eq!(none.reads_as, None);
        assert_eq!(
            none.notices,
            [ChatNotice::BotNotConnected, ChatNotice::ChannelBotMissing]
        );

        let ws = chat_status(
            true,
            ChatIdentity::Bot,
            bot(),
            &scopes(&["channel:bot"]),
            false,
        );
        assert_eq!(ws.reads_as, Some(ChatIdentity::Streamer));
        assert_eq!(ws.replies_as, ChatIdentity::Bot);
        assert_eq!(
            ws.notices,
            [
                ChatNotice::StreamerScopesMissing,
                ChatNotice::ReadsAsStreamerOnWebsocket
            ]
        );

        let me = chat_status(
            true,
            ChatIdentity::Streamer,
            ChatBotState::NotConnected,
            &scopes(&["user:read:chat"]),
            true,
        );
        assert_eq!(me.notices, [ChatNotice::StreamerScopesMissing]);

        let off = chat_status(false, ChatIdentity::Bot, bot(), &[], true);
        assert_eq!((off.reads_as, off.notices), (None, vec![ChatNotice::Off]));
    }
}
