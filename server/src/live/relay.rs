//! The live relay: live events reach the dashboards of every instance sharing one store, not
//! only those of the instance where the change happened.
//!
//! [`LiveRelay`] is the [`LiveBus`] the use cases publish to. It hands each event to the local
//! [`LiveHub`] at once and queues it for a writer task that appends it to the store. A poller task
//! reads, while this instance has open dashboards, the events of the last few seconds
//! ([`LOOKBACK`]: clocks and commit order differ between instances) and hands those published
//! elsewhere, once each, to the local hub. Both tasks end when the server's token is cancelled.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::model::LiveEvent;
use app::ssr::live::LiveBus;
use app::ssr::store::RelayedEvent;
use app::ssr::{Store, StoreResult};
use chrono::{DateTime, Utc};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::LiveHub;

/// Events waiting for the writer; beyond this a publish drops the event for other instances
/// (never blocks the publisher).
const OUTBOX: usize = 1024;
/// How far back each poll reads. Longer than the time from publish to a committed record plus
/// the clock difference between instances; each event is still delivered once.
pub const LOOKBACK: Duration = Duration::from_secs(2);
/// Events read per query; a full page is followed by the next one.
const PAGE: u32 = 500;

/// Who this instance is and how often it reads the others' events.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Unique among the instances running at one time (the EventSub lease holder name).
    pub instance_id: String,
    pub poll_every: Duration,
}

/// A [`LiveBus`] for instances that share a store: local dashboards first, then the store.
pub struct LiveRelay {
    hub: LiveHub,
    instance_id: Arc<str>,
    outbox: mpsc::Sender<RelayedEvent>,
}

impl LiveRelay {
    /// Relays through `store`, delivering to `hub`; the writer and the poller run on `tasks`
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
        let inbox = Inbox::new(settings.instance_id, LOOKBACK);
        tasks.spawn(poll(store, hub, inbox, settings.poll_every, cancel.clone()));
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

/// Every `every`, while some channel is watched here, delivers the other instances' new events.
async fn poll(
    store: Arc<dyn Store>,
    hub: LiveHub,
    mut inbox: Inbox,
    every: Duration,
    cancel: CancellationToken,
) {
    let mut failing = false;
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
        if hub.watched() == 0 {
            continue;
        }
        let read = tokio::select! {
            () = cancel.cancelled() => return,
            read = read_new(store.as_ref(), &hub, &mut inbox, Utc::now()) => read,
        };
        match read {
            Ok(_) if failing => {
                failing = false;
                tracing::info!("live relay reads the store again");
            }
            Ok(_) => {}
            // One warning per outage, not one per poll.
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "live relay cannot read the store; retrying");
            }
            Err(e) => tracing::debug!(error = %e, "live relay still cannot read the store"),
        }
    }
}

/// Reads the window ending `now` page by page and publishes what is new to `hub`; returns how
/// many events it delivered.
async fn read_new(
    store: &dyn Store,
    hub: &LiveHub,
    inbox: &mut Inbox,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let mut since = inbox.since(now);
    let mut delivered = 0;
    loop {
        let page = store.live_events_since(since, PAGE).await?;
        let full = page.len() >= PAGE as usize;
        // A full page continues from its last instant (repeats are skipped); a page of one
        // instant only cannot advance, so the read stops there.
        let next = page.last().map(|e| e.at).filter(|at| full && *at > since);
        for event in inbox.take(page) {
            match serde_json::from_str::<LiveEvent>(&event.event_json) {
                Ok(live) => {
                    hub.publish(live);
                    delivered += 1;
                }
                Err(e) => {
                    tracing::warn!(error = %e, id = %event.id, "a relayed live event is corrupt")
                }
            }
        }
        match next {
            Some(at) => since = at,
            None => return Ok(delivered),
        }
    }
}

/// The poller's memory: which events it read are new to this instance. Events published here
/// are skipped (the local hub had them at once), and each other event is taken once, however
/// many polls read it. Ids are forgotten once they fall out of the window the next read
/// covers, so memory stays bounded by the events of one lookback.
#[derive(Debug)]
struct Inbox {
    own: String,
    lookback: chrono::Duration,
    /// Where the last read started; never moves back, even when the clock does.
    floor: Option<DateTime<Utc>>,
    /// Delivered ids with their publish times.
    delivered: HashMap<String, DateTime<Utc>>,
}

impl Inbox {
    fn new(own: String, lookback: Duration) -> Self {
        Self {
            own,
            lookback: chrono::Duration::from_std(lookback).unwrap_or(chrono::Duration::MAX),
            floor: None,
            delivered: HashMap::new(),
        }
    }

    /// Where a read at `now` starts: `now - lookback`, but never before the previous start.
    /// Forgets the ids published before it (that read cannot return them).
    fn since(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        let window = now
            .checked_sub_signed(self.lookback)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let since = self.floor.map_or(window, |floor| floor.max(window));
        self.floor = Some(since);
        self.delivered.retain(|_, at| *at >= since);
        since
    }

    /// The events of `read` published elsewhere and not taken before, in their order.
    fn take(&mut self, read: Vec<RelayedEvent>) -> Vec<RelayedEvent> {
        let mut fresh = Vec::new();
        for event in read {
            if event.instance_id != self.own && !self.delivered.contains_key(&event.id) {
                self.delivered.insert(event.id.clone(), event.at);
                fresh.push(event);
            }
        }
        fresh
    }
}

#[cfg(test)]
mod tests;
