//! EventSub: how Twitch's notifications reach the app, over either transport (Twitch docs).
//!
//! * WebSocket ([`supervisor::EventSubSupervisor`] → [`ws`]): one connection per monitored channel,
//!   held by one instance at a time (a store lease per channel), subscribed with the broadcaster's
//!   user token, with the keepalive watchdog, the reconnect hand-over and backoff.
//! * Webhook ([`webhook::receive`]): signed POSTs, verified on the raw bytes; subscriptions made with
//!   the app token by the same supervisor, their status read back from Twitch, deleted on unwatch.
//!
//! * Conduit ([`conduit`]): one conduit for the app; subscriptions made once per channel with the
//!   app token; each instance serves WebSocket shards of it, under store leases.
//!
//! All write each notification to the durable [`inbox`] and acknowledge it at once; the inbox's
//! processor turns stored messages into [`app::ssr::events::TwitchEvent`]s ([`parse`]) for the
//! [`app::ssr::events::EventSink`], per channel in arrival order, and `stream.online`
//! ([`parse::stream`]) into the supervisor's queue ([`EventSubSupervisor::take_stream_online`]).
//! A message id seen before is stored once. The supervisor keeps each channel's state and each
//! subscription's status ([`subscriptions::status`]) and respects Twitch's limits
//! ([`subscriptions::limits`]).
//!
//! Folders: [`parse`] (Twitch's messages into typed values), [`ws`] (one WebSocket session and its
//! state machine), [`webhook`] (the signed POST route), [`subscriptions`] (creating, listing and
//! deleting subscriptions within Twitch's limits), [`supervisor`] (which channels are watched, by
//! which transport, under which lease) and [`inbox`] (the durable store between acknowledging and
//! acting).

use std::time::Duration;

pub mod backoff;
pub mod conduit;
pub mod inbox;
pub mod parse;
pub mod report;
pub mod subscriptions;
pub mod supervisor;
pub mod webhook;
pub mod ws;

pub use supervisor::{EventSubSupervisor, SupervisorDeps, SupervisorSettings, WebhookTarget};
pub use webhook::WebhookState;

/// Where Twitch posts webhook messages (the callback is `{PUBLIC_URL}{WEBHOOK_PATH}`).
pub const WEBHOOK_PATH: &str = "/api/webhooks/eventsub";

/// How long a message id is remembered: beyond the 10 minutes after which messages are stale.
pub const MESSAGE_ID_TTL: Duration = Duration::from_secs(11 * 60);
