//! The supervisor's settings, from `TwitchConfig` plus defaults that tests shorten.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::config::{EventSubTransport, TwitchConfig};
use crate::eventsub::ws::WsOptions;
use crate::eventsub::WEBHOOK_PATH;

/// Where Twitch posts webhook messages, and the secret they are signed with.
#[derive(Debug, Clone)]
pub struct WebhookTarget {
    pub callback: String,
    pub secret: SecretString,
}

#[derive(Debug, Clone)]
pub struct SupervisorSettings {
    pub transport: EventSubTransport,
    /// Helix base URL.
    pub api_url: String,
    /// EventSub WebSocket base URL.
    pub ws_url: String,
    /// Required for the webhook transport.
    pub webhook: Option<WebhookTarget>,
    /// Names this instance as a lease holder.
    pub instance_id: String,
    /// How long a channel's lease lasts without renewal (renewed every third of it).
    pub lease_ttl: Duration,
    /// How often the webhook subscriptions' status is read back from Twitch once all are enabled.
    pub status_poll: Duration,
    pub ws: WsOptions,
}

/// A version of the webhook secret for the callback URL (`?v=…`): 16 hex digits of an HMAC keyed
/// by the secret, which tell one secret from another and nothing about either. A rotated secret
/// gives another callback, so the subscriptions made with the old one are found and replaced.
pub fn callback_version(secret: &SecretString) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"EventSub webhook callback version");
    mac.finalize().into_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The default of [`SupervisorSettings::status_poll`].
pub const STATUS_POLL: Duration = Duration::from_secs(10 * 60);

impl SupervisorSettings {
    pub fn from_config(config: &TwitchConfig) -> Self {
        Self {
            transport: config.eventsub_transport,
            api_url: config.api_url.clone(),
            ws_url: config.eventsub_ws_url.clone(),
            webhook: config.webhook_secret.clone().map(|secret| WebhookTarget {
                callback: format!(
                    "{}{WEBHOOK_PATH}?v={}",
                    config.public_url,
                    callback_version(&secret)
                ),
                secret,
            }),
            instance_id: uuid::Uuid::new_v4().to_string(),
            lease_ttl: Duration::from_secs(30),
            status_poll: STATUS_POLL,
            ws: WsOptions::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_version_tells_secrets_apart_and_keeps_them() {
        let one = SecretString::from("first-webhook-secret-0123456789");
        let two = SecretString::from("second-webhook-secret-012345678");
        let v1 = callback_version(&one);
        assert_eq!(v1, callback_version(&one), "stable across restarts");
        assert_ne!(v1, callback_version(&two));
        assert_eq!(v1.len(), 16);
        assert!(v1.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!one.expose_secret().contains(&v1));
    }
}
