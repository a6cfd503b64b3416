//! The app's own chat bot: one Twitch account an operator connects once, whose tokens are kept
//! like a streamer's (sealed in the store, refreshed after a 401, validated on use) under a key of
//! their own, [`BOT_TOKENS_KEY`], which no Twitch user id can equal (Twitch ids are digits).
//!
//! Twitch (Chat & Chatbots, "Authenticating"): a bot that reads chat and sends messages with the
//! app access token needs `user:read:chat`, `user:write:chat` and `user:bot` from the bot account.

use serde::Serialize;

use super::tokens::{TokenError, TokenManager};

/// Where the bot's tokens are stored.
pub const BOT_TOKENS_KEY: &str = "chat-bot";

/// The scopes the bot account grants.
pub const BOT_SCOPES: [&str; 3] = ["user:read:chat", "user:write:chat", "user:bot"];

/// The bot as Twitch names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatBot {
    pub id: String,
    pub login: String,
}

/// The scopes of [`BOT_SCOPES`] missing from `granted`. Pure.
pub fn missing_scopes<'a>(granted: impl IntoIterator<Item = &'a str>) -> Vec<&'static str> {
    let granted: Vec<&str> = granted.into_iter().collect();
    BOT_SCOPES
        .into_iter()
        .filter(|s| !granted.contains(s))
        .collect()
}

/// The connected bot, validated with Twitch now (a dead token is refreshed once). `None` when no
/// bot was connected, or its authorisation is gone or lacks a scope (the operator connects it
/// again).
///
/// # Errors
/// [`TokenError::Transient`] when Twitch or the store cannot be reached.
pub async fn connected(tokens: &TokenManager) -> Result<Option<ChatBot>, TokenError> {
    let validation = match tokens.validation(BOT_TOKENS_KEY).await {
        Ok(v) => v,
        Err(TokenError::NeedsReauth(reason)) => {
            tracing::debug!(reason, "no usable chat bot authorisation");
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    if !missing_scopes(validation.scopes.iter().map(String::as_str)).is_empty() {
        tracing::warn!(
            "the chat bot's authorisation lacks a scope; the operator connects it again"
        );
        return Ok(None);
    }
    Ok(validation
        .user_id
        .zip(validation.login)
        .map(|(id, login)| ChatBot { id, login }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bot_scope_is_needed() {
        assert!(missing_scopes(BOT_SCOPES).is_empty());
        assert_eq!(
            missing_scopes(["user:read:chat", "user:write:chat", "channel:bot"]),
            ["user:bot"]
        );
        assert_eq!(missing_scopes([]), BOT_SCOPES);
    }
}
