//! The live relay: live events reach the dashboards of every instance sharing one store, not
//! only those of the instance where the change happened.
//!
//! [`LiveRelay`] is the [`LiveBus`] the use cases publish to. It hands each event to the local
//! [`LiveHub`] at once and queues it for a writer task that appends it to the store. A reader
//! task hands the events published elsewhere, once each, to the local hub: pushed by the store
//! where it can push (Firestore listen, [`push`]), else polled ([`poll`]). Both tasks end when
//! the server's token is cancelled.

use std::sync::Arc;
use std::time::Duration;

use app::model::LiveEvent;
use app::ssr::live::LiveBus;
use app::ssr::store::RelayedEvent;
use app::ssr::Store;
use chrono::Utc;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::LiveHub;

mod inbox;
mod poll;
mod push;

pub use poll::LOOKBACK;

/// Events waiting for the writer; beyond this a publish drops the event for other instances
/// (never blocks the publisher).
const OUTBOX: usize = 1024;

/// Who this instance is and how often it reads the others' events.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Unique among the instances running at one time (the EventSub lease holder name).
    pub instance_id: String,
    /// How often the store is read when it cannot push.
    pub poll_every: Duration,
}

/// A [`LiveBus`] for instances that share a store: local dashboards first, then the store.
pub struct LiveRelay {
    hub: LiveHub,
    instance_id: Arc<str>,
    outbox: mpsc::Sender<RelayedEvent>,
}

impl LiveRelay {
    /// Relays through `store`, delivering to `hub`; the writer and the reader run on `tasks`
    /// until `cancel` fires.
    pub fn start(
        hub: LiveHub,
        store: Arc<dyn Store>,
        settings: RelaySettings,
        tasks: &TaskTracker,
        cancel: &CancellationToken,
    ) -> Self {
        let (relay, queued) = Self::new(hub.clone(), &settings.instance_id, OUTBOX);
        tasks.spawn(write(store.clone(), queued, cancel.clone()));
        tasks.spawn(read_others(store, hub, settings, cancel.clone()));
        relay
    }

    fn new(
        hub: LiveHub,
        instance_id: &str,
        capacity: usize,
    ) -> (Self, mpsc::Receiver<RelayedEvent>) {
        let (outbox, queued) = mpsc::channel(capacity);
        let relay = Self {
            hub,
            instance_id: instance_id.into(),
            outbox,
        };
        (relay, queued)
    }
}

impl LiveBus for LiveRelay {
    fn publish(&self, event: LiveEvent) {
        let json = serde_json::to_string(&event);
        let channel_id = event.channel_id.clone();
        self.hub.publish(event);
        let event_json = match json {
            Ok(json) => json,
            Err(e) => {
                tracing::error!(error = %e, "a live event does not serialise");
                return;
            }
        };
        let record = RelayedEvent {
            id: uuid::Uuid::new_v4().to_string(),
            instance_id: self.instance_id.to_string(),
            channel_id,
            at: Utc::now(),
            event_json,
        };
        match self.outbox.try_send(record) {
            Ok(()) | Err(TrySendError::Closed(_)) => {}
            Err(TrySendError::Full(record)) => tracing::warn!(
                channel = %record.channel_id,
                "live relay queue full: an event reaches only this instance's dashboards"
            ),
        }
    }
}

/// Appends queued events to the store, one at a time. A failed write is logged and dropped:
/// dashboards on other instances catch up on their next load.
async fn write(
    store: Arc<dyn Store>,
    mut queued: mpsc::Receiver<RelayedEvent>,
    cancel: CancellationToken,
) {
    loop {
        let mut event = tokio::select! {
            () = cancel.cancelled() => return,
            next = queued.recv() => match next {
                Some(event) => event,
                None => return,
            },
        };
        // Stamped when written, not when published: an event that waited in the queue must still
        // fall inside the window the other instances read next.
        event.at = Utc::now();
        let written = tokio::select! {
            () = cancel.cancelled() => return,
            written = store.append_live_event(&event) => written,
        };
        if let Err(e) = written {
            tracing::warn!(error = %e, "a live event could not be relayed to other instances");
        }
    }
}

/// Delivers the other instances' events to `hub`: as the store pushes them, or, where it cannot
/// (or its push ended), by polling it.
async fn read_others(
    store: Arc<dyn Store>,
    hub: LiveHub,
    settings: RelaySettings,
    cancel: CancellationToken,
) {
    let RelaySettings {
        instance_id,
        poll_every,
    } = settings;
    match store.watch_live_events(Utc::now() - LOOKBACK).await {
        Ok(Some(feed)) => {
            tracing::info!("live relay: the store pushes the other instances' events");
            match push::listen(feed, &hub, instance_id.clone(), &cancel).await {
                push::Ended::Cancelled => return,
                push::Ended::PushGone => {
                    tracing::warn!("live relay: the store's push ended; polling it instead");
                }
            }
        }
        Ok(None) => tracing::info!(every = ?poll_every, "live relay: polling the store"),
        Err(e) => {
            tracing::warn!(error = %e, "live relay: the store's push cannot start; polling it")
        }
    }
    poll::poll(store.as_ref(), &hub, instance_id, poll_every, &cancel).await;
}

/// Publishes a relayed event to this instance's dashboards; whether it could be read.
fn deliver(hub: &LiveHub, event: &RelayedEvent) -> bool {
    match serde_json::from_str::<LiveEvent>(&event.event_json) {
        Ok(live) => {
            hub.publish(live);
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, id = %event.id, "a relayed live event is corrupt");
            false
        }
    }
}

#[cfg(test)]
mod tests;
