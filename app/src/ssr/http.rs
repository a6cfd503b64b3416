//! How the shared error type answers over plain HTTP (the REST API).

use crate::error::AppError;

/// REST handlers answer with the error's status and `{"error": code, "message": text}`.
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = axum::http::StatusCode::from_u16(self.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        (status, axum::Json(body)).into_response()
    }
}
