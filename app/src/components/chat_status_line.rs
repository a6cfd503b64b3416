//! The settings page's live chat status: whether the app's chat bot is connected (and why not),
//! whether the streamer granted `channel:bot`, and who actually reads and answers chat on this
//! server's EventSub transport, in the language served ([`ChatStatusTexts`]).

use leptos::prelude::*;

use crate::i18n::keys::ChatStatusTexts;
use crate::i18n::use_texts;
use crate::model::{ChatBotState, ChatIdentity, ChatNotice, ChatStatus};
use crate::server_fns::get_chat_status;

/// The status as sentences, in order. Pure.
pub fn status_lines(text: &ChatStatusTexts, status: &ChatStatus) -> Vec<String> {
    let mut lines = vec![match &status.bot {
        ChatBotState::Connected { login, .. } => (text.bot_connected)(login),
        ChatBotState::NotConnected => text.bot_not_connected.to_owned(),
        ChatBotState::TokenInvalid => text.bot_token_invalid.to_owned(),
        ChatBotState::MissingScopes => text.bot_missing_scopes.to_owned(),
        ChatBotState::Unknown => text.bot_unknown.to_owned(),
    }];
    lines.push(
        if status.channel_bot_granted {
            text.channel_bot_yes
        } else {
            text.channel_bot_no
        }
        .to_owned(),
    );
    if !status.enabled {
        lines.push(text.off.to_owned());
        return lines;
    }
    lines.push(
        match status.reads_as {
            Some(ChatIdentity::Streamer) => text.reads_streamer,
            Some(ChatIdentity::Bot) => text.reads_bot,
            None => text.reads_nobody,
        }
        .to_owned(),
    );
    lines.push(
        match status.replies_as {
            ChatIdentity::Streamer => text.replies_streamer,
            ChatIdentity::Bot => text.replies_bot,
        }
        .to_owned(),
    );
    for notice in &status.notices {
        match notice {
            ChatNotice::StreamerScopesMissing => lines.push(text.scopes_missing.to_owned()),
            ChatNotice::ReadsAsStreamerOnWebsocket => lines.push(text.websocket.to_owned()),
            // Said above.
            ChatNotice::Off | ChatNotice::BotNotConnected | ChatNotice::ChannelBotMissing => {}
        }
    }
    lines
}

/// The live status, loaded when the form is shown (again after each save).
#[component]
pub fn ChatStatusLine() -> AnyView {
    let text = &use_texts().chat_status;
    let status = Resource::new(|| (), |_| get_chat_status());
    view! {
        <div id="chat-status" role="status" class="space-y-1 text-sm text-zinc-300">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let lines = match status.await {
                        Ok(s) => status_lines(text, &s),
                        Err(_) => vec![text.unavailable.to_owned()],
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
    use crate::i18n::Lang;
    use crate::model::chat_status;

    #[test]
    fn the_lines_say_who_reads_and_what_is_missing() {
        let bot = ChatBotState::Connected {
            id: "9".into(),
            login: "vipbot".into(),
        };
        let text = &Lang::En.texts().chat_status;
        let ws = status_lines(text, &chat_status(true, ChatIdentity::Bot, bot, &[], false));
        assert_eq!(ws[0], "Chat bot connected: vipbot.");
        assert_eq!(ws[1], text.channel_bot_no);
        assert_eq!(ws[2], text.reads_streamer);
        assert_eq!(ws[3], text.replies_bot);
        assert!(ws.contains(&text.websocket.to_owned()));
        let none = status_lines(
            text,
            &chat_status(
                true,
                ChatIdentity::Bot,
                ChatBotState::TokenInvalid,
                &["channel:bot".to_owned()],
                true,
            ),
        );
        assert_eq!(
            none[..3],
            [
                text.bot_token_invalid,
                text.channel_bot_yes,
                text.reads_nobody
            ]
        );
    }
}
