//! Send Chat Message as the broadcaster (sender = broadcaster, user token with `user:write:chat`),
//! threaded as a reply (`reply_parent_message_id`) when answering a chat command.
//! A 200 is not a delivery: Twitch's `is_sent` says whether the message went out.

use app::model::ChannelId;
use app::ssr::twitch::TwitchError;
use twitch_api::helix::chat::{SendChatMessageBody, SendChatMessageRequest};
use twitch_api::helix::RequestPost;

use super::transport::Reply;
use super::{classify, unreadable, HelixClient};

/// Twitch's limit for one chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 500;

impl HelixClient {
    pub(super) async fn post_chat(
        &self,
        channel: &ChannelId,
        message: &str,
        parent: Option<&str>,
    ) -> Result<bool, TwitchError> {
        let request = SendChatMessageRequest::new();
        let mut body = SendChatMessageBody::new(
            channel.as_str(),
            channel.as_str(),
            truncate(message, MAX_CHAT_CHARS),
        );
        if let Some(parent) = parent {
            body = body.reply_parent_message_id(parent);
        }
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                request.create_request(body.clone(), token, client_id)
            })
            .await?;
        sent(reply)
    }
}

/// Send Chat Message's answer: an error for a refusal, else whether the message went out.
pub(super) fn sent(reply: Reply) -> Result<bool, TwitchError> {
    if !reply.is_success() {
        return Err(classify::error(reply.status, &reply.message()));
    }
    let uri = reply.uri.clone();
    let sent = SendChatMessageRequest::parse_response(None, &uri, reply.into_http())
        .map_err(unreadable)?
        .data;
    Ok(was_sent(sent))
}

/// Whether Twitch's answer says the message went out; a drop is logged with its reason.
fn was_sent(sent: twitch_api::helix::chat::SendChatMessageResponse) -> bool {
    if !sent.is_sent {
        let reason = sent
            .drop_reason
            .map(|r| r.code.to_string())
            .unwrap_or_default();
        tracing::info!(reason, "Twitch dropped a chat message");
    }
    sent.is_sent
}

/// At most `max` characters (not bytes) of `text`.
pub(super) fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("héllo", 3), "hél");
        assert_eq!(truncate("short", 500), "short");
        let long = "é".repeat(600);
        assert_eq!(truncate(&long, MAX_CHAT_CHARS).chars().count(), 500);
    }
}
