//! Twitch requires every stored token to be validated at start-up and then hourly. A token that is
//! dead and cannot be refreshed marks its channel "needs re-authorisation" (with an audit entry)
//! and stops its EventSub; the dashboard says why.

use std::sync::Arc;
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::{authorisation, Store};
use tokio_util::sync::CancellationToken;

use super::bot_validation::validate_bot;
use super::scopes;
use super::tokens::{TokenError, TokenManager};
use crate::eventsub::supervisor::EventSubSupervisor;

/// Validates every stored token now, then every `every` (Twitch: at start-up and hourly),
/// until `cancel` fires; a channel whose token is dead stops its EventSub.
pub async fn run(
    store: Arc<dyn Store>,
    tokens: Arc<TokenManager>,
    eventsub: EventSubSupervisor,
    every: Duration,
    cancel: CancellationToken,
) {
    loop {
        for channel in validate_all(store.as_ref(), &tokens).await {
            eventsub.unwatch(&channel);
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}

/// One pass over the chat bot's token ([`validate_bot`]) and every channel that is not already
/// flagged. Returns the channels it flagged.
pub async fn validate_all(store: &dyn Store, tokens: &TokenManager) -> Vec<ChannelId> {
    validate_bot(tokens).await;
    let mut flagged = Vec::new();
    let channels = match store.channels().await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "token validation: cannot list channels");
            return flagged;
        }
    };
    for channel in channels.into_iter().filter(|c| !c.needs_reauth) {
        match tokens.validate(channel.id.as_str()).await {
            Ok(granted) => {
                let missing = scopes::missing(granted.iter().map(String::as_str));
                if !missing.is_empty() {
                    tracing::warn!(channel = %channel.id, ?missing, "token lacks required scopes");
                }
            }
            Err(TokenError::NeedsReauth(reason)) => {
                let why = format!("token validation: {reason}");
                match authorisation::mark_needs_reauth(store, &channel.id, &why).await {
                    Ok(_) => flagged.push(channel.id),
                    Err(e) => {
                        tracing::warn!(channel = %channel.id, error = %e, "could not flag the channel");
                    }
                }
            }
            Err(TokenError::Transient(reason)) => {
                tracing::warn!(channel = %channel.id, reason, "token validation failed; retried at the next pass");
            }
        }
    }
    flagged
}
