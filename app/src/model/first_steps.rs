//! The dashboard's first-five-minutes checklist: each step a new streamer must get right, with
//! what the app knows of it. The component turns each into words and the one action that fixes it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::EventSubConnection;

/// What is known of Twitch's "Build a Community" achievement, which Add VIP needs (425 without).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "at", rename_all = "snake_case")]
pub enum CommunityState {
    /// Twitch added a VIP for the app since the last 425 (or there never was one).
    Done,
    /// Twitch's last answer to an Add VIP was 425, at this time.
    Required(DateTime<Utc>),
    /// The app has not added a VIP yet, nor been refused with 425.
    Unknown,
}

/// One step and its live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum FirstStep {
    /// Logged in, with every scope the settings need.
    Login {
        needs_reauth: bool,
        missing: Vec<String>,
    },
    /// A reward made by this app (the only kind whose redemptions it can fulfil or refund).
    Reward {
        rewards: usize,
        enabled: usize,
    },
    /// EventSub delivers the channel's events to this server.
    EventSub {
        /// `None` when this server does not watch the channel.
        connection: Option<EventSubConnection>,
        transport: String,
        subscriptions: usize,
        enabled: usize,
    },
    /// Chat messages are on and their scopes granted.
    Chat {
        enabled: bool,
        missing: Vec<String>,
    },
    BuildACommunity {
        state: CommunityState,
    },
}

impl FirstStep {
    /// `Some(true)` when done, `Some(false)` when the streamer must act, `None` when not known.
    pub fn done(&self) -> Option<bool> {
        match self {
            Self::Login {
                needs_reauth,
                missing,
            } => Some(!needs_reauth && missing.is_empty()),
            Self::Reward { enabled, .. } => Some(*enabled > 0),
            Self::EventSub {
                connection,
                subscriptions,
                enabled,
                ..
            } => Some(
                matches!(
                    connection,
                    Some(EventSubConnection::Connected | EventSubConnection::Standby)
                ) && *subscriptions > 0
                    && enabled == subscriptions,
            ),
            Self::Chat { enabled, missing } => Some(*enabled && missing.is_empty()),
            Self::BuildACommunity { state } => match state {
                CommunityState::Done => Some(true),
                CommunityState::Required(_) => Some(false),
                CommunityState::Unknown => None,
            },
        }
    }
}

/// The checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstSteps {
    pub login: String,
    pub steps: Vec<FirstStep>,
    /// Demo mode: the dashboard offers to simulate a redemption.
    pub demo: bool,
}

impl FirstSteps {
    /// Every step done: the checklist is hidden.
    pub fn all_done(&self) -> bool {
        self.steps.iter().all(|s| s.done() == Some(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_done_only_when_every_step_is_known_done() {
        let mut list = FirstSteps {
            login: "s".into(),
            steps: vec![
                FirstStep::Reward {
                    rewards: 1,
                    enabled: 1,
                },
                FirstStep::BuildACommunity {
                    state: CommunityState::Unknown,
                },
            ],
            demo: false,
        };
        assert!(!list.all_done(), "unknown is not done");
        list.steps[1] = FirstStep::BuildACommunity {
            state: CommunityState::Done,
        };
        assert!(list.all_done());
        list.steps[0] = FirstStep::Reward {
            rewards: 1,
            enabled: 0,
        };
        assert!(!list.all_done(), "a switched-off reward is not enough");
    }

    #[test]
    fn eventsub_is_done_when_connected_with_every_subscription_enabled() {
        let step = |connection, subscriptions, enabled| FirstStep::EventSub {
            connection,
            transport: "websocket".into(),
            subscriptions,
            enabled,
        };
        assert_eq!(
            step(Some(EventSubConnection::Connected), 3, 3).done(),
            Some(true)
        );
        assert_eq!(
            step(Some(EventSubConnection::Connected), 3, 2).done(),
            Some(false)
        );
        assert_eq!(
            step(Some(EventSubConnection::Connecting), 3, 3).done(),
            Some(false)
        );
        assert_eq!(step(None, 0, 0).done(), Some(false));
    }
}
