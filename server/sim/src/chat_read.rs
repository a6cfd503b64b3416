//! Reading chat: EventSub `channel.chat.message` (v1) and viewers posting in chat.
//!
//! Twitch's rules (EventSub subscription types, "Channel Chat Message"; Chat & Chatbots,
//! "Authenticating"):
//!
//! * the condition is `broadcaster_user_id` plus `user_id`, the account reading chat;
//! * with a user access token (WebSocket), the token must be `user_id`'s and carry
//!   `user:read:chat`;
//! * with an app access token (webhook, conduit), `user_id` must have granted the client
//!   `user:read:chat` and `user:bot`, and the broadcaster must have granted `channel:bot` unless
//!   `user_id` is a moderator of the channel (or the broadcaster).
//!
//! A notification carries `chatter_user_*`, `message_id`, `message {text, fragments}`, `badges`
//! (`set_id`: `broadcaster`, `moderator`, `lead_moderator`, `vip`, …), `reply` and, for Shared
//! Chat, `source_broadcaster_user_*`, `source_message_id` and `source_badges` (null outside a
//! shared session). Every message in the channel is delivered, including those the app itself sent
//! through Send Chat Message (Twitch echoes a sender's own messages to its subscriptions).

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::events::{emit, user_fields};
use crate::state::{new_uuid, ChatMessage};
use crate::World;

/// The subscription type.
pub const CHAT_MESSAGE: &str = "channel.chat.message";

/// Badges Twitch shows, in the order it lists them.
pub const ROLE_BADGES: [&str; 4] = ["broadcaster", "lead_moderator", "moderator", "vip"];

/// Whether a WebSocket subscription of `channel.chat.message` is authorised: the token belongs
/// to the condition's `user_id` and carries `user:read:chat`.
pub fn websocket_authorized(
    token_user: &str,
    scopes: &[String],
    cond: &Map<String, Value>,
) -> bool {
    cond.get("user_id").and_then(Value::as_str) == Some(token_user)
        && scopes.iter().any(|s| s == "user:read:chat")
}

/// Whether a webhook (app token) subscription of `channel.chat.message` is authorised for
/// `client_id` (see the module's rules).
pub fn webhook_authorized(w: &World, client_id: &str, cond: &Map<String, Value>) -> bool {
    let (Some(b), Some(user)) = (
        cond.get("broadcaster_user_id").and_then(Value::as_str),
        cond.get("user_id").and_then(Value::as_str),
    ) else {
        return false;
    };
    let granted = |who: &str, scope: &str| {
        w.authorizations
            .get(&(client_id.to_owned(), who.to_owned()))
            .is_some_and(|s| s.contains(scope))
    };
    let moderates = b == user
        || w.channels
            .get(b)
            .is_some_and(|c| c.moderators.iter().any(|m| m == user));
    granted(user, "user:read:chat")
        && granted(user, "user:bot")
        && (moderates || granted(b, "channel:bot"))
}

/// A chat message to post as a viewer.
#[derive(Debug, Clone, Default)]
pub struct Post<'a> {
    /// Id or login of the chatter.
    pub user: &'a str,
    pub text: &'a str,
    /// Extra badges (`lead_moderator`, `subscriber`, …) on top of those the channel's state gives.
    pub badges: &'a [String],
    /// Shared Chat: the channel the message was sent in (id or login); `None` outside a session.
    pub source_broadcaster: Option<&'a str>,
    /// The message this one answers.
    pub reply_to: Option<&'a str>,
}

/// The badges a chatter has in channel `b`: the roles the channel's state gives, then `extra`.
fn badges(w: &World, b: &str, user: &str, extra: &[String]) -> Vec<Value> {
    let ch = w.channels.get(b);
    let has = |set: &str| match set {
        "broadcaster" => user == b,
        "moderator" => ch.is_some_and(|c| c.moderators.iter().any(|m| m == user)),
        "vip" => ch.is_some_and(|c| c.vips.iter().any(|v| v == user)),
        _ => false,
    };
    let mut sets: Vec<&str> = ROLE_BADGES.iter().copied().filter(|s| has(s)).collect();
    for e in extra {
        if !sets.contains(&e.as_str()) {
            sets.push(e);
        }
    }
    sets.iter()
        .map(|s| json!({"set_id": s, "id": "1", "info": ""}))
        .collect()
}

/// A viewer posts in the chat of `broadcaster` (or, with `source_broadcaster`, in a partner
/// channel of a Shared Chat session, which `broadcaster`'s subscriptions also receive). Emits
/// `channel.chat.message` and returns the message id.
///
/// # Errors
/// 404 for an unknown user or channel; 400 for an empty or over-long (500 characters) text or a
/// `reply_to` that is not a message of the channel.
pub fn post(w: &mut World, broadcaster: &str, p: &Post<'_>) -> Result<String, ApiError> {
    let find = |w: &World, who: &str| {
        w.resolve_user(who)
            .map(|u| u.id.clone())
            .ok_or_else(|| ApiError::not_found(format!("user {who} not found")))
    };
    let b = find(w, broadcaster)?;
    let user = find(w, p.user)?;
    let source = p.source_broadcaster.map(|s| find(w, s)).transpose()?;
    if p.text.trim().is_empty() || p.text.chars().count() > 500 {
        return Err(ApiError::bad_request("text must be 1 to 500 characters"));
    }
    if let Some(parent) = p.reply_to {
        if !is_message_of(w, &b, parent) {
            return Err(ApiError::bad_request(
                "reply_to is not a message of this channel",
            ));
        }
    }
    let id = new_uuid();
    let now = w.now();
    if let Some(ch) = w.channels.get_mut(&b) {
        ch.chat_read.push(ChatMessage {
            message_id: id.clone(),
            sender_id: user.clone(),
            message: p.text.to_owned(),
            sent_at: now,
            reply_parent_message_id: p.reply_to.map(str::to_owned),
            for_source_only: None,
            app_token: false,
        });
    }
    let source = source.filter(|s| *s != b);
    let event = event(w, &b, &user, p, &id, source.as_deref());
    emit(w, CHAT_MESSAGE, &b, &[], event);
    Ok(id)
}

/// Echoes a message sent through Send Chat Message to the channel's chat subscriptions.
pub fn echo_sent(w: &mut World, b: &str, sent: &ChatMessage) {
    let p = Post {
        user: &sent.sender_id,
        text: &sent.message,
        badges: &[],
        source_broadcaster: None,
        reply_to: sent.reply_parent_message_id.as_deref(),
    };
    let event = event(w, b, &sent.sender_id, &p, &sent.message_id, None);
    emit(w, CHAT_MESSAGE, b, &[], event);
}

/// Whether `id` names a message posted in (or sent to) channel `b`.
pub fn is_message_of(w: &World, b: &str, id: &str) -> bool {
    w.channels.get(b).is_some_and(|c| {
        c.chat_read.iter().any(|m| m.message_id == id) || c.chat.iter().any(|m| m.message_id == id)
    })
}

fn event(w: &World, b: &str, user: &str, p: &Post<'_>, id: &str, source: Option<&str>) -> Value {
    let mut m = Map::new();
    user_fields(&mut m, "broadcaster_user", w.users.get(b));
    user_fields(&mut m, "chatter_user", w.users.get(user));
    m.insert("message_id".into(), json!(id));
    m.insert(
        "message".into(),
        json!({"text": p.text, "fragments": [{"type": "text", "text": p.text,
            "cheermote": null, "emote": null, "mention": null}]}),
    );
    m.insert("message_type".into(), json!("text"));
    // In a Shared Chat session the badges are those of the channel the message was sent in.
    let badge_channel = source.unwrap_or(b);
    m.insert(
        "badges".into(),
        json!(badges(w, badge_channel, user, p.badges)),
    );
    m.insert("color".into(), json!("#1E90FF"));
    m.insert("cheer".into(), Value::Null);
    m.insert("channel_points_custom_reward_id".into(), Value::Null);
    let reply = p.reply_to.and_then(|parent| {
        let ch = w.channels.get(b)?;
        let msg = ch
            .chat_read
            .iter()
            .chain(ch.chat.iter())
            .find(|m| m.message_id == parent)?;
        let author = w.users.get(&msg.sender_id)?;
        Some(json!({
            "parent_message_id": msg.message_id,
            "parent_message_body": msg.message,
            "parent_user_id": author.id,
            "parent_user_login": author.login,
            "parent_user_name": author.display_name,
            "thread_message_id": msg.message_id,
            "thread_user_id": author.id,
            "thread_user_login": author.login,
            "thread_user_name": author.display_name,
        }))
    });
    m.insert("reply".into(), reply.unwrap_or(Value::Null));
    match source {
        Some(s) => {
            user_fields(&mut m, "source_broadcaster_user", w.users.get(s));
            m.insert("source_message_id".into(), json!(id));
            m.insert("source_badges".into(), json!(badges(w, s, user, p.badges)));
        }
        None => {
            user_fields(&mut m, "source_broadcaster_user", None);
            m.insert("source_message_id".into(), Value::Null);
            m.insert("source_badges".into(), Value::Null);
        }
    }
    Value::Object(m)
}
