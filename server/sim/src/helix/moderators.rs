//! `/helix/moderation/moderators`: Get Moderators (`moderation:read` or
//! `channel:manage:moderators`), Add / Remove Channel Moderator
//! (`channel:manage:moderators`; adding a VIP → 422, already a mod → 400).

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::Value;

use super::members::{self, Members};
use super::{lookup_user, Params};
use crate::actions::{apply_mod_add, apply_mod_remove};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::Simulator;

pub async fn get_moderators(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let moderators = Members {
        scopes: &["moderation:read", "channel:manage:moderators"],
        of: |ch| &ch.moderators,
    };
    members::list(&sim, &caller, &params, moderators)
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
