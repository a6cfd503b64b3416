//! The one error type that crosses the wire, shared by pages, server functions and REST handlers.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

/// An error a user may see. Internal failures carry only a reference id; their details are logged on
/// the server under that id and never sent to the browser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{0}")]
    Invalid(String),
    #[error("please log in")]
    Unauthorized,
    #[error("you may not manage this channel")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("something went wrong on our side (reference {reference})")]
    Internal { reference: String },
    #[error("request failed: {0}")]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    /// The HTTP status this error is served with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Internal { .. } | Self::ServerFn(_) => 500,
        }
    }
}

impl AppError {
    /// The machine-readable code of the REST API's `{"error": code, "message": text}` bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Internal { .. } | Self::ServerFn(_) => "internal",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::ServerFn(value)
    }
}

impl From<crate::model::DurationError> for AppError {
    fn from(e: crate::model::DurationError) -> Self {
        Self::Invalid(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_show_only_the_reference() {
        let e = AppError::Internal {
            reference: "abc123".into(),
        };
        assert_eq!(
            e.to_string(),
            "something went wrong on our side (reference abc123)"
        );
        assert_eq!(e.status(), 500);
    }
}
