//! EventSub conduits (Twitch docs, "Handling Conduit Events" and the API reference "Conduits"):
//! the state of each client's conduits and their shards, and how a conduit's notifications reach a
//! shard. The Helix endpoints are in [`crate::conduit_helix`].
//!
//! * "A shard is a Webhook or WebSocket connection, while a conduit is a collection of shards." This
//!   simulator carries WebSocket shards only (a webhook shard is refused in Update Conduit Shards,
//!   stricter than Twitch).
//! * "Shard IDs are sequential and start at 0" (Handling Conduit Events, "Creating a conduit").
//! * A WebSocket shard whose socket closes is disabled with the socket's status
//!   (`websocket_disconnected`, …: Get Conduit Shards, shard `status`), and keeps it until a new
//!   session id is patched in; a `session_reconnect` hand-over carries the shard to the new session,
//!   as it carries WebSocket subscriptions.
//! * Twitch "load balances notifications across shards" (Handling Conduit Events): only enabled
//!   shards receive, taken in turn here. If the chosen shard cannot take the message, Twitch retries
//!   on one other shard only (TWITCH.md 8.3, third party: twitch4j docs). With no enabled shard
//!   Twitch documents no queue, so the harsher reading holds: the notification is lost (counted in
//!   [`Conduits::lost`]).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::state::{new_uuid, ts_nanos, Subscription, World, WsCommand};

/// "Clients are limited to 5 enabled conduits" (TWITCH.md 8.3, twitch4j docs).
pub const MAX_CONDUITS: usize = 5;
/// "… with up to 20,000 shards per conduit" (same source); Create Conduits answers 400 for a
/// `shard_count` outside 1..=20,000 (API reference, Create Conduits: "shard_count … Minimum: 1.
/// Maximum: 20000").
pub const MAX_SHARDS: usize = 20_000;

/// A shard's transport: a WebSocket session.
#[derive(Clone, Debug)]
pub struct ShardSocket {
    pub session_id: String,
    pub connected_at: DateTime<Utc>,
    pub disconnected_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default)]
pub struct Shard {
    /// `enabled`, a `websocket_*` status after the socket ended, or `disabled` before any
    /// transport was assigned.
    pub status: String,
    pub socket: Option<ShardSocket>,
}

impl Shard {
    fn unassigned() -> Self {
        Self {
            status: "disabled".into(),
            socket: None,
        }
    }

    pub fn enabled(&self) -> bool {
        self.status == "enabled"
    }

    pub fn json(&self, id: usize) -> Value {
        let transport = match &self.socket {
            Some(s) => {
                let mut t = json!({
                    "method": "websocket",
                    "session_id": s.session_id,
                    "connected_at": ts_nanos(s.connected_at),
                });
                if let Some(d) = s.disconnected_at {
                    t["disconnected_at"] = json!(ts_nanos(d));
                }
                t
            }
            None => json!({"method": "websocket"}),
        };
        json!({"id": id.to_string(), "status": self.status, "transport": transport})
    }
}

#[derive(Clone, Debug)]
pub struct Conduit {
    pub id: String,
    pub client_id: String,
    pub shards: Vec<Shard>,
    /// The shard the next notification starts looking from (turns).
    next: usize,
}

impl Conduit {
    pub fn new(client_id: &str, shard_count: usize) -> Self {
        Self {
            id: new_uuid(),
            client_id: client_id.to_owned(),
            shards: vec![Shard::unassigned(); shard_count],
            next: 0,
        }
    }

    pub fn json(&self) -> Value {
        json!({"id": self.id, "shard_count": self.shards.len()})
    }

    /// Grows with unassigned shards or drops the highest ones (Update Conduits).
    pub fn resize(&mut self, shard_count: usize) {
        self.shards.resize(shard_count, Shard::unassigned());
        if self.next >= shard_count {
            self.next = 0;
        }
    }
}

/// Every client's conduits, oldest first.
#[derive(Debug, Default)]
pub struct Conduits {
    pub all: Vec<Conduit>,
    /// Notifications dropped because their conduit had no enabled shard that took them.
    pub lost: u64,
}

impl Conduits {
    pub fn of_client<'a>(&'a self, client_id: &'a str) -> impl Iterator<Item = &'a Conduit> {
        self.all.iter().filter(move |c| c.client_id == client_id)
    }

    pub fn find_mut(&mut self, client_id: &str, id: &str) -> Option<&mut Conduit> {
        self.all
            .iter_mut()
            .find(|c| c.client_id == client_id && c.id == id)
    }
}

/// Delivers one message of a conduit subscription: to the next enabled shard in turn, or, when
/// that shard's socket cannot take it, to one other enabled shard; lost otherwise.
pub fn deliver(world: &mut World, conduit_id: &str, sub: &Subscription, message: Value) {
    let World {
        conduits, sessions, ..
    } = world;
    let Some(conduit) = conduits.all.iter_mut().find(|c| c.id == conduit_id) else {
        conduits.lost += 1;
        return;
    };
    let count = conduit.shards.len();
    let mut tries = 0;
    for step in 0..count {
        let index = (conduit.next + step) % count;
        let shard = &conduit.shards[index];
        let Some(socket) = shard.socket.as_ref().filter(|_| shard.enabled()) else {
            continue;
        };
        tries += 1;
        let sent = sessions
            .get(&socket.session_id)
            .is_some_and(|s| s.tx.send(WsCommand::Send(message.to_string())).is_ok());
        if sent {
            conduit.next = (index + 1) % count;
            return;
        }
        if tries == 2 {
            break;
        }
    }
    tracing::debug!(subscription = %sub.id, conduit = %conduit_id, "conduit notification lost: no enabled shard took it");
    conduits.lost += 1;
}

/// A WebSocket session ended with `status`: every shard on it is disabled.
pub fn session_closed(world: &mut World, session_id: &str, status: &str) {
    let now = world.now();
    for shard in world
        .conduits
        .all
        .iter_mut()
        .flat_map(|c| c.shards.iter_mut())
    {
        if let Some(socket) = shard.socket.as_mut() {
            if socket.session_id == session_id && shard.status == "enabled" {
                shard.status = status.to_owned();
                socket.disconnected_at = Some(now);
            }
        }
    }
}

/// A `session_reconnect` hand-over: shards on `old` move to `new`.
pub fn session_moved(world: &mut World, old: &str, new: &str) {
    for shard in world
        .conduits
        .all
        .iter_mut()
        .flat_map(|c| c.shards.iter_mut())
    {
        if let Some(socket) = shard.socket.as_mut() {
            if socket.session_id == old {
                socket.session_id = new.to_owned();
            }
        }
    }
}

/// The client a WebSocket session already serves, if any: through a shard of one of its
/// conduits, or a WebSocket subscription made by it.
pub fn session_client(world: &World, session_id: &str) -> Option<String> {
    let by_shard = world.conduits.all.iter().find(|c| {
        c.shards.iter().any(|s| {
            s.socket
                .as_ref()
                .is_some_and(|t| t.session_id == session_id && s.enabled())
        })
    });
    if let Some(c) = by_shard {
        return Some(c.client_id.clone());
    }
    world
        .subscriptions
        .values()
        .find(|s| s.session_id() == Some(session_id))
        .map(|s| s.client_id.clone())
}

impl crate::Simulator {
    /// Each conduit of `client_id` (oldest first) with its shards as Get Conduit Shards lists them.
    pub fn conduits(&self, client_id: &str) -> Vec<(String, Vec<Value>)> {
        self.with_world(|w| {
            w.conduits
                .of_client(client_id)
                .map(|c| {
                    let shards = c
                        .shards
                        .iter()
                        .enumerate()
                        .map(|(i, s)| s.json(i))
                        .collect();
                    (c.id.clone(), shards)
                })
                .collect()
        })
    }

    /// How many conduit notifications were lost for want of an enabled shard.
    pub fn conduit_notifications_lost(&self) -> u64 {
        self.with_world(|w| w.conduits.lost)
    }
}
