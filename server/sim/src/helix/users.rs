//! `GET /helix/users` (app or user token; `id`/`login` repeatable, ≤ 100
//! together; no parameters = the token's user, 400 with an app token;
//! `email` only with `user:read:email` for the token's own user).

use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::Params;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{ts, User};
use crate::Simulator;

pub fn user_json(user: &User, with_email: bool) -> Value {
    let mut v = json!({
        "id": user.id,
        "login": user.login,
        "display_name": user.display_name,
        "type": "",
        "broadcaster_type": user.broadcaster_type,
        "description": "",
        "profile_image_url": format!("https://static-cdn.jtvnw.net/jtv_user_pictures/{}-profile_image-300x300.png", user.login),
        "offline_image_url": "",
        "view_count": 0,
        "created_at": ts(user.created_at),
    });
    if with_email {
        v["email"] = json!(user.email);
    }
    v
}

pub async fn get_users(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let ids = params.all("id");
    let logins = params.all("login");
    if ids.len() + logins.len() > 100 {
        return Err(ApiError::bad_request(
            "The combined number of id and login parameters must not exceed 100",
        ));
    }
    let email_ok = caller.has_any_scope(&["user:read:email"]) && caller.user_id.is_some();
    sim.with_world(|w| {
        let mut found: Vec<&User> = Vec::new();
        if ids.is_empty() && logins.is_empty() {
            let me = caller.user_id.as_deref().ok_or_else(|| {
                ApiError::bad_request(
                    "The id or login query parameter is required when using an app access token",
                )
            })?;
            found.extend(w.users.get(me));
        }
        for id in &ids {
            if let Some(u) = w.users.get(*id) {
                if !found.iter().any(|f| f.id == u.id) {
                    found.push(u);
                }
            }
        }
        for login in &logins {
            if let Some(u) = w
                .logins
                .get(&login.to_ascii_lowercase())
                .and_then(|id| w.users.get(id))
            {
                if !found.iter().any(|f| f.id == u.id) {
                    found.push(u);
                }
            }
        }
        let data: Vec<Value> = found
            .into_iter()
            .map(|u| {
                user_json(
                    u,
                    email_ok && caller.user_id.as_deref() == Some(u.id.as_str()),
                )
            })
            .collect();
        Ok(Json(json!({ "data": data })))
    })
}
