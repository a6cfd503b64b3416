//! `GET|PUT /api/settings`, `GET /api/settings/scopes` and `GET /api/settings/chat-status`, over the settings and account use cases.
//!
//! The Discord webhook URL is a secret: `GET` leaves it out and names it by `discord_webhook_hint`.
//! `PUT` overlays the body on the stored settings, so a partial body changes only what it names
//! and a body read from `GET` saves unchanged; `discord_webhook_url` is kept unless the body names
//! it (`null` removes it). Durations are seconds.

use app::model::{ChatStatus, ScopeSummary, Settings};
use app::ssr::settings::{self as use_case, webhook_hint};
use app::ssr::{account, chat_status};
use app::AppError;
use axum::Json;
use serde_json::{Map, Value};

use super::body::JsonBody;
use super::Acting;

/// A read-only field of `GET`, accepted and ignored by `PUT`.
const HINT: &str = "discord_webhook_hint";
const WEBHOOK: &str = "discord_webhook_url";

/// `GET /api/settings`
pub async fn get(acting: Acting) -> Result<Json<Value>, AppError> {
    let stored = use_case::get(&acting.ctx, &acting.caller, &acting.channel).await?;
    Ok(Json(for_api(&stored)))
}

/// `PUT /api/settings` → the settings as saved.
pub async fn put(
    acting: Acting,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Json<Value>, AppError> {
    let stored = use_case::get(&acting.ctx, &acting.caller, &acting.channel).await?;
    let new = overlay(&stored, body)?;
    let saved = use_case::save(&acting.ctx, &acting.caller, &acting.channel, new).await?;
    Ok(Json(for_api(&saved)))
}

/// `GET /api/settings/chat-status` → the chat identity live ([`app::model::ChatStatus`]): the
/// bot's state, `channel_bot_granted`, who reads (`reads_as`) and answers, and `notices`.
pub async fn chat_status(acting: Acting) -> Result<Json<ChatStatus>, AppError> {
    let status = chat_status::get(&acting.ctx, &acting.caller, &acting.channel).await?;
    Ok(Json(status))
}

/// `GET /api/settings/scopes` → `{"granted", "required", "missing"}`.
pub async fn scopes(acting: Acting) -> Result<Json<ScopeSummary>, AppError> {
    let summary = account::scope_summary(&acting.ctx, &acting.caller, &acting.channel).await?;
    Ok(Json(summary))
}

fn for_api(settings: &Settings) -> Value {
    let mut value = serde_json::to_value(settings).expect("settings serialise");
    let object = value.as_object_mut().expect("settings are an object");
    let hint = object
        .remove(WEBHOOK)
        .and_then(|url| url.as_str().map(webhook_hint));
    object.insert(HINT.into(), hint.map_or(Value::Null, Value::String));
    value
}

/// The stored settings with `body` laid over them, field by field (nested objects too).
fn overlay(stored: &Settings, mut body: Map<String, Value>) -> Result<Settings, AppError> {
    body.remove(HINT);
    let merged = serde_json::to_value(stored).expect("settings serialise");
    let known = merged.as_object().expect("settings are an object");
    if let Some(unknown) = body.keys().find(|k| !known.contains_key(*k)) {
        return Err(AppError::Invalid(format!("unknown setting `{unknown}`")));
    }
    let read = |value: Value| serde_json::from_value::<Settings>(value);
    let whole = {
        let mut merged = merged.clone();
        merge(&mut merged, Value::Object(body.clone()));
        read(merged)
    };
    whole.map_err(|e| {
        // Name the field: serde's message for a refused value does not.
        let field = body.into_iter().find_map(|(key, value)| {
            let mut one = merged.clone();
            merge(
                &mut one,
                Value::Object(Map::from_iter([(key.clone(), value)])),
            );
            read(one).err().map(|e| format!("`{key}`: {e}"))
        });
        AppError::Invalid(field.unwrap_or_else(|| format!("settings: {e}")))
    })
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(&key) {
                    Some(slot) if slot.is_object() && value.is_object() => merge(slot, value),
                    _ => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (into, from) => *into = from,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn with_webhook() -> Settings {
        Settings {
            discord_webhook_url: Some("https://discord.com/api/webhooks/1/secret-token".into()),
            ..Settings::default()
        }
    }

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn the_webhook_is_shown_only_as_a_hint() {
        let shown = for_api(&with_webhook());
        assert!(shown.get(WEBHOOK).is_none());
        assert!(!shown.to_string().contains("secret-token"), "{shown}");
        assert_eq!(shown[HINT], "…/api/webhooks/1/…");
    }

    #[test]
    fn what_get_shows_saves_back_unchanged() {
        let stored = with_webhook();
        let back = overlay(&stored, object(for_api(&stored))).unwrap();
        assert_eq!(back, stored);
    }

    #[test]
    fn partial_bodies_change_only_what_they_name() {
        let stored = with_webhook();
        let body = json!({ "public_page": true, "chat": { "granted": "hi {viewer}" } });
        let new = overlay(&stored, object(body)).unwrap();
        assert!(new.public_page);
        assert_eq!(new.chat.granted, "hi {viewer}");
        assert_eq!(new.chat.extended, stored.chat.extended);
        assert_eq!(new.discord_webhook_url, stored.discord_webhook_url);
        let cleared = overlay(&stored, object(json!({ WEBHOOK: null }))).unwrap();
        assert_eq!(cleared.discord_webhook_url, None);
    }

    #[test]
    fn unknown_fields_and_bad_values_are_named() {
        let stored = Settings::default();
        let err = overlay(&stored, object(json!({ "publik_page": true }))).unwrap_err();
        assert!(err.to_string().contains("publik_page"), "{err}");
        let err = overlay(&stored, object(json!({ "default_duration": 0 }))).unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");
    }
}
