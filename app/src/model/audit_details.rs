//! What an activity-log entry tells beyond its action, actor and viewer: one typed struct written
//! by every use case and read by the activity page, the CSV export and the analytics.
//!
//! Stored as the entry's JSON `metadata`, under the same key names as ever. Every field is
//! optional, absent fields are not written, and reading is lenient: unknown keys are ignored and a
//! value of an unexpected type is read as absent, so rows written by any earlier version still
//! read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::{RefundReason, StackingRule, VipSource};

/// A value that is absent when it is missing, `null`, or of another type than expected.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// The `chat` detail: whether chat messages were on (an expiry warning), or what became of the
/// message the app sent (a stream start: `sent`, `dropped by Twitch`, `failed`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ChatNote {
    Enabled(bool),
    Outcome(String),
}

/// The details of an audit entry. See the module docs for how they are stored and read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditDetails {
    // ---- what the entry is about
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub redemption_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub reward_id: Option<String>,
    /// A reward's title.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub title: Option<String>,
    /// A reward's price in channel points.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub cost: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub source: Option<VipSource>,

    // ---- time
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub duration_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub until_stream_end: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub stacking: Option<StackingRule>,
    /// The deadline was set (`!vips setexpire`) rather than moved by a duration.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub set_expiry: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub remaining_secs: Option<u64>,
    /// How long before the end an expiry warning went out.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub lead_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub grace_secs: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub max_wait_secs: Option<u64>,
    /// A VIP until the stream ends was kept because the stream came back in time.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub kept: Option<bool>,

    // ---- how it went
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub vip_removed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub auto_remove: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub vip_was_already_gone: Option<bool>,
    /// Why: a [`RefundReason`] code for a refund (see [`Self::refund_reason`]), or free words
    /// (why a channel needs a new login).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub reason: Option<String>,
    /// Why a grant that no redemption paid for was refused.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub refused: Option<RefundReason>,
    /// The reason or the problem in words.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub detail: Option<String>,
    /// Twitch's own words, when Twitch refused or failed.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub twitch_message: Option<String>,
    /// How many catch-up passes took a redemption up before it was refunded.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub catch_up_attempts: Option<u32>,
    /// Which catch-up pass this was (1-based).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub catch_up_attempt: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub left_for_catch_up: Option<bool>,
    /// What the app was doing when Twitch failed (`add_vip`, `restore_vip`, `grant`, ...).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub operation: Option<String>,
    /// A problem's code (`reward_deleted_on_twitch`, ...).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub problem: Option<String>,
    /// Shown on the dashboard as a banner until dismissed.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub banner: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub noticed_by: Option<String>,
    /// Which event or pass saw it (`channel.vip.add`, `sync`, ...).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub seen_via: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub event: Option<String>,
    /// Where a reward was changed (`twitch`).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub changed_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub paused: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub closed_by_twitch: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub refunded: Option<usize>,
    /// Redemption ids that could not be refunded.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub not_refunded: Option<Vec<String>>,

    // ---- chat and notices
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub chat: Option<ChatNote>,
    /// Whether a Discord notice went out with an expiry warning.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub discord: Option<bool>,
    /// A chat command's reply that was not sent, and why.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub chat_reply: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub error: Option<String>,

    // ---- accounts, tokens, settings, streams
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub token_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub token_name: Option<String>,
    /// The first characters of an API token (never the token).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub token_prefix: Option<String>,
    /// The scopes a login granted.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub scopes: Option<Vec<String>>,
    /// What a settings change changed: `{"field": {"from": old, "to": new}}`.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub changed: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub stream_id: Option<String>,
    /// The kind of stream that went live (`live`, `rerun`, ...).
    #[serde(
        rename = "type",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub stream_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub started_at: Option<DateTime<Utc>>,
}

impl AuditDetails {
    /// Reads stored details; anything unreadable is left out (see the module docs).
    pub fn read(metadata: &Value) -> Self {
        Self::deserialize(metadata).unwrap_or_default()
    }

    /// The JSON stored as the entry's `metadata`.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// `reason` as a refund reason, when it is one.
    pub fn refund_reason(&self) -> Option<RefundReason> {
        let code = self.reason.as_deref()?;
        serde_json::from_value(Value::String(code.to_owned())).ok()
    }

    /// A refund reason's code, as stored in `reason`.
    pub fn reason_code(reason: RefundReason) -> String {
        match serde_json::to_value(reason) {
            Ok(Value::String(code)) => code,
            _ => String::new(),
        }
    }
}

impl super::AuditEntry {
    /// This entry's details, read from its stored metadata.
    pub fn details(&self) -> AuditDetails {
        AuditDetails::read(&self.metadata)
    }
}

impl From<AuditDetails> for Value {
    fn from(details: AuditDetails) -> Self {
        details.to_value()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    /// Shapes written before the details were typed, copied from the `json!` literals they came
    /// from, key for key.
    #[test]
    fn old_rows_read_verbatim() {
        let grant = AuditDetails::read(&json!({
            "session_id": "s1",
            "source": "channel_points",
            "duration_secs": 3600,
            "until_stream_end": false,
            "expires_at": "2026-03-01T13:00:00Z",
            "stacking": "extend",
            "redemption_id": "r1",
            "reward_id": "w1",
            "cost": 500,
        }));
        assert_eq!(grant.session_id.as_deref(), Some("s1"));
        assert_eq!(grant.source, Some(VipSource::ChannelPoints));
        assert_eq!(grant.duration_secs, Some(3600));
        assert_eq!(grant.until_stream_end, Some(false));
        assert_eq!(
            grant.expires_at,
            Some(Utc.with_ymd_and_hms(2026, 3, 1, 13, 0, 0).unwrap())
        );
        assert_eq!(grant.stacking, Some(StackingRule::Extend));
        assert_eq!(grant.redemption_id.as_deref(), Some("r1"));
        assert_eq!(grant.cost, Some(500));

        // A manual grant wrote nulls for what no redemption paid for.
        let manual = AuditDetails::read(&json!({
            "session_id": "s2", "source": "manual", "duration_secs": null,
            "until_stream_end": true, "expires_at": null, "stacking": "reset",
            "redemption_id": null, "reward_id": null, "cost": null,
        }));
        assert_eq!(manual.source, Some(VipSource::Manual));
        assert_eq!(manual.until_stream_end, Some(true));
        assert_eq!((manual.redemption_id, manual.cost), (None, None));

        let refund = AuditDetails::read(&json!({
            "reason": "twitch_unavailable",
            "detail": "Twitch was unavailable",
            "redemption_id": "r3",
            "reward_id": "w1",
            "cost": 500,
            "twitch_message": "Service Unavailable",
            "catch_up_attempts": 3,
        }));
        assert_eq!(
            refund.refund_reason(),
            Some(RefundReason::TwitchUnavailable)
        );
        assert_eq!(
            refund.twitch_message.as_deref(),
            Some("Service Unavailable")
        );
        assert_eq!(refund.catch_up_attempts, Some(3));

        let warning = AuditDetails::read(&json!({
            "session_id": "s1", "lead_secs": 600, "expires_at": "2026-03-01T13:00:00Z",
            "chat": true, "discord": false,
        }));
        assert_eq!(warning.chat, Some(ChatNote::Enabled(true)));
        assert_eq!(warning.lead_secs, Some(600));

        let online = AuditDetails::read(&json!({
            "stream_id": "9", "type": "live", "started_at": "2026-03-01T12:00:00Z",
            "chat": "sent", "detail": "caught up",
        }));
        assert_eq!(online.chat, Some(ChatNote::Outcome("sent".into())));
        assert_eq!(online.stream_type.as_deref(), Some("live"));

        let settings = AuditDetails::read(&json!({
            "changed": { "public_page": { "from": false, "to": true } },
        }));
        assert_eq!(
            settings.changed.unwrap()["public_page"],
            json!({ "from": false, "to": true })
        );

        let reauth = AuditDetails::read(&json!({ "reason": "refresh token rejected" }));
        assert_eq!(reauth.reason.as_deref(), Some("refresh token rejected"));
        assert_eq!(reauth.refund_reason(), None);
    }

    #[test]
    fn unknown_keys_and_unexpected_types_are_ignored() {
        let odd = AuditDetails::read(&json!({
            "session_id": 7,
            "some_future_key": { "x": 1 },
            "cost": "a lot",
            "refused": "not_a_reason",
            "title": "Kept",
        }));
        assert_eq!(
            odd,
            AuditDetails {
                title: Some("Kept".into()),
                ..AuditDetails::default()
            }
        );
        assert_eq!(AuditDetails::read(&Value::Null), AuditDetails::default());
        assert_eq!(AuditDetails::read(&json!("text")), AuditDetails::default());
    }

    #[test]
    fn new_rows_keep_the_stored_key_names() {
        let details = AuditDetails {
            session_id: Some("s1".into()),
            reason: Some(AuditDetails::reason_code(RefundReason::SlotsFull)),
            stream_type: Some("live".into()),
            chat: Some(ChatNote::Enabled(false)),
            ..AuditDetails::default()
        };
        assert_eq!(
            details.to_value(),
            json!({ "session_id": "s1", "reason": "slots_full", "type": "live", "chat": false })
        );
        assert_eq!(AuditDetails::read(&details.to_value()), details);
    }
}
