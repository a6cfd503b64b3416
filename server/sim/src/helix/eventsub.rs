//! `/helix/eventsub/subscriptions` (Twitch docs).
//!
//! Create: WebSocket transport needs a user token, a live `session_id`, the
//! type's scope on the token and the token user in the condition (403);
//! webhook transport needs an app token, an https:443 callback (loopback
//! http allowed by [`crate::Config`]), a 10–100 char ASCII secret, and the
//! condition user's prior grant of the scope to this client id (403) —
//! `channel.chat.message` has its own rules ([`crate::chat_read`]); it
//! starts `webhook_callback_verification_pending` and is verified by a
//! challenge. 409 for an existing type+condition; 429 beyond 3 identical
//! webhook subscriptions, 3 WebSocket connections with enabled subscriptions
//! per user token (client id + user id: the new connection is welcomed, but
//! its first subscription is refused, as on Twitch), 300 enabled
//! subscriptions per connection, or a total cost above `max_total_cost`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::{json, Map, Value};

use super::rewards::json_object;
use super::{paginate, Params};
use crate::auth::Caller;
use crate::chat_read::{self, CHAT_MESSAGE};
use crate::error::ApiError;
use crate::events::{sub_type, subscription_json, SubType};
use crate::state::{new_uuid, random_token, Subscription, Transport, WebhookJob, World};
use crate::webhook::patience::FailureWindow;
use crate::Simulator;

pub const WS_MAX_TOTAL_COST: i64 = 10;
pub const WEBHOOK_MAX_TOTAL_COST: i64 = 10_000;
pub const WS_MAX_CONNECTIONS: usize = 3;
pub const WS_MAX_SUBS_PER_CONNECTION: usize = 300;

/// Whether a subscription is visible to (and counted for) this caller:
/// app tokens see the client's webhook subscriptions, user tokens the
/// client+user's WebSocket subscriptions.
fn visible(caller: &Caller, s: &Subscription) -> bool {
    s.client_id == caller.client_id
        && match (&caller.user_id, &s.transport) {
            (None, Transport::Webhook { .. } | Transport::Conduit { .. }) => true,
            (Some(u), Transport::WebSocket { .. }) => s.owner_user_id.as_deref() == Some(u),
            _ => false,
        }
}

fn totals(w: &World, caller: &Caller) -> (usize, i64) {
    if caller.user_id.is_none() {
        return w.subscriptions.app_totals(&caller.client_id);
    }
    let mine = w.subscriptions.values().filter(|s| visible(caller, s));
    let mut total = 0;
    let mut cost = 0;
    for s in mine {
        total += 1;
        if s.active() {
            cost += s.cost;
        }
    }
    (total, cost)
}

fn max_cost(caller: &Caller) -> i64 {
    if caller.user_id.is_some() {
        WS_MAX_TOTAL_COST
    } else {
        WEBHOOK_MAX_TOTAL_COST
    }
}

fn validate_condition(w: &World, t: &SubType, cond: &Map<String, Value>) -> Result<(), ApiError> {
    for key in t.condition {
        match cond.get(*key).and_then(Value::as_str) {
            Some(v) if !v.is_empty() => {
                if key.ends_with("user_id") && !w.users.contains_key(v) {
                    return Err(ApiError::bad_request(format!("invalid {key} in condition")));
                }
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "condition.{key} is required"
                )))
            }
        }
    }
    for key in cond.keys() {
        if !t.condition.contains(&key.as_str()) && !t.optional.contains(&key.as_str()) {
            return Err(ApiError::bad_request(format!(
                "unknown condition field {key}"
            )));
        }
    }
    Ok(())
}

fn callback_ok(url: &str, allow_loopback_http: bool) -> bool {
    if let Some(rest) = url.strip_prefix("https://") {
        let host = rest.split('/').next().unwrap_or_default();
        return !host.is_empty() && (!host.contains(':') || host.ends_with(":443"));
    }
    if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split('/').next().unwrap_or_default();
        let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
        return allow_loopback_http && matches!(name, "127.0.0.1" | "localhost" | "[::1]");
    }
    false
}

pub async fn create_subscription(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
    let version = body
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(Value::Object(condition)) = body.get("condition") else {
        return Err(ApiError::bad_request("condition is required"));
    };
    let Some(Value::Object(transport)) = body.get("transport") else {
        return Err(ApiError::bad_request("transport is required"));
    };
    let t = sub_type(kind, version)
        .ok_or_else(|| ApiError::bad_request("unsupported subscription type and version"))?;
    let method = transport
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let tstr = |k: &str| {
        transport
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let created = sim.with_world(|w| {
        validate_condition(w, t, condition)?;
        let cond_user = condition
            .get("broadcaster_user_id")
            .and_then(Value::as_str);
        let now = w.now();
        let (transport, status, cost) = match method {
            "websocket" => {
                let me = caller.user().map_err(|_| {
                    ApiError::unauthorized("websocket transport requires a user access token")
                })?;
                if t.webhook_only {
                    return Err(ApiError::bad_request(
                        "this subscription type does not support the websocket transport",
                    ));
                }
                let session_id = tstr("session_id")
                    .ok_or_else(|| ApiError::bad_request("transport.session_id is required"))?;
                let session = w
                    .sessions
                    .get(session_id)
                    .filter(|s| s.status == "connected" || s.status == "reconnecting")
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "websocket transport session does not exist or has already disconnected",
                        )
                    })?;
                let allowed = if kind == CHAT_MESSAGE {
                    chat_read::websocket_authorized(me, &caller.scopes, condition)
                } else {
                    t.scopes.is_empty() || (caller.has_any_scope(t.scopes) && cond_user == Some(me))
                };
                if !allowed {
                    return Err(ApiError::forbidden("subscription missing proper authorization"));
                }
                let connected_at = session.connected_at;
                let cost = if t.scopes.is_empty() && cond_user != Some(me) { 1 } else { 0 };
                let mine: Vec<&Subscription> = w
                    .subscriptions
                    .values()
                    .filter(|s| visible(&caller, s) && s.enabled())
                    .collect();
                if mine.iter().any(|s| s.kind == kind && s.version == version && s.condition == *condition) {
                    return Err(ApiError::new(409, "subscription already exists"));
                }
                let on_session = mine.iter().filter(|s| s.session_id() == Some(session_id)).count();
                if on_session >= WS_MAX_SUBS_PER_CONNECTION {
                    return Err(ApiError::new(429, "too many subscriptions on this websocket connection"));
                }
                let mut sessions: Vec<&str> = mine.iter().filter_map(|s| s.session_id()).collect();
                sessions.sort_unstable();
                sessions.dedup();
                if on_session == 0 && sessions.len() >= WS_MAX_CONNECTIONS {
                    // Twitch's wording (the documentation states the limit, not the answer).
                    return Err(ApiError::new(429, "number of websocket transports limit exceeded"));
                }
                (
                    Transport::WebSocket {
                        session_id: session_id.to_string(),
                        connected_at,
                        disconnected_at: None,
                    },
                    "enabled",
                    cost,
                )
            }
            "webhook" => {
                if !w.config.webhook_transport {
                    return Err(ApiError::bad_request(
                        "transport.method webhook is not available on this simulator",
                    ));
                }
                caller.app().map_err(|_| {
                    ApiError::unauthorized("webhook transport requires an app access token")
                })?;
                let callback = tstr("callback")
                    .ok_or_else(|| ApiError::bad_request("transport.callback is required"))?;
                if !callback_ok(callback, w.config.allow_loopback_http_webhooks) {
                    return Err(ApiError::bad_request(
                        "transport.callback must use https on port 443",
                    ));
                }
                let secret = tstr("secret").unwrap_or_default();
                if !(10..=100).contains(&secret.len()) || !secret.is_ascii() {
                    return Err(ApiError::bad_request(
                        "transport.secret must be between 10 and 100 ASCII characters",
                    ));
                }
                let authorized = if kind == CHAT_MESSAGE {
                    chat_read::webhook_authorized(w, &caller.client_id, condition)
                } else {
                    cond_user.is_some_and(|u| {
                    w.authorizations
                        .get(&(caller.client_id.clone(), u.to_string()))
                        .is_some_and(|g| t.scopes.is_empty() || t.scopes.iter().any(|s| g.contains(*s)))
                    })
                };
                if !t.scopes.is_empty() && !authorized {
                    return Err(ApiError::forbidden("subscription missing proper authorization"));
                }
                if kind == "user.authorization.revoke"
                    && condition.get("client_id").and_then(Value::as_str) != Some(caller.client_id.as_str())
                {
                    return Err(ApiError::forbidden(
                        "condition.client_id must match the client id of the app access token",
                    ));
                }
                let same: Vec<&Subscription> = w
                    .subscriptions
                    .like(kind, condition)
                    .filter(|s| visible(&caller, s) && s.active() && s.version == version)
                    .collect();
                if same.iter().any(|s| matches!(&s.transport, Transport::Webhook { callback: c, .. } if c == callback)) {
                    return Err(ApiError::new(409, "subscription already exists"));
                }
                if same.len() >= 3 {
                    return Err(ApiError::new(429, "too many subscriptions with the same type and condition"));
                }
                (
                    Transport::Webhook {
                        callback: callback.to_string(),
                        secret: secret.to_string(),
                    },
                    "webhook_callback_verification_pending",
                    if authorized { 0 } else { 1 },
                )
            }
            "" => return Err(ApiError::bad_request("transport.method is required")),
            other => {
                return Err(ApiError::bad_request(format!(
                    "unsupported transport method {other}"
                )))
            }
        };
        let (_, used) = totals(w, &caller);
        if used + cost > max_cost(&caller) {
            return Err(ApiError::new(429, "subscription cost exceeds max_total_cost"));
        }
        let sub = Subscription {
            id: new_uuid(),
            kind: kind.to_string(),
            version: version.to_string(),
            condition: condition.clone(),
            transport,
            status: status.to_string(),
            created_at: now,
            cost,
            client_id: caller.client_id.clone(),
            owner_user_id: caller.user_id.clone(),
            notification_failures: FailureWindow::default(),
        };
        if let Some(sid) = sub.session_id() {
            if let Some(s) = w.sessions.get_mut(sid) {
                s.used = true;
            }
        }
        if let Transport::Webhook { callback, secret } = &sub.transport {
            let challenge = random_token(32);
            w.outbox.push(WebhookJob {
                subscription_id: sub.id.clone(),
                callback: callback.clone(),
                secret: secret.clone(),
                message_type: "webhook_callback_verification".into(),
                subscription_type: sub.kind.clone(),
                subscription_version: sub.version.clone(),
                body: json!({"challenge": challenge, "subscription": subscription_json(&sub, false)})
                    .to_string(),
                challenge: Some(challenge),
            });
        }
        let out = subscription_json(&sub, true);
        w.subscriptions.insert(sub);
        let (total, total_cost) = totals(w, &caller);
        Ok(json!({
            "data": [out],
            "total": total,
            "total_cost": total_cost,
            "max_total_cost": max_cost(&caller),
        }))
    })?;
    Ok((StatusCode::ACCEPTED, Json(created)))
}

/// Get EventSub Subscriptions (Twitch API reference): the caller's subscriptions (an app token's
/// are its client's webhook and conduit ones), ordered "by the oldest subscription first",
/// filtered by at most one of `status`, `type`, `user_id`, `subscription_id`, paginated with the
/// `after` cursor. The page size cannot be set (`first` is unsupported, TWITCH.md 2.13); pages of
/// 100 are served.
pub async fn get_subscriptions(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let filters = ["status", "type", "user_id", "subscription_id"];
    let given: Vec<(&str, &str)> = filters
        .iter()
        .filter_map(|f| params.get(f).map(|v| (*f, v)))
        .collect();
    if given.len() > 1 {
        return Err(ApiError::bad_request(
            "The status, type, user_id and subscription_id filters are mutually exclusive",
        ));
    }
    let after = params.after()?;
    sim.with_world(|w| {
        let mut subs: Vec<&Subscription> = w
            .subscriptions
            .values()
            .filter(|s| visible(&caller, s))
            .filter(|s| match given.first() {
                None => true,
                Some(("status", v)) => s.status == *v,
                Some(("type", v)) => s.kind == *v,
                Some(("subscription_id", v)) => s.id == *v,
                Some((_, v)) => s.condition.values().any(|c| c.as_str() == Some(v)),
            })
            .collect();
        subs.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        let mut page = paginate(&subs, after, 100, |s| subscription_json(s, true));
        let (total, total_cost) = totals(w, &caller);
        page["total"] = json!(total);
        page["total_cost"] = json!(total_cost);
        page["max_total_cost"] = json!(max_cost(&caller));
        Ok(Json(page))
    })
}

pub async fn delete_subscription(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    let id = params.require("id")?;
    sim.with_world(|w| {
        let sub = w
            .subscriptions
            .get(id)
            .filter(|s| s.client_id == caller.client_id)
            .ok_or_else(|| ApiError::not_found("subscription not found"))?;
        match (&sub.transport, &caller.user_id) {
            (Transport::WebSocket { .. }, None) => {
                return Err(ApiError::unauthorized(
                    "websocket subscriptions must be deleted with a user access token",
                ))
            }
            (Transport::Webhook { .. } | Transport::Conduit { .. }, Some(_)) => {
                return Err(ApiError::unauthorized(
                    "webhook and conduit subscriptions must be deleted with an app access token",
                ))
            }
            _ => {}
        }
        if !visible(&caller, sub) {
            return Err(ApiError::not_found("subscription not found"));
        }
        w.subscriptions.remove(id);
        Ok(StatusCode::NO_CONTENT)
    })
}
