//! One app-wide listing of the client's subscriptions, shared by every channel this instance
//! holds, so the steady-state check costs one Get EventSub Subscriptions per page (100
//! subscriptions), whatever the number of channels (Twitch API reference, "Get EventSub
//! Subscriptions": it "gets a list of EventSub subscriptions that the client in the access token
//! created"; with an app access token it "returns the subscriptions that use webhooks or
//! conduits"; every filter is optional; the list is paginated with the `after` cursor).
//!
//! A channel asks for a listing at most `max_age` old (half its check period) and fetched after
//! its own last change; the first asker that finds the last listing too old fetches every page,
//! the others wait for it and share its answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::classify::ConduitError;
use super::client::ConduitClient;
use crate::eventsub::subscriptions::Listed;

struct Snapshot {
    fetched: Instant,
    subs: Arc<Vec<Listed>>,
}

/// The instance's shared listing. Cheap to clone; clones share it.
#[derive(Clone, Default)]
pub struct SharedListing {
    /// Held across a fetch, so concurrent askers wait for one fetch rather than each making one.
    last: Arc<Mutex<Option<Snapshot>>>,
}

impl SharedListing {
    /// Every subscription of the client, as listed at most `max_age` ago and after `after`.
    ///
    /// # Errors
    /// When a page cannot be fetched (the next asker tries again).
    pub async fn since(
        &self,
        client: &ConduitClient,
        max_age: Duration,
        after: Option<Instant>,
    ) -> Result<Arc<Vec<Listed>>, ConduitError> {
        let mut last = self.last.lock().await;
        let fresh = |s: &&Snapshot| {
            s.fetched.elapsed() <= max_age && after.is_none_or(|at| s.fetched >= at)
        };
        if let Some(snapshot) = last.as_ref().filter(fresh) {
            return Ok(snapshot.subs.clone());
        }
        let fetched = Instant::now();
        let subs = Arc::new(client.all_subscriptions().await?);
        tracing::debug!(
            count = subs.len(),
            "listed the app's EventSub subscriptions"
        );
        *last = Some(Snapshot {
            fetched,
            subs: subs.clone(),
        });
        Ok(subs)
    }
}
