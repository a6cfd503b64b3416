//! Documents of VIP sessions (and their one-active-session guard), the activity log, remembered
//! message ids and leases.

use app::model::{Actor, AuditEntry, ChannelId, SessionState, Viewer, VipSession, VipSource};
use app::ssr::StoreError;
use firestore::FirestoreTimestamp;
use serde::{Deserialize, Serialize};

use crate::store::firestore::support::{from_ts, ts};

type Result<T> = std::result::Result<T, StoreError>;

/// `sessions/{session id}`.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct SessionDoc {
    pub id: String,
    pub channel_id: String,
    pub viewer_id: String,
    pub viewer: Viewer,
    pub source: VipSource,
    pub granted_by: Actor,
    pub granted_at: FirestoreTimestamp,
    /// Absent for sessions without a deadline, so range queries on it never match them.
    pub expires_at: Option<FirestoreTimestamp>,
    pub state: String,
    pub ended_at: Option<FirestoreTimestamp>,
    pub redemption_id: Option<String>,
    pub metadata_json: String,
}

impl SessionDoc {
    pub fn new(s: &VipSession) -> Result<Self> {
        Ok(Self {
            id: s.id.clone(),
            channel_id: s.channel_id.0.clone(),
            viewer_id: s.viewer.id.clone(),
            viewer: s.viewer.clone(),
            source: s.source,
            granted_by: s.granted_by.clone(),
            granted_at: ts(s.granted_at)?,
            expires_at: s.expires_at.map(ts).transpose()?,
            state: s.state.as_str().to_owned(),
            ended_at: s.ended_at.map(ts).transpose()?,
            redemption_id: s.redemption_id.clone(),
            metadata_json: s.metadata.to_string(),
        })
    }

    pub fn state(&self) -> Result<SessionState> {
        self.state.parse().map_err(StoreError::Corrupt)
    }

    pub fn into_session(self) -> Result<VipSession> {
        Ok(VipSession {
            state: self.state()?,
            metadata: json(&self.metadata_json, &self.id)?,
            id: self.id,
            channel_id: ChannelId(self.channel_id),
            viewer: self.viewer,
            source: self.source,
            granted_by: self.granted_by,
            granted_at: from_ts(self.granted_at)?,
            expires_at: self.expires_at.map(from_ts).transpose()?,
            ended_at: self.ended_at.map(from_ts).transpose()?,
            redemption_id: self.redemption_id,
        })
    }
}

/// `active_vips/{channel}_{viewer}`: exists exactly while that viewer has an active session.
#[derive(Serialize, Deserialize)]
pub(crate) struct ActiveVipDoc {
    pub session_id: String,
    pub channel_id: String,
    pub viewer_id: String,
}

/// `audit/{entry id}`.
#[derive(Serialize, Deserialize)]
pub(crate) struct AuditDoc {
    pub id: String,
    pub channel_id: String,
    pub at: FirestoreTimestamp,
    pub action: String,
    pub actor: Actor,
    pub target: Option<Viewer>,
    /// The target viewer's id, for the viewer filter.
    pub target_viewer_id: Option<String>,
    pub metadata_json: String,
}

impl AuditDoc {
    pub fn new(e: &AuditEntry) -> Result<Self> {
        Ok(Self {
            id: e.id.clone(),
            channel_id: e.channel_id.0.clone(),
            at: ts(e.at)?,
            action: e.action.as_str().to_owned(),
            actor: e.actor.clone(),
            target_viewer_id: e.target.as_ref().map(|v| v.id.clone()),
            target: e.target.clone(),
            metadata_json: e.metadata.to_string(),
        })
    }

    pub fn into_entry(self) -> Result<AuditEntry> {
        Ok(AuditEntry {
            action: self.action.parse().map_err(StoreError::Corrupt)?,
            metadata: json(&self.metadata_json, &self.id)?,
            at: from_ts(self.at)?,
            id: self.id,
            channel_id: ChannelId(self.channel_id),
            actor: self.actor,
            target: self.target,
        })
    }
}

/// `messages/{message id}`: an EventSub message id remembered until `expires_at`.
#[derive(Serialize, Deserialize)]
pub(crate) struct MessageDoc {
    pub id: String,
    pub expires_at: FirestoreTimestamp,
}

/// `leases/{name}`.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct LeaseDoc {
    pub name: String,
    pub holder: String,
    pub expires_at: FirestoreTimestamp,
}

fn json(text: &str, id: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("metadata of {id}: {e}")))
}
