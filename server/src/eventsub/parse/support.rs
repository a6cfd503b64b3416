//! Subscriptions, gifted subs and cheers (`channel.subscribe`, `channel.subscription.gift`,
//! `channel.cheer`): the events have no id of their own, so the EventSub message id goes with them.

use app::model::{ChannelId, Viewer};
use app::ssr::events::TwitchEvent;
use serde::Deserialize;
use serde_json::Value;

use super::{from, ParseError, SUBSCRIBE, SUBSCRIPTION_GIFT};

/// `channel.subscribe`, `channel.subscription.gift` and `channel.cheer` events: the user fields
/// are null when the gift or cheer is anonymous.
#[derive(Deserialize)]
struct SupportEvent {
    broadcaster_user_id: String,
    #[serde(flatten)]
    user: EventUser,
    #[serde(default)]
    is_anonymous: bool,
    #[serde(default)]
    is_gift: bool,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    total: Option<i64>,
    #[serde(default)]
    bits: Option<i64>,
}

/// An event's `user_id`, `user_login` and `user_name`: null (or absent) when anonymous.
#[derive(Deserialize)]
pub(super) struct EventUser {
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    user_login: Option<String>,
    #[serde(default)]
    user_name: Option<String>,
}

impl EventUser {
    /// The user, unless the id is missing or empty; the display name falls back to the login.
    pub(super) fn viewer(&self) -> Option<Viewer> {
        let id = self.user_id.clone().filter(|id| !id.is_empty())?;
        let login = self.user_login.clone().unwrap_or_default();
        Some(Viewer {
            id,
            display_name: self.user_name.clone().unwrap_or_else(|| login.clone()),
            login,
        })
    }
}

impl SupportEvent {
    /// The supporter, unless anonymous (or, defensively, without a user id).
    fn supporter(&self) -> Option<Viewer> {
        if self.is_anonymous {
            return None;
        }
        self.user.viewer()
    }
}

/// A count from an event: negative means malformed, beyond `u32` is capped.
pub(super) fn count(value: Option<i64>, field: &'static str) -> Result<u32, ParseError> {
    let value = value.ok_or(ParseError::Missing(field))?;
    if value < 0 {
        return Err(ParseError::Missing(field));
    }
    Ok(u32::try_from(value).unwrap_or(u32::MAX))
}

pub(super) fn support_event(
    kind: &str,
    message_id: &str,
    event: Value,
) -> Result<TwitchEvent, ParseError> {
    let e: SupportEvent = from(event)?;
    let channel = ChannelId(e.broadcaster_user_id.clone());
    let message_id = message_id.to_owned();
    Ok(match kind {
        SUBSCRIBE => TwitchEvent::Subscribed {
            viewer: e.supporter().ok_or(ParseError::Missing("user_id"))?,
            channel,
            message_id,
            tier: e.tier,
            is_gift: e.is_gift,
        },
        SUBSCRIPTION_GIFT => TwitchEvent::SubsGifted {
            gifter: e.supporter(),
            total: count(e.total, "total")?,
            channel,
            message_id,
            tier: e.tier,
        },
        _ => TwitchEvent::Cheered {
            viewer: e.supporter(),
            bits: count(e.bits, "bits")?,
            channel,
            message_id,
        },
    })
}
