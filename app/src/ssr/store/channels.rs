//! Channels: one per broadcaster who signed in, keyed by their Twitch user id.

use async_trait::async_trait;

use super::StoreResult;
use crate::model::{Channel, ChannelId, Settings};

/// The channels' part of the storage port.
#[async_trait]
pub trait ChannelStore: Send + Sync {
    /// Creates or fully replaces a channel, keyed by its Twitch user id. Twitch gives a login to one
    /// user at a time: another channel still holding this login (case-insensitively; its user was
    /// renamed and the name passed on) gives it up, its login becoming [`released_login`] until its
    /// user signs in again, so the new owner is never refused and the lookup finds them.
    async fn save_channel(&self, channel: &Channel) -> StoreResult<()>;
    async fn channel(&self, id: &ChannelId) -> StoreResult<Option<Channel>>;
    /// Looks a channel up by its login, case-insensitively.
    async fn channel_by_login(&self, login: &str) -> StoreResult<Option<Channel>>;
    /// Every channel, in no particular order.
    async fn channels(&self) -> StoreResult<Vec<Channel>>;
    /// Replaces a channel's settings only. Returns `false` when the channel does not exist.
    async fn update_settings(&self, id: &ChannelId, settings: &Settings) -> StoreResult<bool>;
    /// Sets or clears "needs re-authorisation" only. Returns `false` when the channel does not exist.
    async fn set_needs_reauth(&self, id: &ChannelId, needs_reauth: bool) -> StoreResult<bool>;
}

/// The login a channel holds after another user took its Twitch name: not a Twitch login (those
/// are letters, digits and `_`), unique per channel, replaced at that user's next sign-in.
pub fn released_login(id: &ChannelId) -> String {
    format!("~{}", id.as_str())
}
