//! The account page's view of the server: [`SupervisorAccountStatus`] implements
//! [`app::ssr::account::AccountStatus`] over the scope list, the token manager (scopes and expiry
//! only, never the token) and the EventSub supervisor (the channel's connection state and the status
//! of each of its subscriptions). Held by the server context.

use std::sync::Arc;

use app::model::{ChannelId, EventSubState, Settings, TokenHealth};
use app::ssr::account::{AccountStatus, RequiredScope};
use async_trait::async_trait;

use crate::eventsub::EventSubSupervisor;
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

    #[tracing::instrument(skip_all)]
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
        if self.eventsub.webhook_transport() {
            "webhook"
        } else {
            "websocket"
        }
    }

    fn eventsub(&self, channel: &ChannelId) -> Option<EventSubState> {
        let connection = self.eventsub.state(channel)?;
        Some(EventSubState {
            connection,
            subscriptions: self.eventsub.subscriptions(channel),
        })
    }
}
