//! The conduit endpoints of Helix (Twitch API reference, "Conduits") and Create EventSub
//! Subscription with `transport.method` `conduit` (API reference, "Create EventSub Subscription").
//!
//! * Every conduit endpoint "Requires … an app access token" (401 with a user token).
//! * Create Conduits: `shard_count` 1–20,000 (400 otherwise); 429 once the client has
//!   [`MAX_CONDUITS`] conduits ("Conduit limit reached").
//! * Update Conduits: 404 for a conduit the client does not own; fewer shards drop the highest ids.
//! * Delete Conduit: 404 when unknown; its subscriptions go with it.
//! * Get Conduit Shards: `conduit_id` required, optional `status` filter, paginated.
//! * Update Conduit Shards: 202 with the shards updated in `data` and the refused ones in `errors`
//!   (`id`, `message`, `code`); a WebSocket session must be connected and must not already serve
//!   another client (Handling Conduit Events: the shards are the client's own transports) nor
//!   another shard (stricter than Twitch, which does not say).
//! * A conduit subscription needs the app token, a `conduit_id` of the client's, and the
//!   condition user's grant of the type's scope to the client, as for webhooks; it is `enabled`
//!   at once (there is no callback to verify). A second one with the same type, version and
//!   condition on the conduit is a 409 that names the existing subscription (`data[0].id`), as
//!   Twitch answers since 2026-04 (TWITCH.md 8.3).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Map, Value};

use crate::auth::Caller;
use crate::chat_read::{self, CHAT_MESSAGE};
use crate::conduit::{session_client, Conduit, ShardSocket, MAX_CONDUITS, MAX_SHARDS};
use crate::error::ApiError;
use crate::events::{sub_type, subscription_json};
use crate::helix::eventsub::WEBHOOK_MAX_TOTAL_COST;
use crate::helix::rewards::json_object;
use crate::helix::{paginate, Params};
use crate::state::{new_uuid, Subscription, Transport, WsCommand};
use crate::webhook::patience::FailureWindow;
use crate::Simulator;

fn shard_count(body: &Map<String, Value>) -> Result<usize, ApiError> {
    body.get("shard_count")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| (1..=MAX_SHARDS).contains(n))
        .ok_or_else(|| ApiError::bad_request("shard_count must be between 1 and 20000"))
}

pub async fn get_conduits(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, ApiError> {
    caller.app()?;
    let data: Vec<Value> = sim.with_world(|w| {
        w.conduits
            .of_client(&caller.client_id)
            .map(Conduit::json)
            .collect()
    });
    Ok(Json(json!({ "data": data })))
}

pub async fn create_conduit(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.app()?;
    let count = shard_count(&json_object(&body)?)?;
    sim.with_world(|w| {
        if w.conduits.of_client(&caller.client_id).count() >= MAX_CONDUITS {
            return Err(ApiError::new(429, "Conduit limit reached"));
        }
        let conduit = Conduit::new(&caller.client_id, count);
        let out = conduit.json();
        w.conduits.all.push(conduit);
        Ok(Json(json!({ "data": [out] })))
    })
}

pub async fn update_conduit(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.app()?;
    let body = json_object(&body)?;
    let id = body.get("id").and_then(Value::as_str).unwrap_or_default();
    let count = shard_count(&body)?;
    sim.with_world(|w| {
        let conduit = w
            .conduits
            .find_mut(&caller.client_id, id)
            .ok_or_else(|| ApiError::not_found("Conduit not found"))?;
        conduit.resize(count);
        Ok(Json(json!({ "data": [conduit.json()] })))
    })
}

pub async fn delete_conduit(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    caller.app()?;
    let id = params.require("id")?.to_owned();
    sim.with_world(|w| {
        let before = w.conduits.all.len();
        w.conduits
            .all
            .retain(|c| !(c.client_id == caller.client_id && c.id == id));
        if w.conduits.all.len() == before {
            return Err(ApiError::not_found("Conduit not found"));
        }
        let gone: Vec<String> = w
            .subscriptions
            .values()
            .filter(
                |s| matches!(&s.transport, Transport::Conduit { conduit_id } if *conduit_id == id),
            )
            .map(|s| s.id.clone())
            .collect();
        for sub in gone {
            w.subscriptions.remove(&sub);
        }
        Ok(StatusCode::NO_CONTENT)
    })
}

pub async fn get_shards(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    caller.app()?;
    let id = params.require("conduit_id")?.to_owned();
    let status = params.get("status").map(str::to_owned);
    let after = params.after()?;
    sim.with_world(|w| {
        let conduit = w
            .conduits
            .find_mut(&caller.client_id, &id)
            .ok_or_else(|| ApiError::not_found("Conduit not found"))?;
        let items = conduit
            .shards
            .iter()
            .enumerate()
            .filter(|(_, s)| status.as_ref().is_none_or(|want| s.status == *want))
            .collect::<Vec<_>>();
        Ok(Json(paginate(&items, after, 100, |(i, s)| s.json(*i))))
    })
}

/// Seconds after its welcome within which a WebSocket session must become a shard.
const SHARD_WINDOW_SECS: i64 = 10;

/// One shard's update; `Err` is the message for `errors`.
fn update_shard(
    w: &mut crate::World,
    caller: &Caller,
    conduit_id: &str,
    item: &Value,
) -> Result<Value, (String, String)> {
    let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
    let fail = |m: &str| Err((id.to_owned(), m.to_owned()));
    let transport = item.get("transport").cloned().unwrap_or(Value::Null);
    match transport.get("method").and_then(Value::as_str) {
        Some("websocket") => {}
        Some("webhook") => return fail("webhook shards are not available on this simulator"),
        _ => return fail("transport.method must be webhook or websocket"),
    }
    let Some(session_id) = transport.get("session_id").and_then(Value::as_str) else {
        return fail("transport.session_id is required");
    };
    let Some(session) = w
        .sessions
        .get(session_id)
        .filter(|s| s.status == "connected" || s.status == "reconnecting")
    else {
        return fail("websocket session does not exist or has already disconnected");
    };
    let connected_at = session.connected_at;
    // "When you connect a websocket as a shard, you have 10 seconds from the time you receive the
    // Welcome message to associate it with a shard. If you don't assign a shard this connection
    // within this timeframe, the server closes the connection."
    // (dev.twitch.tv/docs/eventsub/handling-conduit-events). Whatever keepalive the session asked
    // for: that is the window of a plain session's first subscription, not a shard's.
    if !session.used && w.now() - connected_at > chrono::Duration::seconds(SHARD_WINDOW_SECS) {
        let _ = session
            .tx
            .send(WsCommand::Close(4003, "connection unused".into()));
        return fail("websocket session does not exist or has already disconnected");
    }
    if session_client(w, session_id).is_some_and(|c| c != caller.client_id) {
        return fail("websocket session belongs to another client");
    }
    let conduit = w
        .conduits
        .find_mut(&caller.client_id, conduit_id)
        .expect("checked by the caller");
    let Some(index) = id
        .parse::<usize>()
        .ok()
        .filter(|i| *i < conduit.shards.len())
    else {
        return fail("shard id out of range");
    };
    let taken = conduit.shards.iter().enumerate().any(|(i, s)| {
        i != index
            && s.enabled()
            && s.socket
                .as_ref()
                .is_some_and(|t| t.session_id == session_id)
    });
    if taken {
        return fail("websocket session is already assigned to another shard");
    }
    let shard = &mut conduit.shards[index];
    shard.status = "enabled".into();
    shard.socket = Some(ShardSocket {
        session_id: session_id.to_owned(),
        connected_at,
        disconnected_at: None,
    });
    let out = shard.json(index);
    if let Some(s) = w.sessions.get_mut(session_id) {
        s.used = true;
    }
    Ok(out)
}

pub async fn update_shards(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.app()?;
    let body = json_object(&body)?;
    let conduit_id = body
        .get("conduit_id")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("conduit_id is required"))?
        .to_owned();
    let Some(Value::Array(shards)) = body.get("shards") else {
        return Err(ApiError::bad_request("shards is required"));
    };
    sim.with_world(|w| {
        if w.conduits
            .find_mut(&caller.client_id, &conduit_id)
            .is_none()
        {
            return Err(ApiError::not_found("Conduit not found"));
        }
        let (mut data, mut errors) = (Vec::new(), Vec::new());
        for item in shards {
            match update_shard(w, &caller, &conduit_id, item) {
                Ok(shard) => data.push(shard),
                Err((id, message)) => {
                    errors.push(json!({"id": id, "message": message, "code": "invalid_parameter"}))
                }
            }
        }
        Ok((
            StatusCode::ACCEPTED,
            Json(json!({"data": data, "errors": errors})),
        ))
    })
}

/// `POST /eventsub/subscriptions`: conduit subscriptions here, the others in
/// [`crate::helix::eventsub::create_subscription`].
pub async fn create_subscription(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    let method = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|b| b["transport"]["method"].as_str().map(str::to_owned));
    if method.as_deref() != Some("conduit") {
        return crate::helix::eventsub::create_subscription(State(sim), Extension(caller), body)
            .await
            .into_response();
    }
    match create_on_conduit(&sim, &caller, &body) {
        Ok(created) => (StatusCode::ACCEPTED, Json(created)).into_response(),
        Err(Conflict::Api(e)) => e.into_response(),
        Err(Conflict::Exists(existing)) => (
            StatusCode::CONFLICT,
            Json(json!({
                "error": "Conflict",
                "status": 409,
                "message": "subscription already exists",
                "data": [existing],
            })),
        )
            .into_response(),
    }
}

enum Conflict {
    Api(ApiError),
    Exists(Value),
}

impl From<ApiError> for Conflict {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

fn create_on_conduit(sim: &Simulator, caller: &Caller, body: &Bytes) -> Result<Value, Conflict> {
    caller
        .app()
        .map_err(|_| ApiError::unauthorized("conduit transport requires an app access token"))?;
    let body = json_object(body)?;
    let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
    let version = body
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(Value::Object(condition)) = body.get("condition") else {
        return Err(ApiError::bad_request("condition is required").into());
    };
    let t = sub_type(kind, version)
        .ok_or_else(|| ApiError::bad_request("unsupported subscription type and version"))?;
    let conduit_id = body["transport"]["conduit_id"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::bad_request("transport.conduit_id is required"))?
        .to_owned();
    sim.with_world(|w| {
        for key in t.condition {
            if condition
                .get(*key)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return Err(ApiError::bad_request(format!("condition.{key} is required")).into());
            }
        }
        if w.conduits
            .find_mut(&caller.client_id, &conduit_id)
            .is_none()
        {
            return Err(ApiError::bad_request("conduit not found").into());
        }
        let cond_user = condition.get("broadcaster_user_id").and_then(Value::as_str);
        let authorized = if kind == CHAT_MESSAGE {
            chat_read::webhook_authorized(w, &caller.client_id, condition)
        } else {
            cond_user.is_some_and(|u| {
                w.authorizations
                    .get(&(caller.client_id.clone(), u.to_owned()))
                    .is_some_and(|g| t.scopes.is_empty() || t.scopes.iter().any(|s| g.contains(*s)))
            })
        };
        if !t.scopes.is_empty() && !authorized {
            return Err(ApiError::forbidden("subscription missing proper authorization").into());
        }
        if kind == "user.authorization.revoke"
            && condition.get("client_id").and_then(Value::as_str) != Some(caller.client_id.as_str())
        {
            return Err(ApiError::forbidden(
                "condition.client_id must match the client id of the app access token",
            )
            .into());
        }
        let existing = w.subscriptions.like(kind, condition).find(|s| {
            s.enabled()
                && s.version == version
                && matches!(&s.transport, Transport::Conduit { conduit_id: c } if *c == conduit_id)
        });
        if let Some(s) = existing {
            return Err(Conflict::Exists(subscription_json(s, true)));
        }
        let cost = i64::from(!authorized);
        let (_, used) = w.subscriptions.app_totals(&caller.client_id);
        if used + cost > WEBHOOK_MAX_TOTAL_COST {
            return Err(ApiError::new(429, "subscription cost exceeds max_total_cost").into());
        }
        let sub = Subscription {
            id: new_uuid(),
            kind: kind.to_owned(),
            version: version.to_owned(),
            condition: condition.clone(),
            transport: Transport::Conduit { conduit_id },
            status: "enabled".into(),
            created_at: w.now(),
            cost,
            client_id: caller.client_id.clone(),
            owner_user_id: None,
            notification_failures: FailureWindow::default(),
        };
        let out = subscription_json(&sub, true);
        w.subscriptions.insert(sub);
        let (total, total_cost) = w.subscriptions.app_totals(&caller.client_id);
        Ok(json!({
            "data": [out],
            "total": total,
            "total_cost": total_cost,
            "max_total_cost": WEBHOOK_MAX_TOTAL_COST,
        }))
    })
}
