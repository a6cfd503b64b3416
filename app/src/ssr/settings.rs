//! Settings use cases: a channel's settings are read and changed by its streamer only, validated
//! here, saved through the store, written to the activity log (what changed, the Discord webhook
//! redacted) and announced to the channel's open pages.

use chrono::Utc;
use serde_json::{Map, Value};

use super::auth::{authorize_streamer, Access, Caller};
use super::new_id;
use super::{OrInternal, ServerContext};
use crate::error::AppError;
use crate::model::{
    AuditAction, AuditDetails, AuditEntry, BadInput, ChannelId, LiveEvent, LiveKind, Settings,
    SettingsForm, MAX_CHAT_CHARS,
};

const DISCORD_PREFIXES: [&str; 2] = [
    "https://discord.com/api/webhooks/",
    "https://discordapp.com/api/webhooks/",
];

/// Checks a Discord webhook address: `https://discord.com/api/webhooks/{id}/{token}` (or the
/// older `discordapp.com` host).
///
/// # Errors
/// [`AppError::Invalid`] explaining the expected form.
pub fn validate_discord_webhook(url: &str) -> Result<(), AppError> {
    let rest = DISCORD_PREFIXES
        .iter()
        .find_map(|p| url.strip_prefix(p))
        .unwrap_or_default();
    let mut parts = rest.split('/');
    let id_ok = parts
        .next()
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    let token_ok = parts.next().is_some_and(|t| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if id_ok && token_ok && parts.next().is_none_or(str::is_empty) {
        Ok(())
    } else {
        Err(BadInput::DiscordWebhook.into())
    }
}

/// Checks what the types cannot: chat templates are 1 to [`MAX_CHAT_CHARS`] characters and the
/// Discord webhook, when set, is one.
///
/// # Errors
/// [`AppError::Invalid`] naming the rule.
pub fn validate(settings: &Settings) -> Result<(), AppError> {
    super::zone::validate(settings.time_zone.as_deref())?;
    let chat = &settings.chat;
    for (name, text) in [
        ("granted", &chat.granted),
        ("extended", &chat.extended),
        ("expired", &chat.expired),
        ("refunded", &chat.refunded),
    ] {
        let len = text.trim().chars().count();
        if len == 0 || len > MAX_CHAT_CHARS {
            return Err(BadInput::ChatMessageLength {
                name: name.to_owned(),
                max: MAX_CHAT_CHARS,
            }
            .into());
        }
    }
    if let Some(url) = &settings.discord_webhook_url {
        validate_discord_webhook(url)?;
    }
    settings.chat_commands.check().map_err(AppError::Invalid)?;
    Ok(())
}

/// The webhook as the page may show it: the host and webhook id, never the token.
pub fn webhook_hint(url: &str) -> String {
    let id = url
        .split("/api/webhooks/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    format!("…/api/webhooks/{id}/…")
}

/// What changed between two settings, field by field (one level into nested groups), as
/// `{"field": {"from": old, "to": new}}`. The Discord webhook appears as its [`webhook_hint`].
pub fn changes(old: &Settings, new: &Settings) -> Map<String, Value> {
    fn json(s: &Settings) -> Map<String, Value> {
        let mut map = match serde_json::to_value(s) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        let hint = s.discord_webhook_url.as_deref().map(webhook_hint);
        map.insert("discord_webhook_url".into(), hint.into());
        map
    }
    fn diff(
        prefix: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        out: &mut Map<String, Value>,
    ) {
        for (key, to) in new {
            let from = old.get(key).unwrap_or(&Value::Null);
            let name = format!("{prefix}{key}");
            match (from, to) {
                (Value::Object(a), Value::Object(b)) if prefix.is_empty() => {
                    diff(&format!("{key}."), a, b, out);
                }
                (a, b) if a != b => {
                    out.insert(name, serde_json::json!({ "from": a, "to": b }));
                }
                _ => {}
            }
        }
    }
    let mut out = Map::new();
    diff("", &json(old), &json(new), &mut out);
    if old.discord_webhook_url != new.discord_webhook_url {
        // Same id, new token: still a change, shown without either token.
        let hint = |s: &Settings| s.discord_webhook_url.as_deref().map(webhook_hint);
        out.entry("discord_webhook_url")
            .or_insert_with(|| serde_json::json!({ "from": hint(old), "to": hint(new) }));
    }
    out
}

/// The channel's settings.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but the streamer; access and store errors.
pub async fn get(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<Settings, AppError> {
    Ok(authorize_streamer(ctx, caller, channel)
        .await?
        .channel
        .settings)
}

/// Replaces the channel's settings. Returns them as saved; saving what is already stored changes
/// nothing and logs nothing.
///
/// # Errors
/// As [`get`]; [`AppError::Invalid`] when [`validate`] refuses (nothing is saved).
pub async fn save(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    new: Settings,
) -> Result<Settings, AppError> {
    let access = authorize_streamer(ctx, caller, channel).await?;
    store_changes(ctx, access, new).await
}

/// Applies the settings page's form to the stored settings and saves the result.
///
/// # Errors
/// As [`save`], or the form field that does not parse.
pub async fn save_form(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    form: &SettingsForm,
) -> Result<Settings, AppError> {
    let access = authorize_streamer(ctx, caller, channel).await?;
    let new = form.apply(&access.channel.settings)?;
    store_changes(ctx, access, new).await
}

async fn store_changes(
    ctx: &ServerContext,
    access: Access,
    new: Settings,
) -> Result<Settings, AppError> {
    validate(&new)?;
    if new == access.channel.settings {
        return Ok(new);
    }
    let changed = changes(&access.channel.settings, &new);
    let id = access.channel.id;
    let saved = ctx
        .store()
        .update_settings(&id, &new)
        .await
        .or_internal("saving settings")?;
    if !saved {
        return Err(AppError::NotFound);
    }
    ctx.public_pages().forget(&access.channel.login);
    let entry = AuditEntry {
        id: new_id(),
        channel_id: id.clone(),
        at: Utc::now(),
        action: AuditAction::SettingsChanged,
        actor: access.actor,
        target: None,
        metadata: AuditDetails {
            changed: Some(changed),
            ..AuditDetails::default()
        }
        .into(),
    };
    ctx.store()
        .append_audit(&entry)
        .await
        .or_internal("auditing a settings change")?;
    ctx.live()
        .publish(LiveEvent::new(id, LiveKind::SettingsChanged).with_audit(entry));
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{StackingRule, VipDuration};

    #[test]
    fn discord_webhooks_are_recognised() {
        for ok in [
            "https://discord.com/api/webhooks/123/abc-DEF_9",
            "https://discordapp.com/api/webhooks/123/abc/",
        ] {
            assert!(validate_discord_webhook(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://discord.com/api/webhooks/123/abc",
            "https://discord.com.evil.example/api/webhooks/123/abc",
            "https://evil.example/?https://discord.com/api/webhooks/1/a",
            "https://discord.com/api/webhooks/123",
            "https://discord.com/api/webhooks/abc/def",
            "https://discord.com/api/webhooks/1/a b",
            "https://discord.com/api/webhooks/1/a/extra",
        ] {
            assert!(validate_discord_webhook(bad).is_err(), "{bad}");
        }
        assert_eq!(
            webhook_hint("https://discord.com/api/webhooks/123/secret"),
            "…/api/webhooks/123/…"
        );
    }

    #[test]
    fn templates_must_fit_a_chat_message() {
        let mut s = Settings::default();
        assert!(validate(&s).is_ok());
        s.chat.expired = " ".into();
        assert!(validate(&s).is_err());
        s.chat.expired = "x".repeat(MAX_CHAT_CHARS + 1);
        assert!(validate(&s).is_err());
    }

    #[test]
    fn changes_name_each_field_and_hide_the_webhook() {
        let old = Settings::default();
        let mut new = old.clone();
        assert!(changes(&old, &new).is_empty());
        new.stacking = StackingRule::Reset;
        new.default_duration = VipDuration::from_secs(60).unwrap();
        new.chat.granted = "hi {viewer}".into();
        new.discord_webhook_url = Some("https://discord.com/api/webhooks/1/secret".into());
        let c = changes(&old, &new);
        assert_eq!(
            c["stacking"],
            serde_json::json!({"from": "extend", "to": "reset"})
        );
        assert_eq!(c["default_duration"]["to"], 60);
        assert_eq!(c["chat.granted"]["to"], "hi {viewer}");
        assert_eq!(
            c["discord_webhook_url"],
            serde_json::json!({"from": null, "to": "…/api/webhooks/1/…"})
        );
        assert_eq!(c.len(), 4);
        assert!(!serde_json::to_string(&c).unwrap().contains("secret"));
        let mut rotated = new.clone();
        rotated.discord_webhook_url = Some("https://discord.com/api/webhooks/1/other".into());
        assert!(changes(&new, &rotated).contains_key("discord_webhook_url"));
    }
}
