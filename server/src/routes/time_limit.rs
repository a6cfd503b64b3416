//! The time limit on every request but the live stream (`REQUEST_TIMEOUT_SECS`): a request still
//! unanswered then is answered `503 {"error": "timeout"}` and logged, so a hung call into Twitch or
//! the store holds neither the caller nor a connection for ever.

use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    // The route's pattern, not its path: a path can hold a secret (an overlay's URL).
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unrouted)", MatchedPath::as_str)
        .to_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%route, limit_secs = limit.as_secs(), "request cut short by the time limit");
            let message = format!(
                "the request took longer than {} s; it may have taken effect, so check before repeating it",
                limit.as_secs()
            );
            let body = serde_json::json!({ "error": "timeout", "message": message });
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}
