//! What the public viewer page (`/c/{login}`) may show about a channel: names and time left only —
//! no Twitch ids, no sources, no who-granted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::VipSession;

/// A current VIP as anyone may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicVip {
    pub display_name: String,
    /// `None` for VIPs without an end (added on Twitch, or permanent) and for VIPs until the
    /// stream ends (`until_stream_end`) while the stream runs.
    pub expires_at: Option<DateTime<Utc>>,
    /// The VIP lasts until the stream ends.
    #[serde(default)]
    pub until_stream_end: bool,
}

impl From<&VipSession> for PublicVip {
    fn from(s: &VipSession) -> Self {
        Self {
            display_name: s.viewer.display_name.clone(),
            expires_at: s.expires_at,
            until_stream_end: s.ends_with_stream(),
        }
    }
}

/// A channel's public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicChannel {
    pub display_name: String,
    /// Soonest end first, VIPs without an end last.
    pub vips: Vec<PublicVip>,
    /// The server's clock when the page was made, so countdowns start from the same instant.
    pub now: DateTime<Utc>,
}
