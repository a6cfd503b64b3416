use serde::{Deserialize, Serialize};

use super::VipDuration;

/// What a repeat grant to a viewer who is already a timed VIP does. One rule, applied everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StackingRule {
    /// Add the new duration to the time left.
    #[default]
    Extend,
    /// Start over: now + the new duration.
    Reset,
}

/// What happens to a redemption when the channel has no free VIP slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotsFullPolicy {
    /// Cancel the redemption: Twitch returns the points.
    #[default]
    Refund,
    /// Queue the viewer (first in, first out) until a slot frees; refund after the maximum wait.
    Waitlist,
}

/// Chat message templates. Placeholders: `{viewer}`, `{duration}`, `{reason}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatTemplates {
    pub granted: String,
    pub extended: String,
    pub expired: String,
    pub refunded: String,
}

impl Default for ChatTemplates {
    fn default() -> Self {
        Self {
            granted: "{viewer} is now VIP for {duration}!".into(),
            extended: "{viewer}'s VIP was extended by {duration}.".into(),
            expired: "{viewer}'s VIP time is up. Thanks for the support!".into(),
            refunded:
                "Sorry {viewer}, VIP could not be granted ({reason}); your points were refunded."
                    .into(),
        }
    }
}

/// A channel's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub default_duration: VipDuration,
    pub stacking: StackingRule,
    /// Remove VIP when the time is up. Off: sessions still expire and the streamer is told, nobody is removed.
    pub auto_remove: bool,
    pub slots_full: SlotsFullPolicy,
    /// How long a waitlisted redemption waits before it is refunded.
    pub waitlist_max_wait: VipDuration,
    pub chat_enabled: bool,
    pub chat: ChatTemplates,
    pub moderators_can_manage: bool,
    pub public_page: bool,
    pub discord_webhook_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            default_duration: VipDuration::from_secs(24 * 3_600).expect("one day is valid"),
            stacking: StackingRule::default(),
            auto_remove: true,
            slots_full: SlotsFullPolicy::default(),
            waitlist_max_wait: VipDuration::from_secs(24 * 3_600).expect("one day is valid"),
            chat_enabled: true,
            chat: ChatTemplates::default(),
            moderators_can_manage: false,
            public_page: false,
            discord_webhook_url: None,
        }
    }
}
