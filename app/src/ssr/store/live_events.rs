//! Live events relayed between instances (the live relay), so that every instance's dashboards
//! hear of every change.

use std::any::Any;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::StoreResult;
use crate::model::ChannelId;

/// How long relayed live events are kept:
/// [`CoordinationStore::purge_expired`](super::CoordinationStore::purge_expired) deletes older
/// ones. Far longer than any instance looks back, short enough that the records stay few.
pub const LIVE_EVENT_RETENTION: Duration = Duration::from_secs(10 * 60);

/// A live event as one instance leaves it in the store for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayedEvent {
    /// Unique per event, chosen by the publisher.
    pub id: String,
    /// The instance that published it; it does not read its own events back.
    pub instance_id: String,
    /// The channel the event is about.
    pub channel_id: ChannelId,
    /// When it was published, by the publisher's clock.
    pub at: DateTime<Utc>,
    /// The `LiveEvent` as JSON, stored as it is.
    pub event_json: String,
}

/// Relayed events pushed by the store as they are stored ([`LiveEventStore::watch_live_events`]).
/// The push lasts as long as the feed: dropping it ends it.
pub struct LiveEventFeed {
    events: mpsc::Receiver<RelayedEvent>,
    /// What keeps the push going (a backend's listener); dropped with the feed.
    _source: Box<dyn Any + Send>,
}

impl LiveEventFeed {
    /// A feed reading `events`, pushed by `source` for as long as the feed lives.
    pub fn new(events: mpsc::Receiver<RelayedEvent>, source: Box<dyn Any + Send>) -> Self {
        Self {
            events,
            _source: source,
        }
    }

    /// The next pushed event; `None` once the push has ended for good.
    pub async fn next(&mut self) -> Option<RelayedEvent> {
        self.events.recv().await
    }
}

/// The live relay's part of the storage port.
#[async_trait]
pub trait LiveEventStore: Send + Sync {
    /// Stores a live event for the other instances to read.
    ///
    /// # Errors
    /// [`StoreError::Conflict`](super::StoreError::Conflict) when an event with this id exists.
    async fn append_live_event(&self, event: &RelayedEvent) -> StoreResult<()>;
    /// Relayed events published at or after `since`, oldest first, at most `limit` (events of one
    /// instant come in no particular order). An indexed query: its cost does not grow with the
    /// number of older events.
    async fn live_events_since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<RelayedEvent>>;
    /// Relayed events published at or after `since`: those stored already, then each new one as
    /// it is stored, in no guaranteed order, possibly more than once after the push was
    /// interrupted; `None` when the backend cannot push, and the relay reads
    /// [`live_events_since`](Self::live_events_since) instead.
    ///
    /// # Errors
    /// When the backend can push but the push cannot be set up.
    async fn watch_live_events(&self, since: DateTime<Utc>) -> StoreResult<Option<LiveEventFeed>>;
}
