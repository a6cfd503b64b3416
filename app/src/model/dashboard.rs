use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ChannelId, Reward, VipSession};

/// The signed-in user, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub login: String,
    pub display_name: String,
}

/// What the dashboard shows about a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub channel_id: ChannelId,
    pub login: String,
    pub display_name: String,
    pub needs_reauth: bool,
    /// Scopes the channel's settings need that its stored authorisation lacks, in the order the app
    /// asks for them: the streamer must log in again to grant them.
    pub missing_scopes: Vec<String>,
    /// Every active VIP: timed ones soonest first, external (manual or permanent) ones last.
    pub vips: Vec<VipSession>,
    pub rewards: Vec<Reward>,
    /// The server's clock when the page was made, so countdowns start from the same instant.
    pub now: DateTime<Utc>,
    /// What a grant posted just before this page (its redirect) did, in the streamer's language.
    #[serde(default)]
    pub just_granted: Option<String>,
}
