//! Error bodies in Twitch's shapes.
//!
//! Helix: `{"error":"Unauthorized","status":401,"message":"…"}`.
//! OAuth (`id.twitch.tv`): `{"status":400,"message":"…"}` (the refresh error
//! additionally carries `"error"`, see [`oauth_error_with_reason`]).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A Helix error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// For endpoint-specific 429s: `Ratelimit-Reset` (Unix seconds) to send.
    pub reset_at: Option<i64>,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            message: message.into(),
            reset_at: None,
        }
    }
    /// 429 with `Ratelimit-Reset` set to `reset_at`.
    pub fn rate_limited(message: impl Into<String>, reset_at: i64) -> Self {
        Self {
            reset_at: Some(reset_at),
            ..Self::new(429, message)
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, message)
    }
    /// The JSON body Twitch sends.
    pub fn body(&self) -> serde_json::Value {
        json!({
            "error": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "message": self.message,
        })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.body())).into_response();
        if let Some(reset) = self.reset_at {
            resp.headers_mut().insert(
                "ratelimit-reset",
                reset.to_string().parse().expect("digits"),
            );
        }
        resp
    }
}

/// OAuth error body `{"status":n,"message":"…"}`.
pub fn oauth_error(status: u16, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (code, Json(json!({"status": status, "message": message}))).into_response()
}

/// OAuth error body with the `error` reason, as the refresh endpoint sends:
/// `{"error":"Bad Request","status":400,"message":"Invalid refresh token"}`.
pub fn oauth_error_with_reason(status: u16, message: &str) -> Response {
    ApiError::new(status, message).into_response()
}
