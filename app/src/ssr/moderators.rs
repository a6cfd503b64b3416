//! Who moderates each channel, as Twitch last said: one Get Moderators call answers every access
//! check of a channel for [`MODERATORS_TTL`], so a signed-in stranger asking again and again for a
//! channel they do not moderate costs its streamer at most one Helix call per period. EventSub's
//! `channel.moderator.add` and `channel.moderator.remove` forget a channel's list at once on the
//! instance that handles them; other instances notice within the period.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::twitch::{TwitchApi, TwitchError};
use crate::model::ChannelId;

/// How long a channel's moderator list is trusted without an EventSub event saying it changed.
pub const MODERATORS_TTL: Duration = Duration::from_secs(120);

/// One channel's list: the moderators' user ids and when Twitch gave them.
struct Known {
    ids: Vec<String>,
    at: Instant,
}

/// The channel's slot; its async lock makes concurrent checks of one channel share one call.
type Slot = Arc<tokio::sync::Mutex<Option<Known>>>;

/// Moderator lists per channel, fetched on demand through the Twitch port.
pub struct ModeratorCache {
    twitch: Arc<dyn TwitchApi>,
    ttl: Duration,
    slots: Mutex<HashMap<ChannelId, Slot>>,
}

impl ModeratorCache {
    pub fn new(twitch: Arc<dyn TwitchApi>) -> Self {
        Self::with_ttl(twitch, MODERATORS_TTL)
    }

    pub fn with_ttl(twitch: Arc<dyn TwitchApi>, ttl: Duration) -> Self {
        Self {
            twitch,
            ttl,
            slots: Mutex::new(HashMap::new()),
        }
    }

    fn slot(&self, channel: &ChannelId) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(channel.clone()).or_default().clone()
    }

    /// Whether `user_id` moderates `channel`, from the list when it is fresh, else from Twitch.
    ///
    /// # Errors
    /// Twitch's error when the list is stale and cannot be fetched (nothing is cached then).
    pub async fn is_moderator(
        &self,
        channel: &ChannelId,
        user_id: &str,
    ) -> Result<bool, TwitchError> {
        let slot = self.slot(channel);
        let mut known = slot.lock().await;
        let fresh = known.as_ref().is_some_and(|k| k.at.elapsed() < self.ttl);
        if !fresh {
            let moderators = self.twitch.moderators(channel).await?;
            *known = Some(Known {
                ids: moderators.into_iter().map(|m| m.id).collect(),
                at: Instant::now(),
            });
        }
        Ok(known
            .as_ref()
            .is_some_and(|k| k.ids.iter().any(|id| id == user_id)))
    }

    /// Forgets `channel`'s list (its moderators changed): the next check asks Twitch. Waits for a
    /// fetch in progress, so a list read before the change is not kept.
    pub async fn forget(&self, channel: &ChannelId) {
        let slot = self.slot(channel);
        *slot.lock().await = None;
    }
}
