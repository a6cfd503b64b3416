//! Live events pushed to the relay by Firestore listen: one listen target, the query "every
//! `live_events` document published at or after the start", kept open by the `firestore` crate's
//! listener. A dropped stream is opened again with its resume token (kept in memory), so only
//! what changed in between comes; a listen Firestore cannot resume sends the query's current
//! documents again, which the relay recognises by id or age. Deletions (the purge) are ignored.

use app::ssr::store::{LiveEventFeed, RelayedEvent};
use app::ssr::StoreResult;
use chrono::{DateTime, Utc};
use firestore::{
    FirestoreListenEvent, FirestoreListenerParams, FirestoreListenerTarget,
    FirestoreMemListenStateStorage,
};
use tokio::sync::mpsc;

use super::live_events::{LiveEventDoc, LIVE_EVENTS};
use super::support::{backend, decode, ts};
use super::FirestoreStore;

/// Pushed events waiting for the relay; when it lags, the listener waits for it.
const WAITING: usize = 1024;
/// The one target of the listen stream.
const TARGET: u32 = 1;
/// How long the listener waits before it opens a dropped stream again.
const RETRY: std::time::Duration = std::time::Duration::from_millis(500);

/// Starts listening to the live events published at or after `since`.
pub(super) async fn watch(
    store: &FirestoreStore,
    since: DateTime<Utc>,
) -> StoreResult<LiveEventFeed> {
    let params = FirestoreListenerParams::new().with_retry_delay(RETRY);
    let mut listener = store
        .db
        .create_listener_with_params(FirestoreMemListenStateStorage::new(), params)
        .await
        .map_err(backend)?;
    let since = ts(since)?;
    store
        .db
        .fluent()
        .select()
        .from(LIVE_EVENTS)
        .filter(|q| q.for_all([q.field("at").greater_than_or_equal(since)]))
        .listen()
        .add_target(FirestoreListenerTarget::new(TARGET), &mut listener)
        .map_err(backend)?;
    let (pushed, events) = mpsc::channel(WAITING);
    listener
        .start(move |event| {
            let pushed = pushed.clone();
            async move {
                if let Some(event) = stored_event(event) {
                    // The relay has gone only when the feed was dropped, and the listener with it.
                    let _ = pushed.send(event).await;
                }
                Ok(())
            }
        })
        .await
        .map_err(backend)?;
    Ok(LiveEventFeed::new(events, Box::new(listener)))
}

/// The relayed event a listen event carries: a document added (or sent again), read whole.
fn stored_event(event: FirestoreListenEvent) -> Option<RelayedEvent> {
    let FirestoreListenEvent::DocumentChange(change) = event else {
        return None;
    };
    let doc = change.document?;
    match decode::<LiveEventDoc>(&doc).and_then(LiveEventDoc::into_event) {
        Ok(event) => Some(event),
        Err(e) => {
            tracing::warn!(error = %e, "a pushed live event is corrupt");
            None
        }
    }
}
