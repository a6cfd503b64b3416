//! `/helix/moderation/moderators`: Get Moderators (`moderation:read` or
//! `channel:manage:moderators`), Add / Remove Channel Moderator
//! (`channel:manage:moderators`; adding a VIP → 422, already a mod → 400).

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::{lookup_user, paginate, user_item, Params};
use crate::actions::{apply_mod_add, apply_mod_remove};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::Simulator;

pub async fn get_moderators(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    caller.user_with(&["moderation:read", "channel:manage:moderators"])?;
    let b = params.require("broadcaster_id")?;
    caller.must_be(b)?;
    let filter = params.all("user_id");
    if filter.len() > 100 {
        return Err(ApiError::bad_request(
            "The number of user_id parameters must not exceed 100",
        ));
    }
    let first = params.first(20, 100)?;
    let after = params.after()?;
    sim.with_world(|w| {
        let ch = w
            .channels
            .get(b)
            .ok_or_else(|| ApiError::bad_request("The ID in broadcaster_id is not valid"))?;
        if filter.is_empty() {
            let items = ch
                .moderators
                .iter()
                .filter_map(|m| w.users.get(m).map(user_item))
                .collect();
            Ok(Json(paginate(items, after, first)))
        } else {
            // Returned in the order given.
            let items: Vec<Value> = filter
                .iter()
                .filter(|u| ch.moderators.iter().any(|m| m == *u))
                .filter_map(|u| w.users.get(*u).map(user_item))
                .collect();
            Ok(Json(json!({"data": items, "pagination": {}})))
        }
    })
}

pub async fn add_moderator(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    caller.user_with(&["channel:manage:moderators"])?;
    let b = params.require("broadcaster_id")?;
    let u = params.require("user_id")?;
    caller.must_be(b)?;
    sim.with_world(|w| {
        lookup_user(w, b, "broadcaster_id")?;
        lookup_user(w, u, "user_id")?;
        let ch = &w.channels[b];
        if ch.moderators.iter().any(|m| m == u) {
            return Err(ApiError::bad_request("The user in user_id is already a moderator."));
        }
        if ch.vips.iter().any(|v| v == u) {
            return Err(ApiError::new(
                422,
                "The user in user_id is a VIP. To make them a moderator, you must first remove them as a VIP.",
            ));
        }
        apply_mod_add(w, b, u);
        Ok(StatusCode::NO_CONTENT)
    })
}

pub async fn remove_moderator(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    caller.user_with(&["channel:manage:moderators"])?;
    let b = params.require("broadcaster_id")?;
    let u = params.require("user_id")?;
    caller.must_be(b)?;
    sim.with_world(|w| {
        lookup_user(w, b, "broadcaster_id")?;
        lookup_user(w, u, "user_id")?;
        if apply_mod_remove(w, b, u) {
            Ok(StatusCode::NO_CONTENT)
        } else {
            Err(ApiError::bad_request(
                "The user in user_id is not a moderator.",
            ))
        }
    })
}
