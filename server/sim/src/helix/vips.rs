//! `/helix/channels/vips`: Get VIPs, Add Channel VIP, Remove Channel VIP
//! (Twitch docs).
//!
//! Add: user token + `channel:manage:vips`; 403 when `broadcaster_id` is not
//! the token user; 425 Build-a-Community; 400 blocked; 422 moderator /
//! already VIP / the broadcaster themself; 409 no slot; 429 after 10 adds in
//! 10 s per broadcaster.
//! Remove: the broadcaster or the VIP themself; 422 not a VIP; 429 after 10
//! removals in 10 s.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::members::{self, Members};
use super::{lookup_user, Params};
use crate::actions::{apply_vip_add, apply_vip_remove, check_vip_add};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::window::Times;
use crate::Simulator;

/// Window of the VIP add / remove limits.
pub const VIP_WINDOW_SECS: i64 = 10;
/// Adds (and, separately, removals) allowed per window per broadcaster.
pub const VIP_WINDOW_MAX: usize = 10;

/// Checks the 10-per-10-s window; on success records `now`.
fn window(times: &mut Times, now: DateTime<Utc>, what: &str) -> Result<(), ApiError> {
    let window = chrono::Duration::seconds(VIP_WINDOW_SECS);
    if times.within(now, window) >= VIP_WINDOW_MAX {
        let oldest = times.oldest().unwrap_or(now);
        let reset = (oldest + window).timestamp() + 1;
        return Err(ApiError::rate_limited(
            format!("The broadcaster exceeded the number of VIP {what} allowed within a 10-second window."),
            reset,
        ));
    }
    Ok(())
}

pub async fn get_vips(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let vips = Members {
        scopes: &["channel:read:vips", "channel:manage:vips"],
        of: |ch| &ch.vips,
    };
    members::list(&sim, &caller, &params, vips)
}

pub async fn add_vip(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    let me = caller.user_with(&["channel:manage:vips"])?;
    let b = params.require("broadcaster_id")?;
    let u = params.require("user_id")?;
    sim.with_world(|w| {
        lookup_user(w, b, "broadcaster_id")?;
        lookup_user(w, u, "user_id")?;
        if me != b {
            return Err(ApiError::forbidden(
                "The ID in broadcaster_id must match the user ID found in the request's OAuth token.",
            ));
        }
        let now = w.now();
        let ch = w.channels.get_mut(b).expect("every user has a channel");
        // Checked first so the limit holds however the adds turn out.
        let mut adds = ch.vip_adds.clone();
        window(&mut adds, now, "additions")?;
        check_vip_add(w, b, u)?;
        let ch = w.channels.get_mut(b).expect("every user has a channel");
        adds.note(now);
        ch.vip_adds = adds;
        apply_vip_add(w, b, u);
        Ok(StatusCode::NO_CONTENT)
    })
}

pub async fn remove_vip(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<StatusCode, ApiError> {
    let me = caller.user_with(&["channel:manage:vips"])?;
    let b = params.require("broadcaster_id")?;
    let u = params.require("user_id")?;
    sim.with_world(|w| {
        lookup_user(w, b, "broadcaster_id")?;
        lookup_user(w, u, "user_id")?;
        if me != b && me != u {
            return Err(ApiError::forbidden(
                "The user in the OAuth token may not remove VIPs from this channel.",
            ));
        }
        let now = w.now();
        let ch = w.channels.get_mut(b).expect("every user has a channel");
        let mut removes = ch.vip_removes.clone();
        window(&mut removes, now, "removals")?;
        if !ch.vips.iter().any(|v| v == u) {
            return Err(ApiError::new(
                422,
                "The user in user_id is not a VIP in the broadcaster's channel.",
            ));
        }
        removes.note(now);
        ch.vip_removes = removes;
        apply_vip_remove(w, b, u);
        Ok(StatusCode::NO_CONTENT)
    })
}
