//! How an activity-log entry reads to a person: the action in words, who did it, when (UTC), and the
//! few metadata fields worth a glance. The activity page and the CSV export share these words.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{format_remaining, Actor, AuditAction, RefundReason, VipDuration};

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

fn duration(secs: &Value) -> Option<String> {
    secs.as_u64()
        .and_then(|s| VipDuration::from_secs(s).ok())
        .map(|d| d.to_string())
}

/// The metadata worth showing, in words, joined by ` · `; internal ids are left out.
pub fn metadata_summary(metadata: &Value) -> String {
    let get = |key: &str| metadata.get(key).filter(|v| !v.is_null());
    let mut parts: Vec<String> = Vec::new();
    if let Some(title) = get("title").and_then(Value::as_str) {
        parts.push(format!("“{title}”"));
    }
    if let Some(name) = get("token_name").and_then(Value::as_str) {
        parts.push(format!("“{name}”"));
    }
    if let Some(prefix) = get("token_prefix").and_then(Value::as_str) {
        parts.push(format!("{prefix}…"));
    }
    if let Some(cost) = get("cost").and_then(Value::as_u64) {
        parts.push(format!("{cost} points"));
    }
    if let Some(d) = get("duration_secs").and_then(duration) {
        parts.push(format!("duration {d}"));
    }
    if get("until_stream_end").and_then(Value::as_bool) == Some(true) {
        parts.push("until the stream ends".into());
    }
    if let Some(lead) = get("lead_secs").and_then(duration) {
        parts.push(format!("{lead} before the end"));
    }
    if let Some(grace) = get("grace_secs").and_then(duration) {
        parts.push(format!(
            "removed {grace} after the stream ended unless it comes back"
        ));
    }
    if get("kept").and_then(Value::as_bool) == Some(true) {
        parts.push("kept: the stream came back in time".into());
    }
    if let Some(left) = get("remaining_secs").and_then(Value::as_u64) {
        parts.push(format!("{} left", format_remaining(left)));
    }
    if let Some(source) = get("source").and_then(Value::as_str) {
        parts.push(match source {
            "manual" => "granted by hand".into(),
            "external" => "added on Twitch".into(),
            other => format!("via {}", words(other)),
        });
    }
    let reason = get("detail")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            get("reason")
                .or_else(|| get("refused"))
                .and_then(|r| serde_json::from_value::<RefundReason>(r.clone()).ok())
                .map(|r| r.describe().to_owned())
        });
    if let Some(reason) = reason {
        parts.push(format!("reason: {reason}"));
    }
    if let Some(said) = get("twitch_message").and_then(Value::as_str) {
        parts.push(format!("Twitch said “{said}”"));
    }
    if let Some(n) = get("catch_up_attempts").and_then(Value::as_u64) {
        parts.push(format!(
            "after {n} catch-up {}",
            if n == 1 { "attempt" } else { "attempts" }
        ));
    }
    if let Some(problem) = get("problem").and_then(Value::as_str) {
        parts.push(format!("problem: {}", words(problem)));
    }
    if let Some(op) = get("operation").and_then(Value::as_str) {
        parts.push(format!("during {}", words(op)));
    }
    if let Some(max) = get("max_wait_secs").and_then(duration) {
        parts.push(format!("waits up to {max}"));
    }
    if let Some(enabled) = get("enabled").and_then(Value::as_bool) {
        parts.push(if enabled { "enabled" } else { "disabled" }.into());
    }
    if let Some(note) = get("note").and_then(Value::as_str) {
        parts.push(note.to_owned());
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

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
        assert_eq!(metadata_summary(&m), "duration 1 h · via channel points");
    }

    #[test]
    fn refunds_show_the_reason_in_words() {
        assert_eq!(
            metadata_summary(&json!({ "reason": "slots_full", "redemption_id": "r" })),
            "reason: all VIP slots are taken"
        );
        assert_eq!(
            metadata_summary(&json!({ "reason": "slots_full", "detail": "custom" })),
            "reason: custom"
        );
        assert_eq!(metadata_summary(&Value::Null), "");
    }

    #[test]
    fn refusals_show_what_twitch_said_and_how_often_catch_up_tried() {
        let refused = json!({
            "reason": "twitch_refused",
            "detail": "Twitch refused to add the VIP",
            "twitch_message": "The user may not be added as a VIP",
        });
        assert_eq!(
            metadata_summary(&refused),
            "reason: Twitch refused to add the VIP · Twitch said “The user may not be added as a VIP”"
        );
        let gave_up = json!({ "reason": "twitch_unavailable", "catch_up_attempts": 12 });
        assert_eq!(
            metadata_summary(&gave_up),
            "reason: Twitch could not be reached for too long · after 12 catch-up attempts"
        );
        let own = json!({ "refused": "broadcaster_self" });
        assert_eq!(
            metadata_summary(&own),
            "reason: the broadcaster cannot be a VIP of their own channel"
        );
    }

    #[test]
    fn rewards_actors_and_times_read_naturally() {
        let warned = json!({ "session_id": "s-1", "lead_secs": 600, "expires_at": null });
        assert_eq!(metadata_summary(&warned), "10 min before the end");
        let offline = json!({ "session_id": "s-1", "grace_secs": 600 });
        assert_eq!(
            metadata_summary(&offline),
            "removed 10 min after the stream ended unless it comes back"
        );
        let granted =
            json!({ "duration_secs": null, "until_stream_end": true, "source": "manual" });
        assert_eq!(
            metadata_summary(&granted),
            "until the stream ends · granted by hand"
        );
        let m = json!({ "title": "VIP, 1 day", "cost": 500, "duration_secs": 86400 });
        assert_eq!(
            metadata_summary(&m),
            "“VIP, 1 day” · 500 points · duration 1 d"
        );
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
        assert_eq!(metadata_summary(&m), "“Stream Deck” · vipm_0123456…");
    }
}
