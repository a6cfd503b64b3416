//! EventSub: how Twitch's notifications reach the app, over either transport (Twitch docs).
//!
//! * WebSocket ([`supervisor::EventSubSupervisor`] → [`ws`]): one connection per monitored channel,
//!   held by one instance at a time (a store lease per channel), subscribed with the broadcaster's
//!   user token, with the keepalive watchdog, the reconnect hand-over and backoff.
//! * Webhook ([`webhook::receive`]): signed POSTs, verified on the raw bytes; subscriptions made with
//!   the app token by the same supervisor, their status read back from Twitch, deleted on unwatch.
//!
//! Both write each notification to the durable [`inbox`] and acknowledge it at once; the inbox's
//! processor turns stored messages into [`app::ssr::events::TwitchEvent`]s ([`parse`]) for the
//! [`app::ssr::events::EventSink`], per channel in arrival order, and `stream.online`
//! ([`parse_stream`]) into the supervisor's queue ([`EventSubSupervisor::take_stream_online`]).
//! A message id seen before is stored once. The supervisor keeps each channel's state and each
//! subscription's status ([`status`]) and respects Twitch's limits ([`limits`]).

use std::time::Duration;

pub mod backoff;
pub mod inbox;
mod ingest;
mod intake_queue;
mod lease;
pub mod limits;
pub mod machine;
pub mod online;
pub mod parse;
pub mod parse_stream;
mod reconnect_url;
pub mod report;
mod session;
pub mod settings;
mod socket;
pub mod status;
pub mod subscribe;
pub mod subscribe_webhook;
pub mod subscriptions;
pub mod supervisor;
pub mod verify;
pub mod webhook;
pub mod ws;

pub use supervisor::{EventSubSupervisor, SupervisorDeps, SupervisorSettings, WebhookTarget};
pub use webhook::{WebhookState, WEBHOOK_PATH};

/// How long a message id is remembered: beyond the 10 minutes after which messages are stale.
pub const MESSAGE_ID_TTL: Duration = Duration::from_secs(11 * 60);

/// A monitored channel's EventSub state, for the dashboard and health.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum ChannelState {
    /// Connecting (or creating webhook subscriptions) for the first time.
    Connecting,
    /// Subscribed; events flow.
    Connected,
    /// A hand-over or a reconnect after a drop is under way.
    Reconnecting,
    /// The last attempt failed for this reason; another follows after a backoff.
    Failed(String),
    /// Stopped: the broadcaster must log in again.
    NeedsReauth,
    /// Another instance holds the channel's socket (lease); this one takes over if it goes.
    Standby,
}

impl ChannelState {
    /// A short name for health reports and logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Reconnecting => "reconnecting",
            Self::Failed(_) => "failed",
            Self::NeedsReauth => "needs_reauth",
            Self::Standby => "standby",
        }
    }
}
