//! The documents this adapter stores, and their conversions to and from the domain types.
//!
//! Small domain values with a stable serde form (viewer, actor, settings, outcome) are stored as
//! nested maps; free-form JSON metadata is stored as a JSON string, because Firestore cannot hold
//! arrays of arrays or integers beyond `i64`. Times are Firestore timestamps (microseconds).

use app::model::{
    Actor, AuditEntry, Channel, ChannelId, RedemptionOutcome, RedemptionRecord, Reward,
    SessionState, Settings, Viewer, VipDuration, VipSession, VipSource, WaitlistEntry,
};
use app::ssr::{SealedTokens, StoreError};
use firestore::FirestoreTimestamp;
use serde::{Deserialize, Serialize};

use super::support::{from_ts, int, ts, uint};

type Result<T> = std::result::Result<T, StoreError>;

/// `channels/{id}`.
#[derive(Serialize, Deserialize)]
pub(super) struct ChannelDoc {
    pub id: String,
    pub login: String,
    /// The login lowercased, for the case-insensitive lookup.
    pub login_lower: String,
    pub display_name: String,
    pub profile_image_url: Option<String>,
    pub settings: Settings,
    pub needs_reauth: bool,
}

impl From<&Channel> for ChannelDoc {
    fn from(c: &Channel) -> Self {
        Self {
            id: c.id.0.clone(),
            login: c.login.clone(),
            login_lower: c.login.to_lowercase(),
            display_name: c.display_name.clone(),
            profile_image_url: c.profile_image_url.clone(),
            settings: c.settings.clone(),
            needs_reauth: c.needs_reauth,
        }
    }
}

impl From<ChannelDoc> for Channel {
    fn from(d: ChannelDoc) -> Self {
        Self {
            id: ChannelId(d.id),
            login: d.login,
            display_name: d.display_name,
            profile_image_url: d.profile_image_url,
            settings: d.settings,
            needs_reauth: d.needs_reauth,
        }
    }
}

/// `tokens/{user id}`: sealed bytes as Firestore bytes. Deliberately not `Debug`.
#[derive(Serialize, Deserialize)]
pub(super) struct TokensDoc {
    pub key_id: String,
    #[serde(with = "bytes")]
    pub nonce: Vec<u8>,
    #[serde(with = "bytes")]
    pub ciphertext: Vec<u8>,
}

/// `rewards/{reward id}`.
#[derive(Serialize, Deserialize)]
pub(super) struct RewardDoc {
    pub id: String,
    pub channel_id: String,
    pub title: String,
    pub cost: i64,
    pub prompt: String,
    pub duration_secs: i64,
    pub enabled: bool,
    pub global_cooldown_secs: Option<i64>,
    pub max_per_stream: Option<i64>,
    pub max_per_user_per_stream: Option<i64>,
}

impl RewardDoc {
    pub fn new(r: &Reward) -> Result<Self> {
        Ok(Self {
            id: r.id.clone(),
            channel_id: r.channel_id.0.clone(),
            title: r.title.clone(),
            cost: int(r.cost, "reward cost")?,
            prompt: r.prompt.clone(),
            duration_secs: int(r.duration.as_secs(), "reward duration")?,
            enabled: r.enabled,
            global_cooldown_secs: r.global_cooldown_secs.map(i64::from),
            max_per_stream: r.max_per_stream.map(i64::from),
            max_per_user_per_stream: r.max_per_user_per_stream.map(i64::from),
        })
    }

    pub fn into_reward(self) -> Result<Reward> {
        let limit = |v: Option<i64>, what| v.map(|v| uint::<u32>(v, what)).transpose();
        Ok(Reward {
            duration: VipDuration::from_secs(uint(self.duration_secs, "reward duration")?)
                .map_err(|e| StoreError::Corrupt(format!("reward {}: {e}", self.id)))?,
            cost: uint(self.cost, "reward cost")?,
            global_cooldown_secs: limit(self.global_cooldown_secs, "cooldown")?,
            max_per_stream: limit(self.max_per_stream, "max per stream")?,
            max_per_user_per_stream: limit(self.max_per_user_per_stream, "max per user")?,
            id: self.id,
            channel_id: ChannelId(self.channel_id),
            title: self.title,
            prompt: self.prompt,
            enabled: self.enabled,
        })
    }
}

/// `redemptions/{redemption id}`.
#[derive(Serialize, Deserialize)]
pub(super) struct RedemptionDoc {
    pub id: String,
    pub channel_id: String,
    pub reward_id: String,
    pub viewer: Viewer,
    pub received_at: FirestoreTimestamp,
    pub outcome: RedemptionOutcome,
}

impl RedemptionDoc {
    pub fn new(r: &RedemptionRecord) -> Result<Self> {
        Ok(Self {
            id: r.id.clone(),
            channel_id: r.channel_id.0.clone(),
            reward_id: r.reward_id.clone(),
            viewer: r.viewer.clone(),
            received_at: ts(r.received_at)?,
            outcome: r.outcome,
        })
    }

    pub fn into_record(self) -> Result<RedemptionRecord> {
        Ok(RedemptionRecord {
            id: self.id,
            channel_id: ChannelId(self.channel_id),
            reward_id: self.reward_id,
            viewer: self.viewer,
            received_at: from_ts(self.received_at)?,
            outcome: self.outcome,
        })
    }
}

/// `sessions/{session id}`.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct SessionDoc {
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
pub(super) struct ActiveVipDoc {
    pub session_id: String,
    pub channel_id: String,
    pub viewer_id: String,
}

/// `audit/{entry id}`.
#[derive(Serialize, Deserialize)]
pub(super) struct AuditDoc {
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
pub(super) struct MessageDoc {
    pub id: String,
    pub expires_at: FirestoreTimestamp,
}

/// `leases/{name}`.
#[derive(Serialize, Deserialize)]
pub(super) struct LeaseDoc {
    pub name: String,
    pub holder: String,
    pub expires_at: FirestoreTimestamp,
}

/// `waitlist/{channel}_{redemption id}`.
#[derive(Serialize, Deserialize)]
pub(super) struct WaitlistDoc {
    pub channel_id: String,
    pub redemption_id: String,
    pub viewer: Viewer,
    pub duration_secs: i64,
    pub queued_at: FirestoreTimestamp,
}

impl WaitlistDoc {
    pub fn new(e: &WaitlistEntry) -> Result<Self> {
        Ok(Self {
            channel_id: e.channel_id.0.clone(),
            redemption_id: e.redemption_id.clone(),
            viewer: e.viewer.clone(),
            duration_secs: int(e.duration_secs, "waitlist duration")?,
            queued_at: ts(e.queued_at)?,
        })
    }

    pub fn into_entry(self) -> Result<WaitlistEntry> {
        Ok(WaitlistEntry {
            channel_id: ChannelId(self.channel_id),
            redemption_id: self.redemption_id,
            viewer: self.viewer,
            duration_secs: uint(self.duration_secs, "waitlist duration")?,
            queued_at: from_ts(self.queued_at)?,
        })
    }
}

impl From<&SealedTokens> for TokensDoc {
    fn from(t: &SealedTokens) -> Self {
        Self {
            key_id: t.key_id.clone(),
            nonce: t.nonce.clone(),
            ciphertext: t.ciphertext.clone(),
        }
    }
}

impl From<TokensDoc> for SealedTokens {
    fn from(d: TokensDoc) -> Self {
        Self {
            key_id: d.key_id,
            nonce: d.nonce,
            ciphertext: d.ciphertext,
        }
    }
}

fn json(text: &str, id: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("metadata of {id}: {e}")))
}

/// `Vec<u8>` as a Firestore bytes value (serde would otherwise write an array of integers).
mod bytes {
    use serde::de::{Deserializer, Error, SeqAccess, Visitor};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        d.deserialize_byte_buf(Bytes)
    }
}
