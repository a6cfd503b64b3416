//! The account page's view of the server: [`SupervisorAccountStatus`] implements
//! [`app::ssr::account::AccountStatus`] over the scope list, the token manager (scopes and expiry
//! only, never the token) and the EventSub supervisor (the channel's connection state and the status
//! of each of its subscriptions). Provided in the Leptos context per request.

use std::sync::Arc;

use app::model::{ChannelId, EventSubConnection, EventSubState, Settings, TokenHealth};
use app::ssr::account::{AccountStatus, RequiredScope};
use async_trait::async_trait;

use crate::eventsub::{ChannelState, EventSubSupervisor};
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

/// The supervisor's state in the page's terms.
pub fn eventsub_connection(state: ChannelState) -> EventSubConnection {
    match state {
        ChannelState::Connecting => EventSubConnection::Connecting,
        ChannelState::Connected => EventSubConnection::Connected,
        ChannelState::Reconnecting => EventSubConnection::Reconnecting,
        ChannelState::Failed(reason) => EventSubConnection::Failed(reason),
        ChannelState::NeedsReauth => EventSubConnection::NeedsReauth,
        ChannelState::Standby => EventSubConnection::Standby,
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

    fn eventsub(&self, channel: &ChannelId) -> Option<EventSubState> {
        let connection = self.eventsub.state(channel)?;
        Some(EventSubState {
            connection: eventsub_connection(connection),
            subscriptions: self.eventsub.subscriptions(channel),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supervisor_state_maps_with_its_reason() {
        assert_eq!(
            eventsub_connection(ChannelState::Failed("socket closed".into())),
            EventSubConnection::Failed("socket closed".into())
        );
        assert_eq!(
            eventsub_connection(ChannelState::Standby),
            EventSubConnection::Standby
        );
        assert_eq!(
            eventsub_connection(ChannelState::NeedsReauth),
            EventSubConnection::NeedsReauth
        );
    }
}
