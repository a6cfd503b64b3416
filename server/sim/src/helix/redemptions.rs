//! `/helix/channel_points/custom_rewards/redemptions` (Twitch docs).
//!
//! GET: read-or-manage scope; `broadcaster_id` (= token user), `reward_id`
//! required; `status` required unless `id` given; `id` ≤ 50; `sort`
//! OLDEST/NEWEST; `first` 1–50. PATCH: `channel:manage:redemptions`; `id`
//! (1–50), `broadcaster_id`, `reward_id`; body status FULFILLED/CANCELED;
//! only UNFULFILLED redemptions change (404 when none could); CANCELED
//! refunds. Both: only the reward's creating client id (403), affiliate or
//! partner (403).

use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::rewards::{json_object, owned_reward_index, require_affiliate};
use super::{broadcaster_fields, paginate, Params};
use crate::actions::set_redemption_status;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{ts, Redemption, RedemptionStatus, World};
use crate::Simulator;

/// The Helix redemption object (shape of `fixtures/helix_update_redemption_status_response.json`).
pub fn redemption_json(w: &World, b: &str, r: &Redemption) -> Value {
    let user = w.users.get(&r.user_id);
    let mut v = json!({
        "id": r.id,
        "user_id": r.user_id,
        "user_name": user.map(|u| u.display_name.clone()),
        "user_login": user.map(|u| u.login.clone()),
        "user_input": r.user_input,
        "status": r.status.helix(),
        "redeemed_at": ts(r.redeemed_at),
        "reward": {"id": r.reward_id, "title": r.reward_title, "prompt": r.reward_prompt, "cost": r.reward_cost},
    });
    if let Some(user) = w.users.get(b) {
        broadcaster_fields(&mut v, user);
    }
    v
}

pub async fn get_redemptions(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    caller.user_with(&["channel:read:redemptions", "channel:manage:redemptions"])?;
    let b = params.require("broadcaster_id")?;
    let reward_id = params.require("reward_id")?;
    caller.must_be(b)?;
    let ids = params.all("id");
    if ids.len() > 50 {
        return Err(ApiError::bad_request("You may specify a maximum of 50 ids"));
    }
    let status = match params.get("status") {
        Some(s) => Some(
            RedemptionStatus::parse_helix(s)
                .ok_or_else(|| ApiError::bad_request("The status parameter is not valid"))?,
        ),
        None if ids.is_empty() => {
            return Err(ApiError::bad_request(
                "The status parameter is required if you don't specify the id parameter",
            ))
        }
        None => None,
    };
    let newest = match params.get("sort") {
        None | Some("OLDEST") => false,
        Some("NEWEST") => true,
        Some(_) => return Err(ApiError::bad_request("The sort parameter is not valid")),
    };
    let first = params.first(20, 50)?;
    let after = params.after()?;
    sim.with_world(|w| {
        require_affiliate(w, b)?;
        owned_reward_index(w, b, reward_id, &caller.client_id)?;
        let ch = &w.channels[b];
        let matches = |r: &&Redemption| {
            r.reward_id == reward_id
                && status.is_none_or(|s| r.status == s)
                && (ids.is_empty() || ids.contains(&r.id.as_str()))
        };
        let items: Vec<&Redemption> = if newest {
            ch.redemptions.iter().rev().filter(matches).collect()
        } else {
            ch.redemptions.iter().filter(matches).collect()
        };
        if !ids.is_empty() && items.is_empty() {
            return Err(ApiError::not_found(
                "No redemptions with the specified IDs were found",
            ));
        }
        Ok(Json(paginate(&items, after, first, |r| {
            redemption_json(w, b, r)
        })))
    })
}

pub async fn update_redemptions(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.user_with(&["channel:manage:redemptions"])?;
    let ids = params.all("id");
    if ids.is_empty() {
        return Err(ApiError::bad_request("Missing required parameter \"id\""));
    }
    if ids.len() > 50 {
        return Err(ApiError::bad_request("You may specify a maximum of 50 ids"));
    }
    let b = params.require("broadcaster_id")?;
    let reward_id = params.require("reward_id")?;
    caller.must_be(b)?;
    let body = json_object(&body)?;
    let status = match body.get("status").and_then(Value::as_str) {
        Some("FULFILLED") => RedemptionStatus::Fulfilled,
        Some("CANCELED") => RedemptionStatus::Canceled,
        _ => {
            return Err(ApiError::bad_request(
                "The status field must be FULFILLED or CANCELED",
            ))
        }
    };
    sim.with_world(|w| {
        require_affiliate(w, b)?;
        owned_reward_index(w, b, reward_id, &caller.client_id)?;
        let changed = set_redemption_status(w, b, reward_id, &ids, status);
        if changed.is_empty() {
            return Err(ApiError::not_found(
                "No UNFULFILLED redemptions with the specified IDs were found",
            ));
        }
        let data: Vec<Value> = changed.iter().map(|r| redemption_json(w, b, r)).collect();
        Ok(Json(json!({ "data": data })))
    })
}
