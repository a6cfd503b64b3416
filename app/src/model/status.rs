use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the server reports about itself to the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerStatus {
    pub version: String,
    pub server_time: DateTime<Utc>,
    pub uptime_secs: u64,
    /// Running against the bundled simulated Twitch.
    pub demo: bool,
}
