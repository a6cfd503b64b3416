//! What a revoked authorisation ends besides the channel's EventSub: every login session of the
//! user, in every browser at once (a live stream opened with one ends at its next check). The
//! engine still flags the channel for re-authorisation.
//!
//! [`EndSessionsOnRevoke`] wraps the engine as the [`EventSink`] every EventSub path delivers to
//! (the inbox, the webhook's revocations, the WebSocket sessions), so no path can miss it.

use std::sync::Arc;

use async_trait::async_trait;

use app::ssr::events::{EventSink, TwitchEvent};

use crate::store::LoginSessions;

/// The engine as an [`EventSink`], ending a user's login sessions when Twitch reports that the
/// user revoked the app's authorisation.
pub struct EndSessionsOnRevoke {
    pub engine: Arc<dyn EventSink>,
    pub sessions: LoginSessions,
}

#[async_trait]
impl EventSink for EndSessionsOnRevoke {
    async fn deliver(&self, event: TwitchEvent) {
        if let TwitchEvent::AuthorizationRevoked { user_id } = &event {
            match self.sessions.delete_user(user_id).await {
                Ok(ended) => {
                    tracing::info!(
                        user_id,
                        ended,
                        "authorisation revoked: login sessions ended"
                    );
                }
                Err(e) => {
                    tracing::error!(user_id, error = %e, "authorisation revoked: cannot end the login sessions");
                }
            }
        }
        self.engine.deliver(event).await;
    }
}
