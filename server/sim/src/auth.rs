//! Helix request authentication and rate limiting.
//!
//! [`helix_auth`] runs before every `/helix` handler: it checks
//! `Authorization: Bearer` and `Client-Id` (which must be the token's
//! client), takes one point from the caller's token bucket (user tokens: per
//! client id + user; app tokens: per client id) and adds the
//! `Ratelimit-Limit/Remaining/Reset` headers to the response. Handlers then
//! check token type and scopes through [`Caller`].

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::Simulator;

/// The authenticated caller of a Helix request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub client_id: String,
    /// `Some` for user tokens.
    pub user_id: Option<String>,
    pub scopes: Vec<String>,
}

impl Caller {
    /// The token's user; app tokens get 401.
    pub fn user(&self) -> Result<&str, ApiError> {
        self.user_id
            .as_deref()
            .ok_or_else(|| ApiError::unauthorized("Missing User OAUTH Token"))
    }

    /// Requires an app access token.
    pub fn app(&self) -> Result<(), ApiError> {
        match self.user_id {
            None => Ok(()),
            Some(_) => Err(ApiError::unauthorized("Missing App OAUTH Token")),
        }
    }

    pub fn has_any_scope(&self, any_of: &[&str]) -> bool {
        any_of.is_empty() || self.scopes.iter().any(|s| any_of.contains(&s.as_str()))
    }

    /// 401 `Missing scope: a or b` unless the token has one of the scopes.
    pub fn scope(&self, any_of: &[&str]) -> Result<(), ApiError> {
        if self.has_any_scope(any_of) {
            Ok(())
        } else {
            Err(ApiError::unauthorized(format!(
                "Missing scope: {}",
                any_of.join(" or ")
            )))
        }
    }

    /// User token with one of the scopes; returns the user id.
    pub fn user_with(&self, any_of: &[&str]) -> Result<&str, ApiError> {
        let user = self.user()?;
        self.scope(any_of)?;
        Ok(user)
    }

    /// `broadcaster_id` must be the token's user (401 otherwise).
    pub fn must_be(&self, broadcaster_id: &str) -> Result<(), ApiError> {
        if self.user_id.as_deref() == Some(broadcaster_id) {
            Ok(())
        } else {
            Err(ApiError::unauthorized(
                "The ID in broadcaster_id must match the user ID found in the request's OAuth token.",
            ))
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Adds the three rate-limit headers (keeping any a handler already set).
pub fn rate_headers(headers: &mut HeaderMap, limit: u32, remaining: u32, reset: i64) {
    for (name, value) in [
        ("ratelimit-limit", limit.to_string()),
        ("ratelimit-remaining", remaining.to_string()),
        ("ratelimit-reset", reset.to_string()),
    ] {
        if headers.contains_key(name) {
            continue;
        }
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}

/// Middleware authenticating every Helix request (see module docs).
pub async fn helix_auth(State(sim): State<Simulator>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let bearer = header(headers, "authorization").map(str::trim);
    let client_id = header(headers, "client-id").map(str::trim);
    let checked = sim.with_world(|w| {
        let Some(auth) = bearer else {
            return Err(ApiError::unauthorized("OAuth token is missing"));
        };
        let Some(access) = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("bearer "))
        else {
            return Err(ApiError::unauthorized("Invalid OAuth token"));
        };
        let Some(client_id) = client_id.filter(|c| !c.is_empty()) else {
            return Err(ApiError::unauthorized("Client ID is missing"));
        };
        let Some(token) = w.live_token(access.trim()) else {
            return Err(ApiError::unauthorized("Invalid OAuth token"));
        };
        if token.client_id != client_id {
            return Err(ApiError::unauthorized(
                "Client ID and OAuth token do not match",
            ));
        }
        let caller = Caller {
            client_id: token.client_id.clone(),
            user_id: token.user_id.clone(),
            scopes: token.scopes.clone(),
        };
        let key = match &caller.user_id {
            Some(u) => format!("user:{}:{u}", caller.client_id),
            None => format!("app:{}", caller.client_id),
        };
        Ok((caller, w.take_rate_point(&key)))
    });
    let (caller, (allowed, limit, remaining, reset)) = match checked {
        Ok(ok) => ok,
        Err(e) => return e.into_response(),
    };
    let mut resp = if allowed {
        req.extensions_mut().insert(caller);
        next.run(req).await
    } else {
        ApiError::new(429, "Too Many Requests").into_response()
    };
    rate_headers(resp.headers_mut(), limit, remaining, reset);
    resp
}
