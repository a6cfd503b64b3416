use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ChannelId, Viewer};

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    Streamer {
        id: String,
        login: String,
    },
    Moderator {
        id: String,
        login: String,
    },
    Viewer {
        id: String,
        login: String,
    },
    /// The app itself: expiry, reconciliation, catch-up.
    System,
}

/// What happened, for the activity log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Grant,
    Extend,
    Revoke,
    Expire,
    RemovedExternally,
    ExternalVipSeen,
    Refund,
    Waitlisted,
    RewardCreated,
    RewardUpdated,
    RewardDeleted,
    SettingsChanged,
    Login,
    ReauthNeeded,
    TwitchError,
    StreamOnline,
    /// The stream went offline: a VIP until the stream ends got its deadline (the grace period).
    StreamOffline,
    /// A viewer was warned that their VIP ends soon (one lead time).
    ExpiryWarning,
    /// Twitch says a moderator of the channel was removed (`channel.moderator.remove`): their
    /// access to the channel in the app ends with it.
    ModeratorRemoved,
    /// A personal API token was created (metadata: its name and prefix, never the token).
    ApiTokenCreated,
    ApiTokenRevoked,
    /// The streamer marked a VIP as protected: kept, never touched by the app.
    VipProtected,
    /// The protection was taken away (the VIP stays, without a deadline).
    VipUnprotected,
    /// A VIP the app did not time (permanent, or added on Twitch) got a deadline: timed from now on.
    DeadlineGiven,
    /// A viewer was put on the exclusion list: never VIP from the app.
    ViewerExcluded,
    /// A viewer was taken off the exclusion list.
    ViewerReadmitted,
    /// The streamer made an OBS overlay URL (replacing any earlier one).
    OverlayLinkMade,
    /// The streamer revoked the OBS overlay URL: from then on it shows nothing.
    OverlayLinkRevoked,
}

impl AuditAction {
    pub const ALL: [AuditAction; 28] = [
        Self::Grant,
        Self::Extend,
        Self::Revoke,
        Self::Expire,
        Self::RemovedExternally,
        Self::ExternalVipSeen,
        Self::Refund,
        Self::Waitlisted,
        Self::RewardCreated,
        Self::RewardUpdated,
        Self::RewardDeleted,
        Self::SettingsChanged,
        Self::Login,
        Self::ReauthNeeded,
        Self::TwitchError,
        Self::StreamOnline,
        Self::StreamOffline,
        Self::ExpiryWarning,
        Self::ModeratorRemoved,
        Self::ApiTokenCreated,
        Self::ApiTokenRevoked,
        Self::VipProtected,
        Self::VipUnprotected,
        Self::DeadlineGiven,
        Self::ViewerExcluded,
        Self::ViewerReadmitted,
        Self::OverlayLinkMade,
        Self::OverlayLinkRevoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Grant => "grant",
            Self::Extend => "extend",
            Self::Revoke => "revoke",
            Self::Expire => "expire",
            Self::RemovedExternally => "removed_externally",
            Self::ExternalVipSeen => "external_vip_seen",
            Self::Refund => "refund",
            Self::Waitlisted => "waitlisted",
            Self::RewardCreated => "reward_created",
            Self::RewardUpdated => "reward_updated",
            Self::RewardDeleted => "reward_deleted",
            Self::SettingsChanged => "settings_changed",
            Self::Login => "login",
            Self::ReauthNeeded => "reauth_needed",
            Self::TwitchError => "twitch_error",
            Self::StreamOnline => "stream_online",
            Self::StreamOffline => "stream_offline",
            Self::ExpiryWarning => "expiry_warning",
            Self::ModeratorRemoved => "moderator_removed",
            Self::ApiTokenCreated => "api_token_created",
            Self::ApiTokenRevoked => "api_token_revoked",
            Self::VipProtected => "vip_protected",
            Self::VipUnprotected => "vip_unprotected",
            Self::DeadlineGiven => "deadline_given",
            Self::ViewerExcluded => "viewer_excluded",
            Self::ViewerReadmitted => "viewer_readmitted",
            Self::OverlayLinkMade => "overlay_link_made",
            Self::OverlayLinkRevoked => "overlay_link_revoked",
        }
    }
}

impl std::str::FromStr for AuditAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audit action `{s}`"))
    }
}

/// One line of a channel's activity log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Unique id, chosen by the app; breaks ties between entries of the same time.
    pub id: String,
    pub channel_id: ChannelId,
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    pub actor: Actor,
    pub target: Option<Viewer>,
    pub metadata: serde_json::Value,
}

/// Where the next page of the activity log starts: strictly older than this entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCursor {
    pub at: DateTime<Utc>,
    pub id: String,
}

impl AuditCursor {
    /// The cursor as one opaque query value: `{time}~{id}` (a time never holds `~`).
    pub fn token(&self) -> String {
        format!("{}~{}", super::cursor_time(self.at), self.id)
    }

    /// Reads back a [`AuditCursor::token`]; `None` for anything else.
    pub fn from_token(token: &str) -> Option<Self> {
        let (at, id) = token.split_once('~')?;
        let at = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
        (!id.is_empty()).then(|| Self {
            at,
            id: id.to_owned(),
        })
    }
}

/// A request for a page of the activity log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub action: Option<AuditAction>,
    /// Viewer id.
    pub viewer_id: Option<String>,
    pub before: Option<AuditCursor>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Present when older entries exist.
    pub next: Option<AuditCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_text() {
        for a in AuditAction::ALL {
            assert_eq!(a.as_str().parse::<AuditAction>(), Ok(a));
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::Value::String(a.as_str().into())
            );
        }
    }
}
