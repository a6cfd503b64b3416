//! `POST /helix/chat/messages` (Twitch docs).
//!
//! User token: `user:write:chat`, `sender_id` = token user (403 otherwise),
//! `for_source_only` not allowed (400). App token: the sender must have
//! granted this client `user:write:chat` + `user:bot`, and the broadcaster
//! `channel:bot` unless the sender moderates the channel (403). Message ≤ 500
//! characters (422 beyond). A 200 may still say `is_sent: false`: blocked
//! senders (`msg_banned`) and duplicates within 30 s (`msg_duplicate`).

use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::rewards::json_object;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{new_uuid, ChatMessage};
use crate::Simulator;

pub async fn send_message(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    if caller.user_id.is_some() {
        caller.scope(&["user:write:chat"])?;
    }
    let body = json_object(&body)?;
    let field = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| ApiError::bad_request(format!("Missing required parameter \"{k}\"")))
    };
    let b = field("broadcaster_id")?;
    let sender = field("sender_id")?;
    let message = field("message")?;
    if caller.user_id.is_some() && body.get("for_source_only").is_some() {
        return Err(ApiError::bad_request(
            "for_source_only may only be set with an app access token",
        ));
    }
    if message.chars().count() > 500 {
        return Err(ApiError::new(422, "The message is too large"));
    }
    sim.with_world(|w| {
        if !w.users.contains_key(&b) {
            return Err(ApiError::bad_request("The ID in broadcaster_id is not valid"));
        }
        if !w.users.contains_key(&sender) {
            return Err(ApiError::bad_request("The ID in sender_id is not valid"));
        }
        match &caller.user_id {
            Some(me) if *me != sender => {
                return Err(ApiError::forbidden(
                    "The sender_id must match the user ID in the OAuth token",
                ))
            }
            Some(_) => {}
            None => {
                let granted = |user: &str, scope: &str| {
                    w.authorizations
                        .get(&(caller.client_id.clone(), user.to_string()))
                        .is_some_and(|s| s.contains(scope))
                };
                let is_mod = w.channels[&b].moderators.contains(&sender) || sender == b;
                if !(granted(&sender, "user:write:chat") && granted(&sender, "user:bot")) {
                    return Err(ApiError::forbidden(
                        "The sender must authorize this app with user:write:chat and user:bot",
                    ));
                }
                if !(is_mod || granted(&b, "channel:bot")) {
                    return Err(ApiError::forbidden(
                        "The broadcaster must authorize channel:bot or the sender must be a moderator",
                    ));
                }
            }
        }
        let now = w.now();
        let ch = w.channels.get_mut(&b).expect("every user has a channel");
        let id = new_uuid();
        let drop = if ch.blocked.contains(&sender) {
            Some(("msg_banned", "You are permanently banned from talking in this channel."))
        } else if ch.chat.iter().rev().any(|m| {
            m.sender_id == sender && m.message == message && now - m.sent_at < chrono::Duration::seconds(30)
        }) {
            Some((
                "msg_duplicate",
                "Your message is identical to one you sent within the last 30 seconds.",
            ))
        } else {
            None
        };
        let resp = match drop {
            Some((code, msg)) => json!({
                "message_id": "",
                "is_sent": false,
                "drop_reason": {"code": code, "message": msg},
            }),
            None => {
                ch.chat.push(ChatMessage {
                    message_id: id.clone(),
                    sender_id: sender.clone(),
                    message: message.clone(),
                    sent_at: now,
                });
                json!({"message_id": id, "is_sent": true})
            }
        };
        Ok(Json(json!({ "data": [resp] })))
    })
}
