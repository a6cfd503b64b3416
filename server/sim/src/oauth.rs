//! OAuth (`id.twitch.tv/oauth2`) under `/oauth2` (Twitch docs).
//!
//! * `GET /authorize` auto-approves as the user named by the simulator-only
//!   `login` hint, else [`crate::state::World::default_authorize_login`],
//!   else the first affiliate/partner; `sim_deny=true` simulates the user
//!   refusing. Redirects to `redirect_uri?code&scope&state` (302).
//! * `POST /token`: `authorization_code`, `refresh_token`,
//!   `client_credentials` grants (form body or query).
//! * `GET /validate`: `Authorization: OAuth <token>` (Bearer accepted too).
//! * `POST /revoke`: `client_id` + `token`.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::error::{oauth_error, oauth_error_with_reason};
use crate::state::{random_token, AuthCode, World};
use crate::Simulator;

/// The `/oauth2` router.
pub fn router() -> Router<Simulator> {
    Router::new()
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/validate", get(validate))
        .route("/revoke", post(revoke))
}

/// Query and form body pairs together (body values win).
fn form(query: Option<String>, body: &[u8]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    if let Some(q) = query {
        pairs.extend(form_urlencoded::parse(q.as_bytes()).into_owned());
    }
    pairs
}

fn field<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn redirect_to(base: &str, pairs: &[(&str, &str)]) -> Response {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    let location = format!("{base}{sep}{}", ser.finish());
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn valid_scope(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b == b':' || b == b'_' || b.is_ascii_digit())
}

async fn authorize(State(sim): State<Simulator>, RawQuery(query): RawQuery) -> Response {
    let p = form(query, b"");
    sim.with_world(|w| {
        let Some(client) = field(&p, "client_id")
            .and_then(|c| w.clients.get(c))
            .cloned()
        else {
            return oauth_error(400, "invalid client");
        };
        let redirect = field(&p, "redirect_uri").unwrap_or_default().to_string();
        let registered = client.redirect_uris.is_empty() && !redirect.is_empty()
            || client.redirect_uris.contains(&redirect);
        if !registered {
            return oauth_error(400, "Parameter redirect_uri does not match registered URI");
        }
        let state = field(&p, "state").unwrap_or_default();
        let err = |error: &str, description: &str| {
            redirect_to(
                &redirect,
                &[
                    ("error", error),
                    ("error_description", description),
                    ("state", state),
                ],
            )
        };
        if field(&p, "response_type") != Some("code") {
            return err("unsupported_response_type", "response_type must be code");
        }
        let scopes: Vec<String> = field(&p, "scope")
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if !scopes.iter().all(|s| valid_scope(s)) {
            return err("invalid_scope", "Invalid scope");
        }
        if field(&p, "sim_deny") == Some("true") {
            return err("access_denied", "The user denied you access");
        }
        let Some(user_id) = approving_user(w, field(&p, "login")) else {
            return oauth_error(400, "no simulated user to approve the authorization");
        };
        let code = random_token(30);
        let expires_at = w.now() + chrono::Duration::minutes(10);
        w.codes.insert(
            code.clone(),
            AuthCode {
                client_id: client.id.clone(),
                user_id,
                scopes: scopes.clone(),
                redirect_uri: redirect.clone(),
                expires_at,
            },
        );
        redirect_to(
            &redirect,
            &[
                ("code", &code),
                ("scope", &scopes.join(" ")),
                ("state", state),
            ],
        )
    })
}

fn approving_user(w: &World, hint: Option<&str>) -> Option<String> {
    if let Some(h) = hint {
        return w.resolve_user(h).map(|u| u.id.clone());
    }
    if let Some(login) = &w.default_authorize_login {
        return w.resolve_user(login).map(|u| u.id.clone());
    }
    let mut streamers: Vec<_> = w
        .users
        .values()
        .filter(|u| !u.broadcaster_type.is_empty())
        .collect();
    streamers.sort_by_key(|u| u.id.parse::<u64>().unwrap_or(u64::MAX));
    streamers.first().map(|u| u.id.clone())
}

async fn token(State(sim): State<Simulator>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let p = form(query, &body);
    sim.with_world(|w| {
        let Some(client) = field(&p, "client_id")
            .and_then(|c| w.clients.get(c))
            .cloned()
        else {
            return oauth_error(400, "invalid client");
        };
        let grant = field(&p, "grant_type").unwrap_or_default();
        if field(&p, "client_secret") != Some(client.secret.as_str()) {
            return oauth_error(403, "invalid client secret");
        }
        let ttl = |w: &World, user: bool| {
            if user {
                w.config.user_token_ttl.as_secs()
            } else {
                w.config.app_token_ttl.as_secs()
            }
        };
        match grant {
            "authorization_code" => {
                let now = w.now();
                let code = field(&p, "code").unwrap_or_default();
                let ok = w.codes.get(code).is_some_and(|c| {
                    c.client_id == client.id
                        && c.expires_at > now
                        && field(&p, "redirect_uri") == Some(c.redirect_uri.as_str())
                });
                if !ok {
                    return oauth_error(400, "Invalid authorization code");
                }
                let c = w.codes.remove(code).expect("checked");
                let (tok, refresh) = w.issue_user_token(&client.id, &c.user_id, &c.scopes);
                Json(json!({
                    "access_token": tok.access,
                    "expires_in": ttl(w, true),
                    "refresh_token": refresh,
                    "scope": tok.scopes,
                    "token_type": "bearer",
                }))
                .into_response()
            }
            "refresh_token" => {
                let old = field(&p, "refresh_token").unwrap_or_default().to_string();
                let Some(g) = w
                    .refresh_tokens
                    .get(&old)
                    .filter(|g| g.client_id == client.id)
                    .cloned()
                else {
                    return oauth_error_with_reason(400, "Invalid refresh token");
                };
                let (tok, mut refresh) = w.issue_user_token(&client.id, &g.user_id, &g.scopes);
                if w.config.rotate_refresh_tokens {
                    w.refresh_tokens.remove(&old);
                } else {
                    w.refresh_tokens.remove(&refresh);
                    refresh = old;
                }
                Json(json!({
                    "access_token": tok.access,
                    "expires_in": ttl(w, true),
                    "refresh_token": refresh,
                    "scope": tok.scopes,
                    "token_type": "bearer",
                }))
                .into_response()
            }
            "client_credentials" => {
                let tok = w.issue_app_token(&client.id);
                Json(json!({
                    "access_token": tok.access,
                    "expires_in": ttl(w, false),
                    "token_type": "bearer",
                }))
                .into_response()
            }
            "" => oauth_error(400, "missing grant_type"),
            _ => oauth_error(400, "unsupported grant_type"),
        }
    })
}

async fn validate(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim();
    let access = auth
        .strip_prefix("OAuth ")
        .or_else(|| auth.strip_prefix("Bearer "))
        .or_else(|| auth.strip_prefix("oauth "))
        .map(str::trim)
        .unwrap_or_default();
    if access.is_empty() {
        return oauth_error(401, "missing authorization token");
    }
    sim.with_world(|w| {
        let Some(tok) = w.live_token(access) else {
            return oauth_error(401, "invalid access token");
        };
        let expires_in = (tok.expires_at - w.now()).num_seconds().max(0);
        match &tok.user_id {
            Some(uid) => {
                let login = w.users.get(uid).map(|u| u.login.clone());
                Json(json!({
                    "client_id": tok.client_id,
                    "login": login,
                    "scopes": tok.scopes,
                    "user_id": uid,
                    "expires_in": expires_in,
                }))
                .into_response()
            }
            None => Json(json!({
                "client_id": tok.client_id,
                "scopes": tok.scopes,
                "expires_in": expires_in,
            }))
            .into_response(),
        }
    })
}

async fn revoke(State(sim): State<Simulator>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let p = form(query, &body);
    sim.with_world(|w| {
        let Some(client_id) = field(&p, "client_id").filter(|c| w.clients.contains_key(*c)) else {
            return oauth_error(404, "client does not exist");
        };
        let token = field(&p, "token").unwrap_or_default();
        match w.tokens.get_mut(token) {
            Some(t) if t.client_id == client_id && !t.revoked => {
                t.revoked = true;
                StatusCode::OK.into_response()
            }
            _ => oauth_error(400, "Invalid token"),
        }
    })
}
