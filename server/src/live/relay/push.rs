//! Reading the other instances' events as the store pushes them (Firestore listen): no reads
//! while nothing happens, and each event on its way at once. An event pushed again (after a
//! listen Firestore could not resume) is delivered once all the same, and one older than
//! [`WINDOW`] is not delivered at all: it is history, not news.

use std::time::Duration;

use app::ssr::store::LiveEventFeed;
use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::inbox::Inbox;
use super::{deliver, LiveHub};

/// How old a pushed event may be and still be news; ids are remembered this long.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Why pushing stopped.
pub(super) enum Ended {
    Cancelled,
    /// The store ended the push for good: the caller reads another way.
    PushGone,
}

/// Delivers every event `feed` pushes, until `cancel` fires or the push ends.
pub(super) async fn listen(
    mut feed: LiveEventFeed,
    hub: &LiveHub,
    own: String,
    cancel: &CancellationToken,
) -> Ended {
    let mut inbox = Inbox::new(own, WINDOW);
    loop {
        let pushed = tokio::select! {
            () = cancel.cancelled() => return Ended::Cancelled,
            pushed = feed.next() => pushed,
        };
        let Some(event) = pushed else {
            return Ended::PushGone;
        };
        if event.at < inbox.since(Utc::now()) {
            tracing::debug!(id = %event.id, "a live event pushed again long after: not delivered");
            continue;
        }
        for event in inbox.take(vec![event]) {
            deliver(hub, &event);
        }
    }
}
