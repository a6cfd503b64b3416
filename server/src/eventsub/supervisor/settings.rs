//! The supervisor's settings, from `TwitchConfig` plus defaults that tests shorten.

use std::time::Duration;

use secrecy::SecretString;

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

/// The default of [`SupervisorSettings::status_poll`].
pub const STATUS_POLL: Duration = Duration::from_secs(10 * 60);

impl SupervisorSettings {
    pub fn from_config(config: &TwitchConfig) -> Self {
        Self {
            transport: config.eventsub_transport,
            api_url: config.api_url.clone(),
            ws_url: config.eventsub_ws_url.clone(),
            webhook: config.webhook_secret.clone().map(|secret| WebhookTarget {
                callback: format!("{}{WEBHOOK_PATH}", config.public_url),
                secret,
            }),
            instance_id: uuid::Uuid::new_v4().to_string(),
            lease_ttl: Duration::from_secs(30),
            status_poll: STATUS_POLL,
            ws: WsOptions::default(),
        }
    }
}
