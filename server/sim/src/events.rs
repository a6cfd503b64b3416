//! EventSub payload building and fan-out to WebSocket sessions and webhooks.
//!
//! Shapes follow Twitch docs and the fixtures: a notification is
//! `{subscription, event}` (webhook body) or
//! `{metadata:{message_id,message_type,message_timestamp,subscription_type,
//! subscription_version}, payload:{subscription, event}}` (WebSocket).

use serde_json::{json, Map, Value};

use crate::state::{
    new_uuid, ts_nanos, Subscription, Transport, User, WebhookJob, World, WsCommand,
};

/// A supported subscription type.
pub struct SubType {
    pub name: &'static str,
    pub version: &'static str,
    /// Required condition fields (the first is the "primary" one).
    pub condition: &'static [&'static str],
    /// Optional condition fields.
    pub optional: &'static [&'static str],
    /// Any one of these scopes authorizes it; empty = no authorization.
    pub scopes: &'static [&'static str],
    pub webhook_only: bool,
}

const REDEMPTIONS: &[&str] = &["channel:read:redemptions", "channel:manage:redemptions"];
const VIPS: &[&str] = &["channel:read:vips", "channel:manage:vips"];
const MODS: &[&str] = &["moderation:read", "channel:manage:moderators"];
const SUBS: &[&str] = &["channel:read:subscriptions"];
const BITS: &[&str] = &["bits:read"];

/// The subscription types this simulator knows (all version 1).
pub const SUB_TYPES: &[SubType] = &[
    SubType {
        name: "channel.channel_points_custom_reward_redemption.add",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &["reward_id"],
        scopes: REDEMPTIONS,
        webhook_only: false,
    },
    SubType {
        name: "channel.channel_points_custom_reward_redemption.update",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &["reward_id"],
        scopes: REDEMPTIONS,
        webhook_only: false,
    },
    SubType {
        name: "channel.channel_points_custom_reward.add",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: REDEMPTIONS,
        webhook_only: false,
    },
    SubType {
        name: "channel.channel_points_custom_reward.update",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &["reward_id"],
        scopes: REDEMPTIONS,
        webhook_only: false,
    },
    SubType {
        name: "channel.channel_points_custom_reward.remove",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &["reward_id"],
        scopes: REDEMPTIONS,
        webhook_only: false,
    },
    SubType {
        name: "channel.vip.add",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: VIPS,
        webhook_only: false,
    },
    SubType {
        name: "channel.vip.remove",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: VIPS,
        webhook_only: false,
    },
    SubType {
        name: "channel.moderator.add",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: MODS,
        webhook_only: false,
    },
    SubType {
        name: "channel.moderator.remove",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: MODS,
        webhook_only: false,
    },
    SubType {
        name: "stream.online",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: &[],
        webhook_only: false,
    },
    // EventSub reference, Stream Offline: version 1, no authorization, condition
    // `broadcaster_user_id`; webhook, WebSocket and conduit transports.
    SubType {
        name: "stream.offline",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: &[],
        webhook_only: false,
    },
    SubType {
        name: "channel.subscribe",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: SUBS,
        webhook_only: false,
    },
    SubType {
        name: "channel.subscription.gift",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: SUBS,
        webhook_only: false,
    },
    SubType {
        name: "channel.cheer",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: BITS,
        webhook_only: false,
    },
    // Twitch's subscription types: `channel.subscription.message` needs
    // `channel:read:subscriptions`, `channel.bits.use` needs `bits:read` (the broadcaster's).
    SubType {
        name: "channel.subscription.message",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: SUBS,
        webhook_only: false,
    },
    SubType {
        name: "channel.bits.use",
        version: "1",
        condition: &["broadcaster_user_id"],
        optional: &[],
        scopes: BITS,
        webhook_only: false,
    },
    // `channel.chat.message`: authorisation is checked by `crate::chat_read` (the reading user,
    // not the broadcaster, grants `user:read:chat`).
    SubType {
        name: "channel.chat.message",
        version: "1",
        condition: &["broadcaster_user_id", "user_id"],
        optional: &[],
        scopes: &["user:read:chat"],
        webhook_only: false,
    },
    SubType {
        name: "user.authorization.revoke",
        version: "1",
        condition: &["client_id"],
        optional: &[],
        scopes: &[],
        webhook_only: true,
    },
];

pub fn sub_type(name: &str, version: &str) -> Option<&'static SubType> {
    SUB_TYPES
        .iter()
        .find(|t| t.name == name && t.version == version)
}

/// The `subscription` object. `listing` adds WebSocket `connected_at` /
/// `disconnected_at` as Get EventSub Subscriptions does.
pub fn subscription_json(sub: &Subscription, listing: bool) -> Value {
    let transport = match &sub.transport {
        Transport::WebSocket {
            session_id,
            connected_at,
            disconnected_at,
        } => {
            let mut t = json!({"method": "websocket", "session_id": session_id});
            if listing {
                t["connected_at"] = json!(ts_nanos(*connected_at));
                if let Some(d) = disconnected_at {
                    t["disconnected_at"] = json!(ts_nanos(*d));
                }
            }
            t
        }
        Transport::Webhook { callback, .. } => json!({"method": "webhook", "callback": callback}),
        Transport::Conduit { conduit_id } => json!({"method": "conduit", "conduit_id": conduit_id}),
    };
    json!({
        "id": sub.id,
        "status": sub.status,
        "type": sub.kind,
        "version": sub.version,
        "condition": sub.condition,
        "created_at": ts_nanos(sub.created_at),
        "transport": transport,
        "cost": sub.cost,
    })
}

fn ws_metadata(world: &World, message_type: &str, sub: Option<&Subscription>) -> Value {
    let mut m = json!({
        "message_id": new_uuid(),
        "message_type": message_type,
        "message_timestamp": ts_nanos(world.now()),
    });
    if let Some(sub) = sub {
        m["subscription_type"] = json!(sub.kind);
        m["subscription_version"] = json!(sub.version);
    }
    m
}

/// `session_welcome` message.
pub fn ws_welcome(world: &World, session_id: &str, connected_at: &str, keepalive: u64) -> String {
    json!({
        "metadata": ws_metadata(world, "session_welcome", None),
        "payload": {"session": {
            "id": session_id,
            "status": "connected",
            "connected_at": connected_at,
            "keepalive_timeout_seconds": keepalive,
            "reconnect_url": null,
        }},
    })
    .to_string()
}

/// `session_keepalive` message.
pub fn ws_keepalive(world: &World) -> String {
    json!({"metadata": ws_metadata(world, "session_keepalive", None), "payload": {}}).to_string()
}

/// `session_reconnect` message.
pub fn ws_reconnect(world: &World, session_id: &str, connected_at: &str, url: &str) -> String {
    json!({
        "metadata": ws_metadata(world, "session_reconnect", None),
        "payload": {"session": {
            "id": session_id,
            "status": "reconnecting",
            "keepalive_timeout_seconds": null,
            "reconnect_url": url,
            "connected_at": connected_at,
        }},
    })
    .to_string()
}

/// User fields with a prefix, e.g. `broadcaster_user_id/login/name`.
pub fn user_fields(map: &mut Map<String, Value>, prefix: &str, user: Option<&User>) {
    map.insert(format!("{prefix}_id"), json!(user.map(|u| u.id.clone())));
    map.insert(
        format!("{prefix}_login"),
        json!(user.map(|u| u.login.clone())),
    );
    map.insert(
        format!("{prefix}_name"),
        json!(user.map(|u| u.display_name.clone())),
    );
}

/// Sends `event` to every enabled subscription of `kind` whose primary
/// condition value is `primary` and whose optional condition fields match
/// `extra` (`(condition key, value)`; absent keys match everything).
pub fn emit(world: &mut World, kind: &str, primary: &str, extra: &[(&str, &str)], event: Value) {
    let ids = world.subscriptions.keyed(kind, primary).to_vec();
    for id in ids {
        let Some(sub) = world.subscriptions.get(&id) else {
            continue;
        };
        if !sub.enabled() {
            continue;
        }
        let matches = extra.iter().all(|(k, v)| match sub.condition.get(*k) {
            Some(Value::String(want)) => want == v,
            _ => true,
        });
        if !matches {
            continue;
        }
        let sub = sub.clone();
        deliver(world, &sub, "notification", Some(&event));
    }
}

/// Delivers one message (`notification` with `event`, or `revocation`) for
/// a subscription over its transport.
pub fn deliver(world: &mut World, sub: &Subscription, message_type: &str, event: Option<&Value>) {
    let mut payload = json!({"subscription": subscription_json(sub, false)});
    if let Some(event) = event {
        payload["event"] = event.clone();
    }
    match &sub.transport {
        Transport::WebSocket { session_id, .. } => {
            let msg = json!({
                "metadata": ws_metadata(world, message_type, Some(sub)),
                "payload": payload,
            })
            .to_string();
            if let Some(session) = world.sessions.get(session_id) {
                let _ = session.tx.send(WsCommand::Send(msg));
            }
        }
        Transport::Conduit { conduit_id } => {
            let msg = json!({
                "metadata": ws_metadata(world, message_type, Some(sub)),
                "payload": payload,
            });
            crate::conduit::deliver(world, &conduit_id.clone(), sub, msg);
        }
        Transport::Webhook { callback, secret } => world.outbox.push(WebhookJob {
            subscription_id: sub.id.clone(),
            callback: callback.clone(),
            secret: secret.clone(),
            message_type: message_type.to_string(),
            subscription_type: sub.kind.clone(),
            subscription_version: sub.version.clone(),
            body: payload.to_string(),
            challenge: None,
        }),
    }
}

/// Sets a subscription's status to `status` (e.g. `authorization_revoked`)
/// and sends the revocation message.
pub fn revoke_subscription(world: &mut World, id: &str, status: &str) {
    let Some(sub) = world.subscriptions.get_mut(id) else {
        return;
    };
    if !sub.enabled() {
        sub.status = status.to_string();
        return;
    }
    sub.status = status.to_string();
    let sub = sub.clone();
    deliver(world, &sub, "revocation", None);
}
