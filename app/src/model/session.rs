use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, ChannelId, Viewer};

/// How a VIP came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VipSource {
    ChannelPoints,
    Manual,
    Subscription,
    Bits,
    /// A VIP the app did not grant (added by hand on Twitch, or permanent). Never removed by the app.
    External,
}

/// Where a VIP session stands. Only `Active` sessions can change; the others are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Active,
    /// The deadline passed (VIP removed, or left in place when auto-remove is off).
    Expired,
    /// Ended early by the streamer or a moderator.
    Revoked,
    /// Someone removed the VIP on Twitch (or made the viewer a moderator).
    RemovedExternally,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::RemovedExternally => "removed_externally",
        }
    }
}

impl std::str::FromStr for SessionState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(Self::Active),
            "expired" => Ok(Self::Expired),
            "revoked" => Ok(Self::Revoked),
            "removed_externally" => Ok(Self::RemovedExternally),
            other => Err(format!("unknown session state `{other}`")),
        }
    }
}

/// One period of VIP status for one viewer in one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VipSession {
    /// Unique id, chosen by the app.
    pub id: String,
    pub channel_id: ChannelId,
    pub viewer: Viewer,
    pub source: VipSource,
    pub granted_by: Actor,
    pub granted_at: DateTime<Utc>,
    /// `None` for external or permanent VIPs.
    pub expires_at: Option<DateTime<Utc>>,
    pub state: SessionState,
    /// When the session left `Active`.
    pub ended_at: Option<DateTime<Utc>>,
    /// The Twitch redemption that started it, if any.
    pub redemption_id: Option<String>,
    pub metadata: serde_json::Value,
}

impl VipSession {
    /// Seconds of VIP left at `now` (0 once due); `None` for sessions without a deadline.
    pub fn remaining_secs(&self, now: DateTime<Utc>) -> Option<u64> {
        self.expires_at
            .map(|at| u64::try_from((at - now).num_seconds()).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn remaining_time_counts_down_and_stops_at_zero() {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        let session = VipSession {
            id: "s".into(),
            channel_id: "1".into(),
            viewer: Viewer {
                id: "2".into(),
                login: "v".into(),
                display_name: "V".into(),
            },
            source: VipSource::Manual,
            granted_by: Actor::System,
            granted_at: at,
            expires_at: Some(at + chrono::Duration::seconds(90)),
            state: SessionState::Active,
            ended_at: None,
            redemption_id: None,
            metadata: serde_json::Value::Null,
        };
        assert_eq!(session.remaining_secs(at), Some(90));
        assert_eq!(
            session.remaining_secs(at + chrono::Duration::seconds(200)),
            Some(0)
        );
    }

    #[test]
    fn states_round_trip_through_text() {
        for s in [
            SessionState::Active,
            SessionState::Expired,
            SessionState::Revoked,
            SessionState::RemovedExternally,
        ] {
            assert_eq!(s.as_str().parse::<SessionState>(), Ok(s));
        }
    }
}
