//! `POST /helix/chat/messages` (Twitch docs, API reference "Send Chat Message"; Chat & Chatbots,
//! "Authenticating" and "Chat rate limits").
//!
//! User token: `user:write:chat`, `sender_id` = token user (403 otherwise),
//! `for_source_only` not allowed (400). App token: the sender must have
//! granted this client `user:write:chat` + `user:bot`, and the broadcaster
//! `channel:bot` unless the sender moderates the channel (403). Message ≤ 500
//! characters (422 beyond). `reply_parent_message_id` must name a message of
//! the channel (400; Twitch documents the field as "the ID of the chat message
//! being replied to" and is silent on others: the harsher answer). A 200 may
//! still say `is_sent: false`: blocked senders (`msg_banned`) and duplicates
//! within 30 s (`msg_duplicate`).
//!
//! Rate: Twitch's chat limits are 20 messages per 30 s for a sender who is not a
//! moderator of the channel written to, and 100 for a moderator (or the
//! broadcaster); the window counts the sender's messages in every channel, and
//! whether 20 or 100 applies is decided per message (Twitch developer forums,
//! "Twitch Chat (from a Twitch Dev)"; the IRC guide's "Rate limits"). Helix
//! documents 429 for exceeding a rate limit; beyond the window the answer is 429
//! and nothing is sent (the harsher of 429 and a `msg_ratelimit` drop).
//! Every message sent is echoed to the channel's `channel.chat.message`
//! subscriptions, as Twitch does ([`crate::chat_read`]).

use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::rewards::json_object;
use crate::auth::Caller;
use crate::chat_read;
use crate::error::ApiError;
use crate::state::{new_uuid, ChatMessage, World};
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
    let reply_parent = match body.get("reply_parent_message_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "The reply_parent_message_id is not valid",
            ))
        }
    };
    let for_source_only = match body.get("for_source_only") {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(ApiError::bad_request("for_source_only must be a boolean")),
    };
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
        if let Some(parent) = &reply_parent {
            if !chat_read::is_message_of(w, &b, parent) {
                return Err(ApiError::bad_request(
                    "The reply_parent_message_id is not a message of this channel",
                ));
            }
        }
        let limit = rate_limit(w, &b, &sender);
        if sent_in_window(w, &sender) >= limit {
            return Err(ApiError::new(
                429,
                format!("The sender exceeded the chat rate limit of {limit} messages per 30 seconds"),
            ));
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
                let sent = ChatMessage {
                    message_id: id.clone(),
                    sender_id: sender.clone(),
                    message: message.clone(),
                    sent_at: now,
                    reply_parent_message_id: reply_parent.clone(),
                    for_source_only,
                    app_token: caller.user_id.is_none(),
                };
                ch.chat.push(sent.clone());
                w.chat_sent.entry(sender.clone()).or_default().note(now);
                chat_read::echo_sent(w, &b, &sent);
                json!({"message_id": id, "is_sent": true})
            }
        };
        Ok(Json(json!({ "data": [resp] })))
    })
}

/// The chat window Twitch counts a sender's messages in.
const RATE_WINDOW_SECS: i64 = 30;

/// Messages per window: 100 where the sender moderates channel `b` (or is its broadcaster), 20
/// elsewhere.
fn rate_limit(w: &World, b: &str, sender: &str) -> usize {
    let moderates = sender == b
        || w.channels
            .get(b)
            .is_some_and(|c| c.moderators.iter().any(|m| m == sender));
    if moderates {
        100
    } else {
        20
    }
}

/// Messages `sender` sent in any channel within the window; forgets the older ones.
fn sent_in_window(w: &mut World, sender: &str) -> usize {
    let now = w.now();
    w.chat_sent.get_mut(sender).map_or(0, |sent| {
        sent.within(now, chrono::Duration::seconds(RATE_WINDOW_SECS))
    })
}
