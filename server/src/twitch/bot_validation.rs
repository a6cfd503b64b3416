//! The chat bot's token takes part in Twitch's validation at start-up and hourly, like every
//! channel's: a dead access token is refreshed, and a bot whose authorisation is gone (or lacks a
//! scope) is logged. `GET /api/chat-bot` then answers "not connected", and messages as the bot are
//! not sent (each refusal logged) until the operator connects the bot again.

use super::bot::{missing_scopes, ChatBot, BOT_TOKENS_KEY};
use super::tokens::{TokenError, TokenManager};

/// What the pass found out about the bot's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BotToken {
    /// No bot was ever connected (nothing to validate).
    NotConnected,
    /// Valid (refreshed if it had expired) with every bot scope.
    Valid(ChatBot),
    /// Valid, but the operator left out these scopes.
    MissingScopes(Vec<&'static str>),
    /// Dead and not refreshable: the operator connects the bot again.
    Dead(String),
    /// Twitch or the store could not be reached; tried again at the next pass.
    Unknown(String),
}

/// Validates the bot's stored token with Twitch (refreshing a dead access token once) and logs
/// any problem (the start-up and hourly pass).
pub async fn validate_bot(tokens: &TokenManager) -> BotToken {
    let found = check_bot(tokens).await;
    match &found {
        BotToken::NotConnected | BotToken::Valid(_) => {}
        BotToken::MissingScopes(missing) => tracing::warn!(
            ?missing,
            "the chat bot's token lacks scopes; the operator connects the bot again"
        ),
        BotToken::Dead(reason) => tracing::warn!(
            reason,
            "the chat bot's token is no longer valid; nothing is sent as the bot until the \
             operator connects it again"
        ),
        BotToken::Unknown(reason) => {
            tracing::warn!(
                reason,
                "chat bot token validation failed; retried at the next pass"
            );
        }
    }
    found
}

/// [`validate_bot`] without the log lines (for `GET /api/chat-bot`, which may be asked often).
pub async fn check_bot(tokens: &TokenManager) -> BotToken {
    match tokens.get(BOT_TOKENS_KEY).await {
        Ok(_) => {}
        Err(TokenError::NeedsReauth(_)) => return BotToken::NotConnected,
        Err(TokenError::Transient(reason)) => return BotToken::Unknown(reason),
    }
    match tokens.validation(BOT_TOKENS_KEY).await {
        Ok(v) => {
            let missing = missing_scopes(v.scopes.iter().map(String::as_str));
            if !missing.is_empty() {
                return BotToken::MissingScopes(missing);
            }
            match v.user_id.zip(v.login) {
                Some((id, login)) => BotToken::Valid(ChatBot { id, login }),
                None => BotToken::Dead("Twitch named no user for the token".into()),
            }
        }
        Err(TokenError::NeedsReauth(reason)) => BotToken::Dead(reason),
        Err(TokenError::Transient(reason)) => BotToken::Unknown(reason),
    }
}
