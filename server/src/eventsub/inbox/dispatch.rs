//! What a stored message turns into, and where it goes. Pure parsing plus one hand-off: nothing
//! here waits on Twitch except through the engine.

use std::sync::Arc;

use app::model::ChannelId;
use app::ssr::events::{EventSink, TwitchEvent};
use app::ssr::store::InboxMessage;

use crate::eventsub::parse::chat::{chat_message, CHAT_MESSAGE};
use crate::eventsub::parse::stream::{
    stream_offline, stream_online, StreamOnline, STREAM_OFFLINE, STREAM_ONLINE,
};
use crate::eventsub::parse::{notification_event, Notification, USER_AUTHORIZATION_REVOKE};
use crate::eventsub::supervisor::EventSubSupervisor;

/// The channel a notification concerns: the broadcaster of its subscription, or the user who
/// revoked the app's authorisation.
pub fn channel_of(n: &Notification) -> ChannelId {
    let user = || n.event.get("user_id").and_then(serde_json::Value::as_str);
    let id = match n.subscription.kind.as_str() {
        USER_AUTHORIZATION_REVOKE => user(),
        _ => n.subscription.broadcaster(),
    };
    ChannelId(id.unwrap_or_default().to_owned())
}

/// A message as the processor handles it.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    Event(TwitchEvent),
    Online(StreamOnline),
    /// `stream.offline`: the channel's stream stopped.
    Offline(ChannelId),
    /// A type the app subscribes to but takes nothing from.
    Unused,
}

/// Which messages of one channel must not overlap: those of one viewer keep their order, and a
/// channel-wide change (a reward updated or removed, an authorisation revoked, the stream going
/// online) waits for everything before it and holds back everything after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    Key(String),
    Barrier,
}

impl Stored {
    /// Parses a notification as received.
    ///
    /// # Errors
    /// Why the event does not have its type's documented shape.
    pub fn parse(message_id: &str, n: &Notification) -> Result<Self, String> {
        if n.subscription.kind == CHAT_MESSAGE {
            return chat_message(n.event.clone())
                .map(Self::Event)
                .map_err(|e| e.to_string());
        }
        if n.subscription.kind == STREAM_ONLINE {
            return stream_online(n)
                .map(Self::Online)
                .map_err(|e| e.to_string());
        }
        if n.subscription.kind == STREAM_OFFLINE {
            return stream_offline(n)
                .map(Self::Offline)
                .map_err(|e| e.to_string());
        }
        match notification_event(message_id, n) {
            Ok(Some(event)) => Ok(Self::Event(event)),
            Ok(None) => Ok(Self::Unused),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Whether a notification may enter the inbox (see [`Self::parse`]).
    ///
    /// # Errors
    /// As [`Self::parse`].
    pub fn check(message_id: &str, n: &Notification) -> Result<(), String> {
        Self::parse(message_id, n).map(|_| ())
    }

    /// Parses a message read back from the inbox.
    ///
    /// # Errors
    /// When the stored payload is not a notification of its documented shape.
    pub fn from_message(m: &InboxMessage) -> Result<Self, String> {
        let n: Notification = serde_json::from_str(&m.payload).map_err(|e| e.to_string())?;
        Self::parse(&m.message_id, &n)
    }

    /// How this message is ordered among its channel's others; `message_id` keys messages that
    /// concern no particular viewer.
    pub fn order(&self, message_id: &str) -> Order {
        let viewer = |id: &str| Order::Key(id.to_owned());
        let own = || Order::Key(message_id.to_owned());
        match self {
            Self::Event(e) => match e {
                TwitchEvent::Redemption { viewer: v, .. }
                | TwitchEvent::VipAdded { viewer: v, .. }
                | TwitchEvent::VipRemoved { viewer: v, .. }
                | TwitchEvent::ModeratorAdded { viewer: v, .. }
                | TwitchEvent::ModeratorRemoved { viewer: v, .. }
                | TwitchEvent::Subscribed { viewer: v, .. }
                | TwitchEvent::Resubscribed { viewer: v, .. } => viewer(&v.id),
                TwitchEvent::Chat(m) => viewer(&m.chatter.id),
                TwitchEvent::SubsGifted { gifter, .. } => {
                    gifter.as_ref().map_or_else(own, |v| viewer(&v.id))
                }
                TwitchEvent::Cheered { viewer: v, .. }
                | TwitchEvent::BitsUsed { viewer: v, .. } => {
                    v.as_ref().map_or_else(own, |v| viewer(&v.id))
                }
                TwitchEvent::RewardUpdated { .. }
                | TwitchEvent::RewardRemoved { .. }
                | TwitchEvent::AuthorizationRevoked { .. }
                | TwitchEvent::StreamOffline { .. }
                | TwitchEvent::StreamOnline { .. } => Order::Barrier,
            },
            Self::Online(_) | Self::Offline(_) => Order::Barrier,
            Self::Unused => own(),
        }
    }
}

/// Where handled messages go.
#[derive(Clone)]
pub struct Targets {
    /// The engine.
    pub sink: Arc<dyn EventSink>,
    /// Told of `stream.online` (after the engine, which keeps VIPs until the stream ends) and of revoked authorisations (it stops the channel's EventSub).
    pub supervisor: EventSubSupervisor,
}

impl Targets {
    /// Hands one message on; returns once the engine has handled it.
    pub async fn handle(&self, stored: Stored) {
        match stored {
            Stored::Event(event) => {
                let revoked = match &event {
                    TwitchEvent::AuthorizationRevoked { user_id } => {
                        Some(ChannelId(user_id.clone()))
                    }
                    _ => None,
                };
                self.sink.deliver(event).await;
                if let Some(channel) = revoked {
                    self.supervisor.authorization_revoked(&channel);
                }
            }
            Stored::Online(online) => {
                let channel = online.channel.clone();
                self.sink
                    .deliver(TwitchEvent::StreamOnline { channel })
                    .await;
                self.supervisor.stream_online(online);
            }
            Stored::Offline(channel) => {
                self.sink
                    .deliver(TwitchEvent::StreamOffline { channel })
                    .await;
            }
            Stored::Unused => {}
        }
    }
}
