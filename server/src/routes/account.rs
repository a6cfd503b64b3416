//! The account page's view of the server: [`SupervisorAccountStatus`] implements
//! [`app::ssr::account::AccountStatus`] over the scope list, the token manager (scopes and expiry
//! only, never the token) and the EventSub supervisor (the channel's connection state and the status
//! of each of its subscriptions). Held by the server context.

use std::sync::Arc;

use app::model::{ChannelId, ChatBotState, EventSubState, Settings, TokenHealth};
use app::ssr::account::{AccountStatus, RequiredScope};
use async_trait::async_trait;

use crate::eventsub::EventSubSupervisor;
use crate::twitch::bot_validation::{check_bot, BotToken};
use crate::twitch::scopes;
use crate::twitch::tokens::{TokenError, TokenManager};

pub struct SupervisorAccountStatus {
    tokens: Arc<TokenManager>,
    eventsub: EventSubSupervisor,
}

impl SupervisorAccountStatus {
    pub fn new(tokens: Arc<TokenManager>, eventsub: EventSubSupervisor) -> Self {
        Self { tokens, eventsub }
    }
}

#[async_trait]
impl AccountStatus for SupervisorAccountStatus {
    fn required_scopes(&self, settings: &Settings) -> Vec<RequiredScope> {
        scopes::wanted_with_reasons(Some(settings), self.eventsub.webhook_transport())
            .into_iter()
            .map(|(scope, reason)| RequiredScope {
                scope: scope.to_owned(),
                reason: reason.to_owned(),
            })
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn token(&self, user_id: &str) -> Result<Option<TokenHealth>, String> {
        match self.tokens.get(user_id).await {
            Ok(tokens) => Ok(Some(TokenHealth {
                scopes: tokens.scopes,
                expires_at: tokens.expires_at,
            })),
            Err(TokenError::NeedsReauth(_)) => Ok(None),
            Err(TokenError::Transient(e)) => Err(e),
        }
    }

    fn eventsub_transport(&self) -> &'static str {
        self.eventsub.transport().name()
    }

    fn eventsub(&self, channel: &ChannelId) -> Option<EventSubState> {
        let connection = self.eventsub.state(channel)?;
        Some(EventSubState {
            connection,
            subscriptions: self.eventsub.subscriptions(channel),
        })
    }

    fn webhook_transport(&self) -> bool {
        self.eventsub.webhook_transport()
    }

    #[tracing::instrument(skip_all)]
    async fn chat_bot(&self) -> ChatBotState {
        match check_bot(&self.tokens).await {
            BotToken::Valid(b) => ChatBotState::Connected {
                id: b.id,
                login: b.login,
            },
            BotToken::NotConnected => ChatBotState::NotConnected,
            BotToken::Dead(_) => ChatBotState::TokenInvalid,
            BotToken::MissingScopes(_) => ChatBotState::MissingScopes,
            BotToken::Unknown(e) => {
                tracing::warn!(error = %e, "cannot tell whether the chat bot is connected");
                ChatBotState::Unknown
            }
        }
    }
}
