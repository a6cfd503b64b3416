//! Live events relayed between instances: `live_events/{event id}`, created once by the
//! publisher and read back by time. The poll filters and orders on `at` alone, which Firestore's
//! automatic single-field index serves (no composite index). Each document carries `expires_at`
//! (`at` + the retention), so the shared purge deletes it, and a TTL policy on that field can as
//! well. Other instances hear of new events through Firestore listen ([`super::live_listen`]).

use app::model::ChannelId;
use app::ssr::store::{LiveEventFeed, LiveEventStore, RelayedEvent, LIVE_EVENT_RETENTION};
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use firestore::{FirestoreQueryDirection, FirestoreTimestamp};
use serde::{Deserialize, Serialize};

use super::support::{backend, decode, from_ts, key, plus, ts};
use super::FirestoreStore;

pub(super) const LIVE_EVENTS: &str = "live_events";

/// `live_events/{event id}`.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct LiveEventDoc {
    id: String,
    instance_id: String,
    channel_id: String,
    at: FirestoreTimestamp,
    expires_at: FirestoreTimestamp,
    event_json: String,
}

impl LiveEventDoc {
    fn new(e: &RelayedEvent) -> StoreResult<Self> {
        Ok(Self {
            id: e.id.clone(),
            instance_id: e.instance_id.clone(),
            channel_id: e.channel_id.0.clone(),
            at: ts(e.at)?,
            expires_at: ts(plus(e.at, LIVE_EVENT_RETENTION)?)?,
            event_json: e.event_json.clone(),
        })
    }

    pub(super) fn into_event(self) -> StoreResult<RelayedEvent> {
        Ok(RelayedEvent {
            at: from_ts(self.at)?,
            id: self.id,
            instance_id: self.instance_id,
            channel_id: ChannelId(self.channel_id),
            event_json: self.event_json,
        })
    }
}

#[async_trait]
impl LiveEventStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn append_live_event(&self, event: &RelayedEvent) -> StoreResult<()> {
        let doc = LiveEventDoc::new(event)?;
        if self
            .create_doc(LIVE_EVENTS, &key(&[&event.id]), &doc)
            .await?
        {
            Ok(())
        } else {
            Err(StoreError::Conflict(
                "a live event with this id exists".into(),
            ))
        }
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn live_events_since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<RelayedEvent>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let since = ts(since)?;
        let docs = self
            .db
            .fluent()
            .select()
            .from(LIVE_EVENTS)
            .filter(|q| q.for_all([q.field("at").greater_than_or_equal(since)]))
            .order(|o| o.fields([o.field("at").direction(FirestoreQueryDirection::Ascending)]))
            .limit(limit)
            .query()
            .await
            .map_err(backend)?;
        let mut events = docs
            .iter()
            .map(|d| decode::<LiveEventDoc>(d)?.into_event())
            .collect::<StoreResult<Vec<_>>>()?;
        events.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        Ok(events)
    }

    /// Firestore listen pushes each new event ([`super::live_listen`]).
    async fn watch_live_events(&self, since: DateTime<Utc>) -> StoreResult<Option<LiveEventFeed>> {
        super::live_listen::watch(self, since).await.map(Some)
    }
}
