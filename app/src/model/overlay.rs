//! The OBS overlay as the settings page sees it: whether the channel has an overlay URL (and
//! since when), and a URL just made, shown once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where overlay URLs live: `/overlay/{secret}`.
pub const OVERLAY_PATH: &str = "/overlay/";

/// The channel's overlay link on the settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverlayLink {
    /// When the current URL was made; `None`: the channel has no overlay URL.
    pub created_at: Option<DateTime<Utc>>,
    /// A URL just made (`https://host/overlay/{secret}`, or only its path when the request did not
    /// say where it went): the only time it is shown.
    pub new_path: Option<String>,
}

/// Whether `secret` has the shape of an overlay secret: 64 lowercase hex digits.
pub fn is_overlay_secret(secret: &str) -> bool {
    secret.len() == 64
        && secret
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_64_lowercase_hex_digits_are_a_secret() {
        assert!(is_overlay_secret(&"0a".repeat(32)));
        assert!(!is_overlay_secret(&"0A".repeat(32)));
        assert!(!is_overlay_secret(&"0a".repeat(31)));
        assert!(!is_overlay_secret(&format!("{}g", "0".repeat(63))));
        assert!(!is_overlay_secret(""));
    }
}
