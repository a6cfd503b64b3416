//! EventSub JSON → [`TwitchEvent`]. Pure: no I/O, no clock.
//!
//! Own serde structs rather than `twitch_api::eventsub`: the app reads a handful of fields of ten
//! types, unknown fields and a missing `subscription.cost` (Twitch's own `channel.vip.add` example,
//! which twitch_api 0.8 rejects) must not lose an event, and the same structs serve both transports.

pub mod chat;
pub mod stream;

use std::ops::RangeInclusive;
use std::time::Duration;

use app::model::{ChannelId, Viewer};
use app::ssr::events::TwitchEvent;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const REDEMPTION_ADD: &str = "channel.channel_points_custom_reward_redemption.add";
pub const VIP_ADD: &str = "channel.vip.add";
pub const VIP_REMOVE: &str = "channel.vip.remove";
pub const MODERATOR_ADD: &str = "channel.moderator.add";
pub const MODERATOR_REMOVE: &str = "channel.moderator.remove";
pub const REWARD_UPDATE: &str = "channel.channel_points_custom_reward.update";
pub const REWARD_REMOVE: &str = "channel.channel_points_custom_reward.remove";
pub const USER_AUTHORIZATION_REVOKE: &str = "user.authorization.revoke";
pub const SUBSCRIBE: &str = "channel.subscribe";
pub const SUBSCRIPTION_GIFT: &str = "channel.subscription.gift";
pub const CHEER: &str = "channel.cheer";
pub const RESUBSCRIPTION: &str = "channel.subscription.message";
pub const BITS_USE: &str = "channel.bits.use";

/// The per-channel subscription types (all version 1, condition `broadcaster_user_id`).
pub const CHANNEL_TYPES: [&str; 7] = [
    REDEMPTION_ADD,
    VIP_ADD,
    VIP_REMOVE,
    MODERATOR_ADD,
    MODERATOR_REMOVE,
    REWARD_UPDATE,
    REWARD_REMOVE,
];

/// Per-channel types (version 1, condition `broadcaster_user_id`) subscribed only while the
/// channel has the matching grant rule on and its token carries the scope (see `subscribe`).
pub const RULE_TYPES: [&str; 5] = [
    SUBSCRIBE,
    SUBSCRIPTION_GIFT,
    RESUBSCRIPTION,
    CHEER,
    BITS_USE,
];

/// The revocation status meaning "the user took the app's authorisation away".
pub const AUTHORIZATION_REVOKED: &str = "authorization_revoked";

/// The keepalive timeouts Twitch documents (10 to 600 seconds; it clamps requested values).
pub const KEEPALIVE_SECONDS: RangeInclusive<u64> = 10..=600;

/// A welcome's keepalive timeout, clamped to [`KEEPALIVE_SECONDS`] as Twitch does: the silence
/// deadline is computed from it, and a huge value would overflow that arithmetic.
fn keepalive(seconds: u64) -> Duration {
    Duration::from_secs(seconds.clamp(*KEEPALIVE_SECONDS.start(), *KEEPALIVE_SECONDS.end()))
}

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("malformed EventSub JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("EventSub message without {0}")]
    Missing(&'static str),
}

/// The `subscription` object, as far as the app reads it (`cost`, `transport` are ignored).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Subscription {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub condition: Map<String, Value>,
}

impl Subscription {
    pub fn broadcaster(&self) -> Option<&str> {
        self.condition
            .get("broadcaster_user_id")
            .and_then(Value::as_str)
    }

    /// The broadcaster whose grant this subscription rested on alone, for its revocation: `None`
    /// when its condition also names another user whose authorisation it needs (`user_id`, the
    /// chat bot reading a channel's chat with the app token). An `authorization_revoked` does not
    /// say whose grant went, and a bot's withdrawal must not stop the streamer's channel; the
    /// streamer's own revokes their other subscriptions too.
    pub fn revoked_broadcaster(&self) -> Option<&str> {
        self.broadcaster()
            .filter(|_| !read_by_another(&self.condition))
    }
}

/// Whether a subscription's `condition` names, beside its broadcaster, another user whose grant it
/// rests on (`user_id`: the account reading a channel's chat).
pub fn read_by_another(condition: &Map<String, Value>) -> bool {
    let field = |key: &str| condition.get(key).and_then(Value::as_str);
    field("user_id").is_some_and(|reader| Some(reader) != field("broadcaster_user_id"))
}

/// `payload` of a notification: the subscription and its raw event.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Notification {
    pub subscription: Subscription,
    pub event: Value,
}

/// One WebSocket message.
#[derive(Debug, Clone, PartialEq)]
pub struct WsMessage {
    pub id: String,
    pub timestamp: DateTime<Utc>,
    pub kind: WsKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WsKind {
    Welcome {
        session_id: String,
        keepalive: Option<Duration>,
    },
    Keepalive,
    Notification(Notification),
    Reconnect {
        url: String,
    },
    Revocation(Subscription),
    /// A message type this client does not know; ignored.
    Other(String),
}

/// One webhook request body, by `Twitch-Eventsub-Message-Type`.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookMessage {
    Challenge {
        challenge: String,
        subscription: Subscription,
    },
    Notification(Notification),
    Revocation(Subscription),
    Other(String),
}

#[derive(Deserialize)]
struct Envelope {
    metadata: Metadata,
    #[serde(default)]
    payload: Value,
}

#[derive(Deserialize)]
struct Metadata {
    message_id: String,
    message_type: String,
    message_timestamp: DateTime<Utc>,
}

#[derive(Deserialize)]
struct SessionPayload {
    session: Session,
}

#[derive(Deserialize)]
struct Session {
    id: String,
    keepalive_timeout_seconds: Option<u64>,
    reconnect_url: Option<String>,
}

#[derive(Deserialize)]
struct SubscriptionPayload {
    subscription: Subscription,
}

#[derive(Deserialize)]
struct ChallengeBody {
    challenge: String,
    subscription: Subscription,
}

fn from<T: DeserializeOwned>(value: Value) -> Result<T, ParseError> {
    Ok(serde_json::from_value(value)?)
}

/// Parses one WebSocket text frame.
///
/// # Errors
/// [`ParseError`] when the frame is not an EventSub message of the documented shape.
pub fn parse_ws(text: &str) -> Result<WsMessage, ParseError> {
    let env: Envelope = serde_json::from_str(text)?;
    let kind = match env.metadata.message_type.as_str() {
        "session_welcome" => {
            let s = from::<SessionPayload>(env.payload)?.session;
            WsKind::Welcome {
                session_id: s.id,
                keepalive: s.keepalive_timeout_seconds.map(keepalive),
            }
        }
        "session_keepalive" => WsKind::Keepalive,
        "session_reconnect" => {
            let s = from::<SessionPayload>(env.payload)?.session;
            WsKind::Reconnect {
                url: s
                    .reconnect_url
                    .ok_or(ParseError::Missing("reconnect_url"))?,
            }
        }
        "notification" => WsKind::Notification(from(env.payload)?),
        "revocation" => WsKind::Revocation(from::<SubscriptionPayload>(env.payload)?.subscription),
        other => WsKind::Other(other.to_owned()),
    };
    Ok(WsMessage {
        id: env.metadata.message_id,
        timestamp: env.metadata.message_timestamp,
        kind,
    })
}

/// Parses a webhook body (already authenticated) of the given message type.
///
/// # Errors
/// [`ParseError`] when the body is not JSON of the documented shape.
pub fn parse_webhook(message_type: &str, body: &[u8]) -> Result<WebhookMessage, ParseError> {
    Ok(match message_type {
        "webhook_callback_verification" => {
            let b: ChallengeBody = serde_json::from_slice(body)?;
            WebhookMessage::Challenge {
                challenge: b.challenge,
                subscription: b.subscription,
            }
        }
        "notification" => WebhookMessage::Notification(serde_json::from_slice(body)?),
        "revocation" => WebhookMessage::Revocation(
            serde_json::from_slice::<SubscriptionPayload>(body)?.subscription,
        ),
        other => {
            serde_json::from_slice::<Value>(body)?;
            WebhookMessage::Other(other.to_owned())
        }
    })
}

#[derive(Deserialize)]
struct UserEvent {
    broadcaster_user_id: String,
    user_id: String,
    #[serde(default)]
    user_login: Option<String>,
    #[serde(default)]
    user_name: Option<String>,
}

impl UserEvent {
    fn split(self) -> (ChannelId, Viewer) {
        let login = self.user_login.unwrap_or_default();
        let viewer = Viewer {
            id: self.user_id,
            display_name: self.user_name.unwrap_or_else(|| login.clone()),
            login,
        };
        (ChannelId(self.broadcaster_user_id), viewer)
    }
}

#[derive(Deserialize)]
struct RedemptionEvent {
    id: String,
    #[serde(flatten)]
    user: UserEvent,
    #[serde(default)]
    user_input: String,
    reward: RewardRef,
    redeemed_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct RewardRef {
    id: String,
}

#[derive(Deserialize)]
struct RewardEvent {
    id: String,
    broadcaster_user_id: String,
    #[serde(default)]
    is_enabled: bool,
    #[serde(default)]
    is_paused: bool,
}

#[derive(Deserialize)]
struct RevokeEvent {
    user_id: String,
}

/// The domain event a notification carries; `None` for types the app does not act on.
/// `message_id` (WebSocket metadata, or the webhook's `Twitch-Eventsub-Message-Id`) identifies
/// subscriptions, resubscriptions, gifts, cheers and other uses of bits, which have no id of their
/// own.
///
/// # Errors
/// [`ParseError`] when a known type's event lacks a field the app needs.
pub fn notification_event(
    message_id: &str,
    n: &Notification,
) -> Result<Option<TwitchEvent>, ParseError> {
    let event = n.event.clone();
    Ok(Some(match n.subscription.kind.as_str() {
        REDEMPTION_ADD => {
            let e: RedemptionEvent = from(event)?;
            let (channel, viewer) = e.user.split();
            TwitchEvent::Redemption {
                channel,
                redemption_id: e.id,
                reward_id: e.reward.id,
                viewer,
                user_input: e.user_input,
                redeemed_at: e.redeemed_at,
            }
        }
        VIP_ADD | VIP_REMOVE | MODERATOR_ADD | MODERATOR_REMOVE => {
            let (channel, viewer) = from::<UserEvent>(event)?.split();
            match n.subscription.kind.as_str() {
                VIP_ADD => TwitchEvent::VipAdded { channel, viewer },
                VIP_REMOVE => TwitchEvent::VipRemoved { channel, viewer },
                MODERATOR_ADD => TwitchEvent::ModeratorAdded { channel, viewer },
                _ => TwitchEvent::ModeratorRemoved { channel, viewer },
            }
        }
        REWARD_UPDATE => {
            let e: RewardEvent = from(event)?;
            TwitchEvent::RewardUpdated {
                channel: ChannelId(e.broadcaster_user_id),
                reward_id: e.id,
                enabled: e.is_enabled,
                paused: e.is_paused,
            }
        }
        REWARD_REMOVE => {
            let e: RewardEvent = from(event)?;
            TwitchEvent::RewardRemoved {
                channel: ChannelId(e.broadcaster_user_id),
                reward_id: e.id,
            }
        }
        USER_AUTHORIZATION_REVOKE => TwitchEvent::AuthorizationRevoked {
            user_id: from::<RevokeEvent>(event)?.user_id,
        },
        kind @ (SUBSCRIBE | SUBSCRIPTION_GIFT | CHEER) => support_event(kind, message_id, event)?,
        RESUBSCRIPTION => resub::resubscribed(message_id, event)?,
        BITS_USE => bits::bits_used(message_id, event)?,
        _ => return Ok(None),
    }))
}

/// The domain event a revocation means: only `authorization_revoked` of a subscription that
/// rested on the broadcaster's grant alone is one (the broadcaster took the app's access away,
/// [`Subscription::revoked_broadcaster`]); other reasons are just logged.
pub fn revocation_event(sub: &Subscription) -> Option<TwitchEvent> {
    (sub.status == AUTHORIZATION_REVOKED)
        .then(|| sub.revoked_broadcaster())
        .flatten()
        .map(|user_id| TwitchEvent::AuthorizationRevoked {
            user_id: user_id.to_owned(),
        })
}

mod support;
use support::support_event;

mod resub;

mod bits;

#[cfg(test)]
mod tests;
