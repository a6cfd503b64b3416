//! Reading the other instances' events by polling the store, for backends that cannot push
//! (SQLite files shared by several processes): while this instance has open dashboards, every
//! `every` it reads the events of the last [`LOOKBACK`] (clocks and commit order differ between
//! instances) and delivers those it has not delivered yet.

use std::time::Duration;

use app::ssr::{Store, StoreResult};
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use super::inbox::Inbox;
use super::{deliver, LiveHub};

/// How far back each poll reads. Longer than the time from publish to a committed record plus
/// the clock difference between instances; each event is still delivered once.
pub const LOOKBACK: Duration = Duration::from_secs(2);
/// Events read per query; a full page is followed by the next one.
const PAGE: u32 = 500;

/// Every `every`, while some channel is watched here, delivers the other instances' new events.
pub(super) async fn poll(
    store: &dyn Store,
    hub: &LiveHub,
    own: String,
    every: Duration,
    cancel: &CancellationToken,
) {
    let mut inbox = Inbox::new(own, LOOKBACK);
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
            read = read_new(store, hub, &mut inbox, Utc::now()) => read,
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
            delivered += usize::from(deliver(hub, &event));
        }
        match next {
            Some(at) => since = at,
            None => return Ok(delivered),
        }
    }
}
