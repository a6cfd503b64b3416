//! [`JsonBody`]: axum's `Json` extractor whose refusals are the API's errors
//! (`{"error": "invalid_request", "message": …}`, 400) instead of axum's plain text.

use app::AppError;
use axum::extract::{FromRequest, Request};
use axum::Json;
use serde::de::DeserializeOwned;

/// A JSON request body; a missing content type, malformed JSON or a wrong field is a 400 that names it.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(body)| Self(body))
            .map_err(|e| AppError::Invalid(e.body_text()))
    }
}
