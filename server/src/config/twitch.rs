//! How the server reaches Twitch: credentials, base URLs (configurable, so the same binary runs
//! against real Twitch, the Twitch CLI's mock servers or the bundled simulator) and the EventSub
//! transport. Without `TWITCH_CLIENT_ID` the server runs in demo mode against the simulator.

use std::net::SocketAddr;

use anyhow::{bail, Context};
use secrecy::{ExposeSecret, SecretString};

use super::Lookup;

pub const DEFAULT_API_URL: &str = "https://api.twitch.tv/helix";
pub const DEFAULT_AUTH_URL: &str = "https://id.twitch.tv/oauth2";
pub const DEFAULT_EVENTSUB_WS_URL: &str = "wss://eventsub.wss.twitch.tv/ws";

/// How EventSub notifications reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSubTransport {
    /// The server holds one WebSocket per channel (works behind NAT, one instance at a time).
    WebSocket,
    /// Twitch posts to `{PUBLIC_URL}/api/webhooks/eventsub` (needs HTTPS on port 443).
    Webhook,
    /// One EventSub conduit for the app: subscriptions made once with the app token, each instance
    /// holding a WebSocket shard of it (no public URL needed; several instances).
    Conduit,
}

impl EventSubTransport {
    /// Subscriptions are made with the app access token (webhooks and conduits), so the app's chat
    /// bot can read chat; on WebSocket only the streamer's own token subscribes.
    pub fn uses_app_token(self) -> bool {
        matches!(self, Self::Webhook | Self::Conduit)
    }

    /// The name `EVENTSUB_TRANSPORT` gives it (and the status pages show).
    pub fn name(self) -> &'static str {
        match self {
            Self::WebSocket => "websocket",
            Self::Webhook => "webhook",
            Self::Conduit => "conduit",
        }
    }
}

/// The registered Twitch application.
#[derive(Debug, Clone)]
pub struct TwitchCredentials {
    pub client_id: String,
    pub client_secret: SecretString,
}

#[derive(Debug, Clone)]
pub struct TwitchConfig {
    /// `None`: demo mode, against the simulator started in-process.
    pub credentials: Option<TwitchCredentials>,
    pub api_url: String,
    pub auth_url: String,
    pub eventsub_ws_url: String,
    /// The address browsers and Twitch reach the server at (OAuth redirect, webhook callback).
    pub public_url: String,
    /// `PUBLIC_URL` was not set: [`Self::public_url`] follows the address the server listens on.
    pub public_url_derived: bool,
    pub eventsub_transport: EventSubTransport,
    pub webhook_secret: Option<SecretString>,
}

impl TwitchConfig {
    /// `firestore`: the store is shared by several instances, which makes `auto` the conduit.
    pub(super) fn from_lookup(
        env: Lookup<'_>,
        site_addr: SocketAddr,
        firestore: bool,
    ) -> anyhow::Result<Self> {
        let credentials = match (env("TWITCH_CLIENT_ID"), env("TWITCH_CLIENT_SECRET")) {
            (Some(client_id), Some(secret)) => Some(TwitchCredentials {
                client_id,
                client_secret: SecretString::from(secret),
            }),
            (None, None) => None,
            (Some(_), None) => bail!("TWITCH_CLIENT_SECRET is required with TWITCH_CLIENT_ID"),
            (None, Some(_)) => bail!("TWITCH_CLIENT_ID is required with TWITCH_CLIENT_SECRET"),
        };
        let public_url_derived = env("PUBLIC_URL").is_none();
        let public_url = env("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("PUBLIC_URL must start with http:// or https://");
        }
        let eventsub_transport = match env("EVENTSUB_TRANSPORT").as_deref().unwrap_or("auto") {
            "websocket" => EventSubTransport::WebSocket,
            "webhook" => EventSubTransport::Webhook,
            "conduit" => EventSubTransport::Conduit,
            "auto" if firestore => EventSubTransport::Conduit,
            "auto" if public_url.starts_with("https://") => EventSubTransport::Webhook,
            "auto" => EventSubTransport::WebSocket,
            other => bail!(
                "EVENTSUB_TRANSPORT must be websocket, webhook, conduit or auto, not `{other}`"
            ),
        };
        let webhook_secret = env("EVENTSUB_WEBHOOK_SECRET").map(SecretString::from);
        if let Some(secret) = &webhook_secret {
            let s = secret.expose_secret();
            if !(10..=100).contains(&s.len()) || !s.is_ascii() {
                bail!("EVENTSUB_WEBHOOK_SECRET must be 10 to 100 ASCII characters");
            }
        } else if eventsub_transport == EventSubTransport::Webhook && credentials.is_some() {
            bail!("EVENTSUB_WEBHOOK_SECRET is required for the webhook transport");
        }
        let url = |key: &str, default: &str| -> anyhow::Result<String> {
            let value = env(key).unwrap_or_else(|| default.to_owned());
            reqwest::Url::parse(&value).with_context(|| format!("{key} is not a URL"))?;
            Ok(value.trim_end_matches('/').to_owned())
        };
        Ok(Self {
            credentials,
            api_url: url("TWITCH_API_URL", DEFAULT_API_URL)?,
            auth_url: url("TWITCH_AUTH_URL", DEFAULT_AUTH_URL)?,
            eventsub_ws_url: url("TWITCH_EVENTSUB_WS_URL", DEFAULT_EVENTSUB_WS_URL)?,
            public_url,
            public_url_derived,
            eventsub_transport,
            webhook_secret,
        })
    }

    /// Without `PUBLIC_URL`, the public address is where the server really listens (port 0 resolved;
    /// all interfaces reached through loopback).
    pub fn follow_listen_addr(&mut self, addr: SocketAddr) {
        if self.public_url_derived {
            let host = if addr.ip().is_unspecified() {
                SocketAddr::from(([127, 0, 0, 1], addr.port()))
            } else {
                addr
            };
            self.public_url = format!("http://{host}");
        }
    }

    /// Demo mode: no Twitch application configured.
    pub fn is_demo(&self) -> bool {
        self.credentials.is_none()
    }

    /// Where Twitch sends the browser back after login.
    pub fn redirect_uri(&self) -> String {
        format!("{}/api/auth/callback", self.public_url)
    }

    /// Cookies get `Secure` when the public address is HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
