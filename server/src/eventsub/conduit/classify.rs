//! Final answers of the conduit endpoints and of Create EventSub Subscription on a conduit →
//! outcomes, as pure functions (Twitch API reference, "Conduits" and "Create EventSub
//! Subscription"): 401 the app token, 403 a broadcaster who has not granted the type's scope, 404
//! an unknown conduit, 409 a subscription that exists (adopted by the id Twitch names), 429 a limit
//! (5 conduits, the cost budget; the rate limit is waited out before this), 5xx and no answer
//! transient, any other 4xx refused with Twitch's message.

use serde::Deserialize;
use serde_json::Value;

/// Why a conduit call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConduitError {
    /// The app token was refused (even renewed).
    #[error("the app access token was refused: {0}")]
    Unauthorized(String),
    /// The broadcaster has not granted the type's scope to this client.
    #[error("missing authorisation (403): {0}")]
    Forbidden(String),
    /// The conduit is gone.
    #[error("not found (404): {0}")]
    NotFound(String),
    /// One of Twitch's limits (conduits per client, subscription cost).
    #[error("Twitch refused for a limit (429): {0}")]
    Limit(String),
    /// Any other refusal: Twitch's message.
    #[error("Twitch refused ({status}): {message}")]
    Rejected { status: u16, message: String },
    /// 5xx or no answer: try again later.
    #[error("{0}")]
    Transient(String),
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
}

/// Twitch's `message` in an error body ("" without one).
pub fn message(body: &[u8]) -> String {
    serde_json::from_slice::<ErrorBody>(body)
        .map(|b| b.message)
        .unwrap_or_default()
}

/// A final non-success status.
pub fn error(status: u16, body: &[u8]) -> ConduitError {
    let message = message(body);
    let or_status = |m: String| {
        if m.is_empty() {
            format!("Twitch answered {status}")
        } else {
            m
        }
    };
    match status {
        401 => ConduitError::Unauthorized(or_status(message)),
        403 => ConduitError::Forbidden(or_status(message)),
        404 => ConduitError::NotFound(or_status(message)),
        429 => ConduitError::Limit(or_status(message)),
        s if s >= 500 => ConduitError::Transient(format!("Twitch answered {s}")),
        s => ConduitError::Rejected {
            status: s,
            message: or_status(message),
        },
    }
}

/// What Create EventSub Subscription on a conduit came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// Made now: its id and status.
    Created { id: String, status: String },
    /// 409: it existed; Twitch names it (`data[0].id`, or `id`), and it is adopted. `None` when
    /// the answer names none (an older Twitch): listing finds it.
    Adopted(Option<String>),
}

/// Create EventSub Subscription's final answer on a conduit.
pub fn created(status: u16, body: &[u8]) -> Result<Placed, ConduitError> {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let first_id = |v: &Value| {
        v["data"][0]["id"]
            .as_str()
            .or_else(|| v["id"].as_str())
            .map(str::to_owned)
    };
    match status {
        200..=299 => {
            let id = first_id(&json).ok_or_else(|| {
                ConduitError::Transient("Create EventSub Subscription without data".into())
            })?;
            let status = json["data"][0]["status"]
                .as_str()
                .unwrap_or("enabled")
                .to_owned();
            Ok(Placed::Created { id, status })
        }
        409 => Ok(Placed::Adopted(first_id(&json))),
        s => Err(error(s, body)),
    }
}

/// Update Conduit Shards' 202: the shard was updated unless `errors` names it (with Twitch's
/// message, refused).
pub fn shard_updated(status: u16, body: &[u8], shard: &str) -> Result<(), ConduitError> {
    if !(200..300).contains(&status) {
        return Err(error(status, body));
    }
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let refused = json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["id"].as_str() == Some(shard));
    match refused {
        Some(e) => Err(ConduitError::Rejected {
            status,
            message: e["message"].as_str().unwrap_or("shard refused").to_owned(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_by_status() {
        let body = br#"{"error":"x","status":400,"message":"bad shard_count"}"#;
        assert_eq!(
            error(400, body),
            ConduitError::Rejected {
                status: 400,
                message: "bad shard_count".into()
            }
        );
        assert!(matches!(error(401, b""), ConduitError::Unauthorized(_)));
        assert!(matches!(error(403, b""), ConduitError::Forbidden(_)));
        assert!(matches!(error(404, b""), ConduitError::NotFound(_)));
        assert_eq!(
            error(429, br#"{"message":"Conduit limit reached"}"#),
            ConduitError::Limit("Conduit limit reached".into())
        );
        assert_eq!(
            error(503, b"x"),
            ConduitError::Transient("Twitch answered 503".into())
        );
    }

    #[test]
    fn a_conflict_adopts_the_subscription_twitch_names() {
        let named = br#"{"status":409,"message":"exists","data":[{"id":"sub-1"}]}"#;
        assert_eq!(
            created(409, named),
            Ok(Placed::Adopted(Some("sub-1".into())))
        );
        assert_eq!(
            created(409, br#"{"status":409,"message":"exists"}"#),
            Ok(Placed::Adopted(None))
        );
        let made = br#"{"data":[{"id":"sub-2","status":"enabled"}],"total":1}"#;
        assert_eq!(
            created(202, made),
            Ok(Placed::Created {
                id: "sub-2".into(),
                status: "enabled".into()
            })
        );
        assert!(matches!(
            created(202, b"{}"),
            Err(ConduitError::Transient(_))
        ));
        assert!(matches!(
            created(403, b"{}"),
            Err(ConduitError::Forbidden(_))
        ));
    }

    #[test]
    fn a_shard_named_in_errors_is_refused() {
        let ok = br#"{"data":[{"id":"0","status":"enabled"}],"errors":[]}"#;
        assert_eq!(shard_updated(202, ok, "0"), Ok(()));
        let refused = br#"{"data":[],"errors":[{"id":"0","message":"session gone","code":"x"}]}"#;
        assert_eq!(
            shard_updated(202, refused, "0"),
            Err(ConduitError::Rejected {
                status: 202,
                message: "session gone".into()
            })
        );
        assert!(matches!(
            shard_updated(404, b"{}", "0"),
            Err(ConduitError::NotFound(_))
        ));
    }
}
