//! `/helix/channel_points/custom_rewards`: create / get / update / delete
//! (Twitch docs).
//!
//! Rules: user token; `channel:manage:redemptions` to change,
//! read-or-manage to list; `broadcaster_id` = token user (401); broadcaster
//! must be affiliate/partner (403); ≤ 50 rewards; title 1–45 chars and
//! unique in the channel, ignoring case (400 `…_DUPLICATE_REWARD`); cost ≥ 1;
//! prompt ≤ 200; enabled max-per-stream / per-user ≥ 1; enabled cooldown
//! 1–604800 s; only the creating client id may update or delete (403);
//! deleting turns the reward's UNFULFILLED redemptions FULFILLED, points kept
//! (API reference, Delete Custom Reward), and emits
//! `channel.channel_points_custom_reward.remove`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::{json, Map, Value};

use super::{broadcaster_fields, Params};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::{emit, user_fields};
use crate::state::{new_uuid, ts, ts_nanos, RedemptionStatus, Reward, World};
use crate::Simulator;

pub const MAX_REWARDS: usize = 50;
const READ: &[&str] = &["channel:read:redemptions", "channel:manage:redemptions"];
const MANAGE: &[&str] = &["channel:manage:redemptions"];

fn default_image() -> Value {
    json!({
        "url_1x": "https://static-cdn.jtvnw.net/custom-reward-images/default-1.png",
        "url_2x": "https://static-cdn.jtvnw.net/custom-reward-images/default-2.png",
        "url_4x": "https://static-cdn.jtvnw.net/custom-reward-images/default-4.png",
    })
}

fn in_stock(w: &World, r: &Reward) -> bool {
    let cooling = r.cooldown_expires_at.is_some_and(|t| t > w.now());
    let sold_out = r.max_per_stream.0 && r.redeemed_current_stream >= r.max_per_stream.1;
    !(cooling || sold_out)
}

/// The Helix reward object (shape of `fixtures/helix_create_custom_reward_response.json`).
pub fn reward_json(w: &World, b: &str, r: &Reward) -> Value {
    let mut v = json!({
        "id": r.id,
        "image": null,
        "background_color": r.background_color,
        "is_enabled": r.is_enabled,
        "cost": r.cost,
        "title": r.title,
        "prompt": r.prompt,
        "is_user_input_required": r.is_user_input_required,
        "max_per_stream_setting": {"is_enabled": r.max_per_stream.0, "max_per_stream": r.max_per_stream.1},
        "max_per_user_per_stream_setting": {"is_enabled": r.max_per_user_per_stream.0, "max_per_user_per_stream": r.max_per_user_per_stream.1},
        "global_cooldown_setting": {"is_enabled": r.global_cooldown.0, "global_cooldown_seconds": r.global_cooldown.1},
        "is_paused": r.is_paused,
        "is_in_stock": in_stock(w, r),
        "default_image": default_image(),
        "should_redemptions_skip_request_queue": r.should_redemptions_skip_request_queue,
        "redemptions_redeemed_current_stream": if r.max_per_stream.0 { json!(r.redeemed_current_stream) } else { Value::Null },
        "cooldown_expires_at": r.cooldown_expires_at.filter(|t| *t > w.now()).map(ts),
    });
    if let Some(user) = w.users.get(b) {
        broadcaster_fields(&mut v, user);
    }
    v
}

/// The EventSub reward object (`channel.channel_points_custom_reward.*`).
pub fn reward_event(w: &World, b: &str, r: &Reward) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(r.id));
    user_fields(&mut m, "broadcaster_user", w.users.get(b));
    for (k, v) in [
        ("is_enabled", json!(r.is_enabled)),
        ("is_paused", json!(r.is_paused)),
        ("is_in_stock", json!(in_stock(w, r))),
        ("title", json!(r.title)),
        ("cost", json!(r.cost)),
        ("prompt", json!(r.prompt)),
        ("is_user_input_required", json!(r.is_user_input_required)),
        (
            "should_redemptions_skip_request_queue",
            json!(r.should_redemptions_skip_request_queue),
        ),
        (
            "max_per_stream",
            json!({"is_enabled": r.max_per_stream.0, "value": r.max_per_stream.1}),
        ),
        (
            "max_per_user_per_stream",
            json!({"is_enabled": r.max_per_user_per_stream.0, "value": r.max_per_user_per_stream.1}),
        ),
        (
            "global_cooldown",
            json!({"is_enabled": r.global_cooldown.0, "seconds": r.global_cooldown.1}),
        ),
        ("background_color", json!(r.background_color)),
        ("image", Value::Null),
        ("default_image", default_image()),
        (
            "cooldown_expires_at",
            json!(r.cooldown_expires_at.map(ts_nanos)),
        ),
        (
            "redemptions_redeemed_current_stream",
            json!(r.redeemed_current_stream),
        ),
    ] {
        m.insert(k.into(), v);
    }
    Value::Object(m)
}

/// Parses a JSON object body (400 on anything else).
pub fn json_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::bad_request("The request body is not valid JSON")),
    }
}

fn get_bool(m: &Map<String, Value>, key: &str) -> Result<Option<bool>, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::bad_request(format!("{key} must be a boolean"))),
    }
}

fn get_int(m: &Map<String, Value>, key: &str) -> Result<Option<i64>, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| ApiError::bad_request(format!("{key} must be an integer"))),
    }
}

fn get_str(m: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::bad_request(format!("{key} must be a string"))),
    }
}

/// Applies body fields to `r` and validates the result.
pub fn apply_fields(r: &mut Reward, m: &Map<String, Value>, update: bool) -> Result<(), ApiError> {
    if let Some(t) = get_str(m, "title")? {
        r.title = t;
    } else if !update {
        return Err(ApiError::bad_request(
            "Missing required parameter \"title\"",
        ));
    }
    if let Some(c) = get_int(m, "cost")? {
        r.cost = c;
    } else if !update {
        return Err(ApiError::bad_request("Missing required parameter \"cost\""));
    }
    if let Some(p) = get_str(m, "prompt")? {
        r.prompt = p;
    }
    if let Some(c) = get_str(m, "background_color")? {
        let ok =
            c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            return Err(ApiError::bad_request(
                "background_color must be a hex color like #9147FF",
            ));
        }
        r.background_color = c.to_ascii_uppercase();
    }
    if let Some(b) = get_bool(m, "is_enabled")? {
        r.is_enabled = b;
    }
    if let Some(b) = get_bool(m, "is_user_input_required")? {
        r.is_user_input_required = b;
    }
    if update {
        if let Some(b) = get_bool(m, "is_paused")? {
            r.is_paused = b;
        }
    }
    if let Some(b) = get_bool(m, "should_redemptions_skip_request_queue")? {
        r.should_redemptions_skip_request_queue = b;
    }
    for (flag, value, slot) in [
        (
            "is_max_per_stream_enabled",
            "max_per_stream",
            &mut r.max_per_stream,
        ),
        (
            "is_max_per_user_per_stream_enabled",
            "max_per_user_per_stream",
            &mut r.max_per_user_per_stream,
        ),
        (
            "is_global_cooldown_enabled",
            "global_cooldown_seconds",
            &mut r.global_cooldown,
        ),
    ] {
        if let Some(b) = get_bool(m, flag)? {
            slot.0 = b;
        }
        if let Some(n) = get_int(m, value)? {
            slot.1 = n;
        }
        if slot.0 && slot.1 < 1 {
            return Err(ApiError::bad_request(format!(
                "{value} must be at least 1 when {flag} is true"
            )));
        }
    }
    let title_len = r.title.chars().count();
    if !(1..=45).contains(&title_len) {
        return Err(ApiError::bad_request(
            "The title must contain a minimum of 1 character and a maximum of 45 characters",
        ));
    }
    if r.cost < 1 {
        return Err(ApiError::bad_request("The cost must be at least 1"));
    }
    if r.prompt.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "The prompt is limited to a maximum of 200 characters",
        ));
    }
    if r.global_cooldown.0 && r.global_cooldown.1 > 604_800 {
        return Err(ApiError::bad_request(
            "global_cooldown_seconds may not exceed 604800 (7 days)",
        ));
    }
    Ok(())
}

/// A reward with Twitch's defaults, owned by `owner` (None = dashboard).
pub fn blank_reward(owner: Option<&str>) -> Reward {
    Reward {
        id: new_uuid(),
        title: String::new(),
        prompt: String::new(),
        cost: 0,
        background_color: "#9147FF".into(),
        is_enabled: true,
        is_user_input_required: false,
        max_per_stream: (false, 0),
        max_per_user_per_stream: (false, 0),
        global_cooldown: (false, 0),
        is_paused: false,
        should_redemptions_skip_request_queue: false,
        owner_client_id: owner.map(str::to_string),
        redeemed_current_stream: 0,
        per_user_current_stream: Default::default(),
        cooldown_expires_at: None,
    }
}

/// 403 unless the broadcaster is affiliate or partner.
pub fn require_affiliate(w: &World, b: &str) -> Result<(), ApiError> {
    match w.users.get(b) {
        Some(u) if !u.broadcaster_type.is_empty() => Ok(()),
        Some(_) => Err(ApiError::forbidden(
            "The broadcaster must be a partner or affiliate to use channel points.",
        )),
        None => Err(ApiError::bad_request(
            "The ID in broadcaster_id is not valid",
        )),
    }
}

/// API reference, Create Custom Rewards: the title must be unique among the broadcaster's rewards —
/// every reward of the channel, whichever client (or the dashboard) made it. Whether the comparison
/// ignores case is not documented; the harsher reading is taken: titles equal after Unicode
/// lower-casing clash.
fn title_taken(w: &World, b: &str, title: &str, except: &str) -> bool {
    let title = title.to_lowercase();
    w.channels[b]
        .rewards
        .iter()
        .any(|r| r.id != except && r.title.to_lowercase() == title)
}

/// The 400's message for a taken title. The reference lists the 400 without its text; clients
/// handling it report the error code alone as the message
/// (`{"error":"Bad Request","status":400,"message":"CREATE_CUSTOM_REWARD_DUPLICATE_REWARD"}`).
pub const DUPLICATE_ON_CREATE: &str = "CREATE_CUSTOM_REWARD_DUPLICATE_REWARD";
/// As [`DUPLICATE_ON_CREATE`], for Update Custom Reward.
pub const DUPLICATE_ON_UPDATE: &str = "UPDATE_CUSTOM_REWARD_DUPLICATE_REWARD";

/// Creates a reward (validated) owned by `owner`; emits
/// `channel.channel_points_custom_reward.add`. Shared with the control API.
pub fn create(
    w: &mut World,
    b: &str,
    owner: Option<&str>,
    body: &Map<String, Value>,
) -> Result<Value, ApiError> {
    require_affiliate(w, b)?;
    if w.channels[b].rewards.len() >= MAX_REWARDS {
        return Err(ApiError::bad_request(
            "The broadcaster has reached the maximum of 50 custom rewards",
        ));
    }
    let mut reward = blank_reward(owner);
    apply_fields(&mut reward, body, false)?;
    if title_taken(w, b, &reward.title, "") {
        return Err(ApiError::bad_request(DUPLICATE_ON_CREATE));
    }
    let ev = reward_event(w, b, &reward);
    let out = reward_json(w, b, &reward);
    w.channels.get_mut(b).expect("checked").rewards.push(reward);
    emit(w, "channel.channel_points_custom_reward.add", b, &[], ev);
    Ok(out)
}

pub async fn create_reward(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.user_with(MANAGE)?;
    let b = params.require("broadcaster_id")?;
    caller.must_be(b)?;
    let body = json_object(&body)?;
    let reward = sim.with_world(|w| create(w, b, Some(&caller.client_id), &body))?;
    Ok(Json(json!({ "data": [reward] })))
}

pub async fn get_rewards(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    caller.user_with(READ)?;
    let b = params.require("broadcaster_id")?;
    caller.must_be(b)?;
    let ids = params.all("id");
    if ids.len() > 50 {
        return Err(ApiError::bad_request("You may specify a maximum of 50 ids"));
    }
    let only_manageable = params.get("only_manageable_rewards") == Some("true");
    sim.with_world(|w| {
        require_affiliate(w, b)?;
        let data: Vec<Value> = w.channels[b]
            .rewards
            .iter()
            .filter(|r| ids.is_empty() || ids.contains(&r.id.as_str()))
            .filter(|r| {
                !only_manageable || r.owner_client_id.as_deref() == Some(caller.client_id.as_str())
            })
            .map(|r| reward_json(w, b, r))
            .collect();
        if !ids.is_empty() && data.is_empty() {
            return Err(ApiError::not_found(
                "No custom rewards with the specified IDs were found",
            ));
        }
        Ok(Json(json!({ "data": data })))
    })
}

/// 404 when the reward does not exist, 403 when `client_id` did not create it.
pub fn owned_reward_index(
    w: &World,
    b: &str,
    reward_id: &str,
    client_id: &str,
) -> Result<usize, ApiError> {
    let idx = w.channels[b]
        .rewards
        .iter()
        .position(|r| r.id == reward_id)
        .ok_or_else(|| ApiError::not_found("The custom reward was not found"))?;
    if w.channels[b].rewards[idx].owner_client_id.as_deref() != Some(client_id) {
        return Err(ApiError::forbidden(
            "The ID in the Client-Id header must match the client ID used to create the custom reward.",
        ));
    }
    Ok(idx)
}

pub async fn update_reward(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.user_with(MANAGE)?;
    let b = params.require("broadcaster_id")?;
    let id = params.require("id")?;
    caller.must_be(b)?;
    let body = json_object(&body)?;
    sim.with_world(|w| {
        require_affiliate(w, b)?;
        let idx = owned_reward_index(w, b, id, &caller.client_id)?;
        let mut reward = w.channels[b].rewards[idx].clone();
        apply_fields(&mut reward, &body, true)?;
        if title_taken(w, b, &reward.title, id) {
            return Err(ApiError::bad_request(DUPLICATE_ON_UPDATE));
        }
        let ev = reward_event(w, b, &reward);
        let out = reward_json(w, b, &reward);
        w.channels.get_mut(b).expect("checked").rewards[idx] = reward;
        emit(
            w,
            "channel.channel_points_custom_reward.update",
            b,
            &[("reward_id", id)],
            ev,
        );
        Ok(Json(json!({ "data": [out] })))
    })
}

pub async fn delete_reward(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    caller.user_with(MANAGE)?;
    let b = params.require("broadcaster_id")?;
    let id = params.require("id")?;
    caller.must_be(b)?;
    sim.with_world(|w| {
        require_affiliate(w, b)?;
        let idx = owned_reward_index(w, b, id, &caller.client_id)?;
        let ch = w.channels.get_mut(b).expect("checked");
        let reward = ch.rewards.remove(idx);
        // API reference, Delete Custom Reward: the reward's UNFULFILLED redemptions become
        // FULFILLED. Nothing is refunded: a client that wants its viewers' points returned must
        // cancel them first.
        for r in ch.redemptions.iter_mut() {
            if r.reward_id == reward.id && r.status == RedemptionStatus::Unfulfilled {
                r.status = RedemptionStatus::Fulfilled;
            }
        }
        let ev = reward_event(w, b, &reward);
        emit(
            w,
            "channel.channel_points_custom_reward.remove",
            b,
            &[("reward_id", id)],
            ev,
        );
        Ok(StatusCode::NO_CONTENT)
    })
}
