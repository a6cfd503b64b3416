//! Documents of channels, tokens, rewards, redemptions and waitlist entries.

use app::model::{
    Channel, ChannelId, GrantLength, RedemptionOutcome, RedemptionRecord, Reward, Settings, Viewer,
    WaitlistEntry,
};
use app::ssr::{SealedTokens, StoreError};
use firestore::FirestoreTimestamp;
use serde::{Deserialize, Serialize};

use crate::store::firestore::support::{from_ts, int, ts, uint};

type Result<T> = std::result::Result<T, StoreError>;

/// `channels/{id}`.
#[derive(Serialize, Deserialize)]
pub(crate) struct ChannelDoc {
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
pub(crate) struct TokensDoc {
    pub key_id: String,
    #[serde(with = "bytes")]
    pub nonce: Vec<u8>,
    #[serde(with = "bytes")]
    pub ciphertext: Vec<u8>,
}

/// `rewards/{reward id}`.
#[derive(Serialize, Deserialize)]
pub(crate) struct RewardDoc {
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
            duration_secs: int(r.duration.stored_secs(), "reward duration")?,
            enabled: r.enabled,
            global_cooldown_secs: r.global_cooldown_secs.map(i64::from),
            max_per_stream: r.max_per_stream.map(i64::from),
            max_per_user_per_stream: r.max_per_user_per_stream.map(i64::from),
        })
    }

    pub fn into_reward(self) -> Result<Reward> {
        let limit = |v: Option<i64>, what| v.map(|v| uint::<u32>(v, what)).transpose();
        Ok(Reward {
            duration: GrantLength::from_stored_secs(uint(self.duration_secs, "reward duration")?)
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
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct RedemptionDoc {
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

/// `waitlist/{channel}_{redemption id}`.
#[derive(Serialize, Deserialize)]
pub(crate) struct WaitlistDoc {
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
