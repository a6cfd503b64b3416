//! A channel's Discord webhook URL is a secret (whoever holds it posts to the streamer's Discord):
//! both backends store it sealed with the token keys ([`TokenCipher::seal_text`], the channel id as
//! associated data), and open it when they read it. A URL stored in clear by an older version is
//! still read as is, and sealed the next time the settings are written.

use std::borrow::Cow;

use app::model::{ChannelId, Settings};
use app::ssr::{StoreError, StoreResult};

use crate::crypto::{TokenCipher, SEALED_TEXT};

/// What seals a channel's settings on their way into a backend and opens them on the way out.
/// Without a cipher (a store opened by hand, as in some tests), URLs are written as they are.
#[derive(Clone, Debug, Default)]
pub struct SettingsSeal(Option<TokenCipher>);

impl SettingsSeal {
    pub fn new(cipher: TokenCipher) -> Self {
        Self(Some(cipher))
    }

    /// The settings as stored: the Discord webhook URL sealed.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when sealing fails (it cannot in practice).
    pub fn seal<'a>(
        &self,
        channel: &ChannelId,
        settings: &'a Settings,
    ) -> StoreResult<Cow<'a, Settings>> {
        let (Some(cipher), Some(url)) = (&self.0, &settings.discord_webhook_url) else {
            return Ok(Cow::Borrowed(settings));
        };
        if url.starts_with(SEALED_TEXT) {
            return Ok(Cow::Borrowed(settings));
        }
        let sealed = cipher
            .seal_text(&owner(channel), url)
            .map_err(|e| StoreError::Backend(format!("sealing the Discord webhook: {e}")))?;
        let mut stored = settings.clone();
        stored.discord_webhook_url = Some(sealed);
        Ok(Cow::Owned(stored))
    }

    /// The settings as read: the Discord webhook URL opened (a clear one as it is). One that does
    /// not open (its key is no longer configured, or it was tampered with) is logged and left out,
    /// so the channel works on and the streamer can enter it again.
    pub fn open(&self, channel: &ChannelId, mut settings: Settings) -> Settings {
        let Some(stored) = &settings.discord_webhook_url else {
            return settings;
        };
        if !stored.starts_with(SEALED_TEXT) {
            return settings;
        }
        let opened = match &self.0 {
            Some(cipher) => cipher
                .open_text(&owner(channel), stored)
                .map_err(|e| e.to_string()),
            None => Err("no encryption key to open it with".to_owned()),
        };
        settings.discord_webhook_url = match opened {
            Ok(url) => Some(url),
            Err(e) => {
                tracing::error!(channel = %channel, error = %e, "the stored Discord webhook does not open; left out");
                None
            }
        };
        settings
    }
}

/// The associated data of a channel's sealed webhook: never the same as a token owner's.
fn owner(channel: &ChannelId) -> String {
    format!("discord_webhook:{}", channel.as_str())
}
