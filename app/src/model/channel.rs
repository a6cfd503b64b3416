use serde::{Deserialize, Serialize};

use super::Settings;

/// A Twitch user id (the broadcaster's, for a channel). Opaque digits, compared as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChannelId(pub String);

impl ChannelId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ChannelId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ChannelId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// A streamer's channel as the app knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: ChannelId,
    pub login: String,
    pub display_name: String,
    pub profile_image_url: Option<String>,
    pub settings: Settings,
    /// The stored token was revoked or cannot be refreshed: the streamer must log in again.
    pub needs_reauth: bool,
}

/// A Twitch viewer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Viewer {
    pub id: String,
    pub login: String,
    pub display_name: String,
}
