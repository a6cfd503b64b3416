//! What the account page shows about a streamer's Twitch authorisation: the scopes the app needs
//! against those the stored token carries, the token's health and the channel's EventSub state.
//! Only names and times cross the wire: the token itself never leaves the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One scope the app asks for, why, and whether the stored token carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeStatus {
    pub scope: String,
    pub reason: String,
    pub granted: bool,
}

/// The scopes of a channel's token against those its features need (`GET /api/settings/scopes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeSummary {
    /// What the stored token carries; empty when no usable token is stored.
    pub granted: Vec<String>,
    /// What the app needs for the channel's settings (the grant rules add scopes).
    pub required: Vec<String>,
    /// Required but not granted: the streamer should log in again.
    pub missing: Vec<String>,
}

/// What the stored token carries, without the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenHealth {
    pub scopes: Vec<String>,
    /// When the access token runs out (the server renews it with the refresh token).
    pub expires_at: DateTime<Utc>,
}

/// The state of a channel's EventSub connection, as the server's supervisor reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum EventSubState {
    Connecting,
    Connected,
    Reconnecting,
    Failed(String),
    NeedsReauth,
    /// Another instance holds the channel's connection.
    Standby,
}

impl EventSubState {
    /// A short label for the page.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Reconnecting => "reconnecting",
            Self::Failed(_) => "failed",
            Self::NeedsReauth => "needs re-authorisation",
            Self::Standby => "standby",
        }
    }

    /// Whether events flow (here or on another instance).
    pub fn is_healthy(&self) -> bool {
        matches!(self, Self::Connected | Self::Standby)
    }
}

/// Everything the account page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub user_id: String,
    pub login: String,
    pub display_name: String,
    pub profile_image_url: Option<String>,
    /// Every scope the app needs, in the order the app asks for them.
    pub scopes: Vec<ScopeStatus>,
    /// `None` when no usable token is stored.
    pub token: Option<TokenHealth>,
    /// Twitch refused the token and its refresh: the streamer must log in again.
    pub needs_reauth: bool,
    /// `None` when this server does not watch the channel.
    pub eventsub: Option<EventSubState>,
    pub now: DateTime<Utc>,
}

impl AccountOverview {
    /// Required scopes the stored token lacks.
    pub fn missing_scopes(&self) -> Vec<&str> {
        self.scopes
            .iter()
            .filter(|s| !s.granted)
            .map(|s| s.scope.as_str())
            .collect()
    }

    /// Whether the streamer should log in with Twitch again.
    pub fn should_reauthorise(&self) -> bool {
        self.needs_reauth || self.token.is_none() || !self.missing_scopes().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overview(granted: bool, needs_reauth: bool) -> AccountOverview {
        AccountOverview {
            user_id: "1".into(),
            login: "a".into(),
            display_name: "A".into(),
            profile_image_url: None,
            scopes: vec![ScopeStatus {
                scope: "user:write:chat".into(),
                reason: "chat".into(),
                granted,
            }],
            token: Some(TokenHealth {
                scopes: vec![],
                expires_at: Utc::now(),
            }),
            needs_reauth,
            eventsub: None,
            now: Utc::now(),
        }
    }

    #[test]
    fn a_missing_scope_or_a_dead_token_asks_for_reauthorisation() {
        assert!(!overview(true, false).should_reauthorise());
        assert!(overview(false, false).should_reauthorise());
        assert_eq!(overview(false, false).missing_scopes(), ["user:write:chat"]);
        assert!(overview(true, true).should_reauthorise());
        let mut no_token = overview(true, false);
        no_token.token = None;
        assert!(no_token.should_reauthorise());
    }

    #[test]
    fn failed_states_carry_their_reason_on_the_wire() {
        let json = serde_json::to_value(EventSubState::Failed("socket closed".into())).unwrap();
        assert_eq!(json["state"], "failed");
        assert_eq!(json["reason"], "socket closed");
        assert!(EventSubState::Standby.is_healthy());
        assert!(!EventSubState::Reconnecting.is_healthy());
    }
}
