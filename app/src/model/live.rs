//! What dashboards are told as it happens (over SSE): one event per change of a channel's VIPs,
//! rewards, settings or authorisation. Sent to every instance's dashboards, so it carries what the
//! dashboard needs to update without asking again.

use serde::{Deserialize, Serialize};

use super::{AuditEntry, ChannelId, VipSession};

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveKind {
    Granted,
    Extended,
    Revoked,
    Expired,
    RemovedExternally,
    /// A VIP the app did not grant was seen (shown, never removed by the app).
    ExternalVip,
    Refunded,
    Waitlisted,
    SettingsChanged,
    RewardsChanged,
    ReauthNeeded,
    /// Twitch refused in a way the streamer must fix (e.g. Build a Community missing): show a banner.
    TwitchError,
    /// A VIP was protected or released, or given a deadline; the exclusion list changed.
    RosterChanged,
}

impl LiveKind {
    pub const ALL: [LiveKind; 13] = [
        Self::Granted,
        Self::Extended,
        Self::Revoked,
        Self::Expired,
        Self::RemovedExternally,
        Self::ExternalVip,
        Self::Refunded,
        Self::Waitlisted,
        Self::SettingsChanged,
        Self::RewardsChanged,
        Self::ReauthNeeded,
        Self::TwitchError,
        Self::RosterChanged,
    ];

    /// The serde name, also the SSE `event:` name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::Extended => "extended",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::RemovedExternally => "removed_externally",
            Self::ExternalVip => "external_vip",
            Self::Refunded => "refunded",
            Self::Waitlisted => "waitlisted",
            Self::SettingsChanged => "settings_changed",
            Self::RewardsChanged => "rewards_changed",
            Self::ReauthNeeded => "reauth_needed",
            Self::TwitchError => "twitch_error",
            Self::RosterChanged => "roster_changed",
        }
    }
}

/// One change of one channel, for that channel's dashboards only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub channel_id: ChannelId,
    pub kind: LiveKind,
    /// The session as it is after the change, when the change is about a session.
    pub session: Option<VipSession>,
    /// The activity-log line written for the change, if any.
    pub audit: Option<AuditEntry>,
}

impl LiveEvent {
    pub fn new(channel_id: ChannelId, kind: LiveKind) -> Self {
        Self {
            channel_id,
            kind,
            session: None,
            audit: None,
        }
    }

    pub fn with_session(mut self, session: VipSession) -> Self {
        self.session = Some(session);
        self
    }

    pub fn with_audit(mut self, audit: AuditEntry) -> Self {
        self.audit = Some(audit);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_names_itself_as_serde_does() {
        for kind in LiveKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }

    #[test]
    fn kinds_serialise_in_snake_case() {
        let event = LiveEvent::new("42".into(), LiveKind::RemovedExternally);
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["kind"], "removed_externally");
        assert_eq!(json["channel_id"], "42");
        assert_eq!(serde_json::from_value::<LiveEvent>(json).unwrap(), event);
    }
}
