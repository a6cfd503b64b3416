//! How an activity-log entry reads to a person: the action in words, who did it, when (UTC), and the
//! few details worth a glance. The activity page and the CSV export share these words.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{format_remaining, Actor, AuditAction, AuditDetails, VipDuration};

/// The action in words.
pub fn action_label(action: AuditAction) -> &'static str {
    match action {
        AuditAction::Grant => "VIP granted",
        AuditAction::Extend => "VIP extended",
        AuditAction::Revoke => "VIP revoked",
        AuditAction::Expire => "VIP expired",
        AuditAction::RemovedExternally => "VIP removed on Twitch",
        AuditAction::ExternalVipSeen => "VIP added outside the app",
        AuditAction::Refund => "Redemption refunded",
        AuditAction::Waitlisted => "Waitlisted",
        AuditAction::RewardCreated => "Reward created",
        AuditAction::RewardUpdated => "Reward changed",
        AuditAction::RewardDeleted => "Reward deleted",
        AuditAction::SettingsChanged => "Settings changed",
        AuditAction::Login => "Logged in",
        AuditAction::ReauthNeeded => "Needs a new login",
        AuditAction::TwitchError => "Twitch problem",
        AuditAction::StreamOnline => "Stream went live",
        AuditAction::StreamOffline => "Stream went offline",
        AuditAction::ExpiryWarning => "VIP ends soon: warned",
        AuditAction::ModeratorRemoved => "Moderator removed",
        AuditAction::ApiTokenCreated => "API token created",
        AuditAction::ApiTokenRevoked => "API token revoked",
        AuditAction::VipProtected => "VIP protected",
        AuditAction::VipUnprotected => "VIP no longer protected",
        AuditAction::DeadlineGiven => "VIP given a deadline",
        AuditAction::ViewerExcluded => "Excluded from VIP",
        AuditAction::ViewerReadmitted => "Taken off the exclusion list",
        AuditAction::OverlayLinkMade => "Overlay URL made",
        AuditAction::OverlayLinkRevoked => "Overlay URL revoked",
    }
}

/// Who did it, with their role.
pub fn actor_label(actor: &Actor) -> String {
    match actor {
        Actor::Streamer { login, .. } => login.clone(),
        Actor::Moderator { login, .. } => format!("{login} (moderator)"),
        Actor::Viewer { login, .. } => format!("{login} (viewer)"),
        Actor::System => "the app".into(),
    }
}

/// A time as people read it, always in UTC: `2026-03-04 05:06:07 UTC`.
pub fn format_time(at: DateTime<Utc>) -> String {
    super::utc_text(at, super::Precision::Seconds)
}

fn words(code: &str) -> String {
    code.replace('_', " ")
}

fn duration(secs: Option<u64>) -> Option<String> {
    secs.and_then(|s| VipDuration::from_secs(s).ok())
        .map(|d| d.to_string())
}

/// A serde enum's code (`channel_points`).
fn code(value: impl Serialize) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(Value::String(code)) => Some(code),
        _ => None,
    }
}

/// The details worth showing, in English words, joined by ` · `; internal ids are left out.
pub fn metadata_summary(details: &AuditDetails) -> String {
    metadata_summary_in(details, &crate::i18n::Lang::En.texts().summary)
}

/// [`metadata_summary`] in the words of one language.
pub fn metadata_summary_in(details: &AuditDetails, w: &crate::i18n::keys::Summary) -> String {
    let d = details;
    let mut parts: Vec<String> = Vec::new();
    if let Some(title) = &d.title {
        parts.push(format!("“{title}”"));
    }
    if let Some(name) = &d.token_name {
        parts.push(format!("“{name}”"));
    }
    if let Some(prefix) = &d.token_prefix {
        parts.push(format!("{prefix}…"));
    }
    if let Some(cost) = d.cost {
        parts.push((w.points)(cost));
    }
    if let Some(length) = duration(d.duration_secs) {
        parts.push((w.duration)(&length));
    }
    if d.until_stream_end == Some(true) {
        parts.push(w.until_stream_end.into());
    }
    if let Some(lead) = duration(d.lead_secs) {
        parts.push((w.before_end)(&lead));
    }
    if let Some(grace) = duration(d.grace_secs) {
        parts.push((w.grace)(&grace));
    }
    if d.kept == Some(true) {
        parts.push(w.kept.into());
    }
    if let Some(left) = d.remaining_secs {
        parts.push((w.left)(&format_remaining(left)));
    }
    if let Some(source) = d.source.and_then(code) {
        parts.push(match source.as_str() {
            "manual" => w.by_hand.into(),
            "external" => w.on_twitch.into(),
            other => (w.via)(&words(other)),
        });
    }
    // A known reason in this language's words, unless the entry says more than the reason's own
    // English sentence; without a known reason, the detail as it was written.
    let reason = match (&d.detail, d.refund_reason().or(d.refused)) {
        (Some(detail), Some(known)) if detail != known.describe() => Some(detail.clone()),
        (_, Some(known)) => Some((w.refund_reason)(known).to_owned()),
        (detail, None) => detail.clone(),
    };
    if let Some(reason) = reason {
        parts.push((w.reason)(&reason));
    }
    if let Some(said) = &d.twitch_message {
        parts.push((w.twitch_said)(said));
    }
    if let Some(n) = d.catch_up_attempts {
        parts.push((w.catch_up)(n));
    }
    if let Some(problem) = &d.problem {
        parts.push((w.problem)(&words(problem)));
    }
    if let Some(op) = &d.operation {
        parts.push((w.during)(&words(op)));
    }
    if let Some(max) = duration(d.max_wait_secs) {
        parts.push((w.waits_up_to)(&max));
    }
    if let Some(enabled) = d.enabled {
        parts.push(if enabled { w.enabled } else { w.disabled }.into());
    }
    if let Some(note) = &d.note {
        parts.push(note.clone());
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    /// The summary of details stored as `metadata`.
    fn summary(metadata: &Value) -> String {
        metadata_summary(&AuditDetails::read(metadata))
    }

    #[test]
    fn every_action_has_words() {
        for a in AuditAction::ALL {
            assert!(!action_label(a).is_empty());
            assert!(!action_label(a).contains('_'));
        }
    }

    #[test]
    fn grants_show_duration_and_source_but_no_ids() {
        let m = json!({
            "session_id": "s-1", "source": "channel_points", "duration_secs": 3600,
            "redemption_id": "r-1", "reward_id": null,
        });
        assert_eq!(summary(&m), "duration 1 h · via channel points");
    }

    #[test]
    fn refunds_show_the_reason_in_words() {
        assert_eq!(
            summary(&json!({ "reason": "slots_full", "redemption_id": "r" })),
            "reason: VIP slots full"
        );
        let stored = json!({ "reason": "slots_full", "detail": "all VIP slots are taken" });
        assert_eq!(summary(&stored), "reason: VIP slots full");
        let german = crate::i18n::Lang::De.texts();
        let details: AuditDetails = serde_json::from_value(stored).unwrap();
        assert_eq!(
            metadata_summary_in(&details, &german.summary),
            "Grund: VIP-Plätze belegt"
        );
        assert_eq!(
            summary(&json!({ "reason": "slots_full", "detail": "custom" })),
            "reason: custom"
        );
        assert_eq!(summary(&Value::Null), "");
    }

    #[test]
    fn refusals_show_what_twitch_said_and_how_often_catch_up_tried() {
        let refused = json!({
            "reason": "twitch_refused",
            "detail": "Twitch refused to add the VIP",
            "twitch_message": "The user may not be added as a VIP",
        });
        assert_eq!(
            summary(&refused),
            "reason: Twitch refused · Twitch said “The user may not be added as a VIP”"
        );
        let gave_up = json!({ "reason": "twitch_unavailable", "catch_up_attempts": 12 });
        assert_eq!(
            summary(&gave_up),
            "reason: Twitch unavailable · after 12 catch-up attempts"
        );
        let own = json!({ "refused": "broadcaster_self" });
        assert_eq!(summary(&own), "reason: Broadcaster's own redemption");
    }

    #[test]
    fn rewards_actors_and_times_read_naturally() {
        let warned = json!({ "session_id": "s-1", "lead_secs": 600, "expires_at": null });
        assert_eq!(summary(&warned), "10 min before the end");
        let offline = json!({ "session_id": "s-1", "grace_secs": 600 });
        assert_eq!(
            summary(&offline),
            "removed 10 min after the stream ended unless it comes back"
        );
        let granted =
            json!({ "duration_secs": null, "until_stream_end": true, "source": "manual" });
        assert_eq!(summary(&granted), "until the stream ends · granted by hand");
        let m = json!({ "title": "VIP, 1 day", "cost": 500, "duration_secs": 86400 });
        assert_eq!(summary(&m), "“VIP, 1 day” · 500 points · duration 1 d");
        let actor = Actor::Moderator {
            id: "9".into(),
            login: "demo_mod".into(),
        };
        assert_eq!(actor_label(&actor), "demo_mod (moderator)");
        assert_eq!(actor_label(&Actor::System), "the app");
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap();
        assert_eq!(format_time(at), "2026-03-04 05:06:07 UTC");
    }

    #[test]
    fn api_tokens_show_their_name_and_prefix() {
        let m = json!({ "token_name": "Stream Deck", "token_prefix": "vipm_0123456", "token_id": "t-1" });
        assert_eq!(summary(&m), "“Stream Deck” · vipm_0123456…");
    }
}
