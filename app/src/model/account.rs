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
pub enum EventSubConnection {
    Connecting,
    Connected,
    Reconnecting,
    Failed(String),
    NeedsReauth,
    /// Another instance holds the channel's connection.
    Standby,
}

impl EventSubConnection {
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

    /// A stable machine-readable name, for health reports and logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Reconnecting => "reconnecting",
            Self::Failed(_) => "failed",
            Self::NeedsReauth => "needs_reauth",
            Self::Standby => "standby",
        }
    }

    /// Whether events flow (here or on another instance).
    pub fn is_healthy(&self) -> bool {
        matches!(self, Self::Connected | Self::Standby)
    }
}

/// Where one EventSub subscription stands, as Twitch last reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum SubscriptionState {
    /// Events of this type flow.
    Enabled,
    /// A webhook subscription waiting for Twitch to verify the callback.
    Pending,
    /// Creating it failed, or Twitch disabled it, for this reason.
    Failed(String),
    /// Twitch revoked it for this reason (e.g. `authorization_revoked`).
    Revoked(String),
}

impl SubscriptionState {
    /// A short label for the page.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Pending => "pending verification",
            Self::Failed(_) => "failed",
            Self::Revoked(_) => "revoked",
        }
    }

    /// A machine-readable name (`enabled`, `pending`, `failed`, `revoked`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Pending => "pending",
            Self::Failed(_) => "failed",
            Self::Revoked(_) => "revoked",
        }
    }

    /// Why it failed or was revoked.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Failed(r) | Self::Revoked(r) => Some(r),
            Self::Enabled | Self::Pending => None,
        }
    }
}

/// One EventSub subscription of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionStatus {
    /// The subscription type, e.g. `stream.online`.
    pub kind: String,
    /// Twitch's subscription id; `None` when it could not be created.
    pub id: Option<String>,
    pub state: SubscriptionState,
}

/// A channel's EventSub on this server: the connection and each subscription, ordered by type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSubState {
    pub connection: EventSubConnection,
    pub subscriptions: Vec<SubscriptionStatus>,
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
        let state = EventSubState {
            connection: EventSubConnection::Failed("socket closed".into()),
            subscriptions: vec![SubscriptionStatus {
                kind: "stream.online".into(),
                id: None,
                state: SubscriptionState::Revoked("authorization_revoked".into()),
            }],
        };
        let json = serde_json::to_value(&state).unwrap();
        assert_eq!(json["connection"]["state"], "failed");
        assert_eq!(json["connection"]["reason"], "socket closed");
        assert_eq!(json["subscriptions"][0]["state"]["state"], "revoked");
        assert_eq!(
            json["subscriptions"][0]["state"]["reason"],
            "authorization_revoked"
        );
        assert!(EventSubConnection::Standby.is_healthy());
        assert!(!EventSubConnection::Reconnecting.is_healthy());
        assert_eq!(SubscriptionState::Pending.reason(), None);
    }
}
