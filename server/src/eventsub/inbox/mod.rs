//! The durable inbox between EventSub's transports and the engine. Twitch expects a webhook's 2xx
//! within a few seconds and revokes subscriptions that keep it waiting (Twitch docs, "Handling
//! webhook events": "consider writing the event to temporary storage and processing the
//! notification after responding with 2XX"), and a WebSocket read loop must keep reading. So:
//!
//! * [`Intake`] (both transports): a verified, well-formed notification is stored
//!   ([`app::ssr::store::InboxStore::inbox_put`], which also drops a message id seen before), the
//!   processor is woken, and the transport acknowledges at once.
//! * [`InboxProcessor`] (a background task): per channel in arrival order, channels side by side
//!   under a bound, each channel's work under a store lease so that one instance at a time works
//!   on it. A message stays pending until it has been handled, so one stored before a crash is
//!   handled after the restart (at least once; the engine's own guards make grants exactly once).
//! * [`dispatch`]: what a stored message turns into — a domain event for the engine, a
//!   `stream.online` for the supervisor's queue, a revoked authorisation for both.

mod carried;
pub(crate) mod dispatch;
mod intake;
mod leases;
mod processor;

pub use dispatch::Targets;
pub use intake::{Intake, IntakeError};
pub use processor::{InboxProcessor, InboxSettings};

/// A fresh intake and the processor it wakes; spawn [`InboxProcessor::run`] once.
pub fn inbox(
    store: std::sync::Arc<dyn app::ssr::Store>,
    settings: InboxSettings,
) -> (Intake, InboxProcessor) {
    let (wake, woken) = tokio::sync::mpsc::unbounded_channel();
    (
        Intake::new(store.clone(), wake),
        InboxProcessor::new(store, settings, woken),
    )
}
