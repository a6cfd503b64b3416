//! The settings page's live chat status: whether the app's chat bot is connected (and why not),
//! whether the streamer granted `channel:bot`, and who actually reads and answers chat on this
//! server's EventSub transport. Every string of this component is in [`text`].

use leptos::prelude::*;

use crate::model::{ChatBotState, ChatIdentity, ChatNotice, ChatStatus};
use crate::server_fns::get_chat_status;

/// The component's strings, in one place.
mod text {
    pub const BOT_CONNECTED: &str = "Chat bot connected:";
    pub const BOT_NOT_CONNECTED: &str =
        "Chat bot not connected (not_connected): the operator connects one.";
    pub const BOT_TOKEN_INVALID: &str = "Chat bot not connected (token_invalid): Twitch no longer accepts it; the operator connects it again.";
    pub const BOT_MISSING_SCOPES: &str = "Chat bot not connected (missing_scopes): the operator connects it again and approves every scope.";
    pub const BOT_UNKNOWN: &str = "Whether the chat bot is connected cannot be told now.";
    pub const CHANNEL_BOT_YES: &str = "You granted channel:bot.";
    pub const CHANNEL_BOT_NO: &str = "You have not granted channel:bot: choose the bot, then log in again (or make the bot a moderator).";
    pub const READS_STREAMER: &str = "Chat is read as you.";
    pub const READS_BOT: &str = "Chat is read by the bot.";
    pub const READS_NOBODY: &str = "Chat is not read: no chat bot is connected.";
    pub const REPLIES_STREAMER: &str = "Replies come from your account.";
    pub const REPLIES_BOT: &str = "Replies come from the bot.";
    pub const OFF: &str = "Chat commands are off.";
    pub const SCOPES_MISSING: &str =
        "Log in again to grant the chat scopes (the account page lists them).";
    pub const WEBSOCKET: &str = "On this server (WebSocket) Twitch lets the bot read chat only through webhooks, so chat is read with your account and the bot answers.";
    pub const UNAVAILABLE: &str = "The chat status cannot be shown now.";
}

/// The status as sentences, in order. Pure.
pub fn status_lines(status: &ChatStatus) -> Vec<String> {
    let mut lines = vec![match &status.bot {
        ChatBotState::Connected { login, .. } => format!("{} {login}.", text::BOT_CONNECTED),
        ChatBotState::NotConnected => text::BOT_NOT_CONNECTED.to_owned(),
        ChatBotState::TokenInvalid => text::BOT_TOKEN_INVALID.to_owned(),
        ChatBotState::MissingScopes => text::BOT_MISSING_SCOPES.to_owned(),
        ChatBotState::Unknown => text::BOT_UNKNOWN.to_owned(),
    }];
    lines.push(
        if status.channel_bot_granted {
            text::CHANNEL_BOT_YES
        } else {
            text::CHANNEL_BOT_NO
        }
        .to_owned(),
    );
    if !status.enabled {
        lines.push(text::OFF.to_owned());
        return lines;
    }
    lines.push(
        match status.reads_as {
            Some(ChatIdentity::Streamer) => text::READS_STREAMER,
            Some(ChatIdentity::Bot) => text::READS_BOT,
            None => text::READS_NOBODY,
        }
        .to_owned(),
    );
    lines.push(
        match status.replies_as {
            ChatIdentity::Streamer => text::REPLIES_STREAMER,
            ChatIdentity::Bot => text::REPLIES_BOT,
        }
        .to_owned(),
    );
    for notice in &status.notices {
        match notice {
            ChatNotice::StreamerScopesMissing => lines.push(text::SCOPES_MISSING.to_owned()),
            ChatNotice::ReadsAsStreamerOnWebsocket => lines.push(text::WEBSOCKET.to_owned()),
            // Said above.
            ChatNotice::Off | ChatNotice::BotNotConnected | ChatNotice::ChannelBotMissing => {}
        }
    }
    lines
}

/// The live status, loaded when the form is shown (again after each save).
#[component]
pub fn ChatStatusLine() -> AnyView {
    let status = Resource::new(|| (), |_| get_chat_status());
    view! {
        <div id="chat-status" role="status" class="space-y-1 text-sm text-zinc-300">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let lines = match status.await {
                        Ok(s) => status_lines(&s),
                        Err(_) => vec![text::UNAVAILABLE.to_owned()],
                    };
                    lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()
                })}
            </Transition>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chat_status;

    #[test]
    fn the_lines_say_who_reads_and_what_is_missing() {
        let bot = ChatBotState::Connected {
            id: "9".into(),
            login: "vipbot".into(),
        };
        let ws = status_lines(&chat_status(true, ChatIdentity::Bot, bot, &[], false));
        assert_eq!(ws[0], "Chat bot connected: vipbot.");
        assert_eq!(ws[1], text::CHANNEL_BOT_NO);
        assert_eq!(ws[2], text::READS_STREAMER);
        assert_eq!(ws[3], text::REPLIES_BOT);
        assert!(ws.contains(&text::WEBSOCKET.to_owned()));
        let none = status_lines(&chat_status(
            true,
            ChatIdentity::Bot,
            ChatBotState::TokenInvalid,
            &["channel:bot".to_owned()],
            true,
        ));
        assert_eq!(
            none[..3],
            [
                text::BOT_TOKEN_INVALID,
                text::CHANNEL_BOT_YES,
                text::READS_NOBODY
            ]
        );
    }
}
