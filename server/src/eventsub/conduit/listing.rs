//! One app-wide listing of the client's subscriptions, shared by every channel this instance
//! holds, so the steady-state check costs one Get EventSub Subscriptions per page (100
//! subscriptions), whatever the number of channels (Twitch API reference, "Get EventSub
//! Subscriptions": it "gets a list of EventSub subscriptions that the client in the access token
//! created"; with an app access token it "returns the subscriptions that use webhooks or
//! conduits"; every filter is optional; the list is paginated with the `after` cursor).
//!
//! A channel asks for a listing at most `max_age` old (half its check period) and fetched after
//! its own last change; the first asker that finds the last listing too old fetches every page,
//! the others wait for it and share its answer. Each fetch is indexed by broadcaster once, so a
//! channel's check reads its own subscriptions, not every channel's, and is let go once it is too
//! old to be served, not kept between rounds.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use app::model::ChannelId;
use serde_json::Value;
use tokio::sync::Mutex;

use super::classify::ConduitError;
use super::client::ConduitClient;
use crate::eventsub::subscriptions::Listed;

/// The broadcaster a conduit subscription is for (`None`: not on a conduit, or app-wide).
pub(super) fn conduit_broadcaster(sub: &Listed) -> Option<&str> {
    let on_conduit = sub.transport.get("method").and_then(Value::as_str) == Some("conduit");
    on_conduit
        .then(|| {
            sub.condition
                .get("broadcaster_user_id")
                .and_then(Value::as_str)
        })
        .flatten()
}

/// One fetch of the app-wide listing: its conduit subscriptions by broadcaster, each channel's in
/// listing order (the app-wide ones and any on another transport are no channel's to check).
pub struct Listing {
    by_channel: HashMap<String, Vec<Listed>>,
}

impl Listing {
    pub fn new(subs: Vec<Listed>) -> Self {
        let mut by_channel: HashMap<String, Vec<Listed>> = HashMap::new();
        for sub in subs {
            if let Some(channel) = conduit_broadcaster(&sub).map(str::to_owned) {
                by_channel.entry(channel).or_default().push(sub);
            }
        }
        Self { by_channel }
    }

    /// The conduit subscriptions of `channel` (on any conduit of this client), in listing order.
    pub fn of_channel(&self, channel: &ChannelId) -> &[Listed] {
        self.by_channel
            .get(channel.as_str())
            .map_or(&[], Vec::as_slice)
    }
}

struct Snapshot {
    fetched: Instant,
    /// Alive while a check holds it or for `max_age` after the fetch ([`SharedListing::since`]).
    listing: Weak<Listing>,
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
    /// A listing is kept for `max_age` after its fetch and no longer: it holds every subscription
    /// of the app (70,000 at 10,000 channels, tens of megabytes), it cannot be served once older,
    /// and the checks that read it come in rounds minutes apart.
    ///
    /// # Errors
    /// When a page cannot be fetched (the next asker tries again).
    pub async fn since(
        &self,
        client: &ConduitClient,
        max_age: Duration,
        after: Option<Instant>,
    ) -> Result<Arc<Listing>, ConduitError> {
        self.fresh_or(max_age, after, || client.all_subscriptions())
            .await
    }

    async fn fresh_or<F, Fut>(
        &self,
        max_age: Duration,
        after: Option<Instant>,
        fetch: F,
    ) -> Result<Arc<Listing>, ConduitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Listed>, ConduitError>>,
    {
        let mut last = self.last.lock().await;
        let fresh =
            |s: &Snapshot| s.fetched.elapsed() <= max_age && after.is_none_or(|at| s.fetched >= at);
        if let Some(listing) = last
            .as_ref()
            .filter(|s| fresh(s))
            .and_then(|s| s.listing.upgrade())
        {
            return Ok(listing);
        }
        let fetched = Instant::now();
        let all = fetch().await?;
        tracing::debug!(count = all.len(), "listed the app's EventSub subscriptions");
        let listing = Arc::new(Listing::new(all));
        *last = Some(Snapshot {
            fetched,
            listing: Arc::downgrade(&listing),
        });
        // A timer holds it for its age; the checks still reading it hold it after that.
        let kept = listing.clone();
        tokio::spawn(async move {
            tokio::time::sleep(max_age).await;
            drop(kept);
        });
        Ok(listing)
    }

    /// Whether a listing is still held.
    #[cfg(test)]
    async fn held(&self) -> bool {
        let last = self.last.lock().await;
        last.as_ref().is_some_and(|s| s.listing.strong_count() > 0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;

    use super::*;

    fn sub(id: &str, method: &str, broadcaster: Option<&str>) -> Listed {
        let condition = match broadcaster {
            Some(b) => json!({ "broadcaster_user_id": b }),
            None => json!({ "client_id": "app" }),
        };
        serde_json::from_value(json!({
            "id": id, "type": "channel.vip.add", "status": "enabled",
            "condition": condition, "transport": { "method": method },
        }))
        .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_listing_is_shared_while_fresh_and_let_go_once_it_cannot_be_served() {
        let shared = SharedListing::default();
        let fetches = AtomicUsize::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            Ok(vec![sub("a1", "conduit", Some("a"))])
        };
        let max_age = Duration::from_secs(300);
        let first = shared.fresh_or(max_age, None, fetch).await.unwrap();
        let again = shared.fresh_or(max_age, None, fetch).await.unwrap();
        assert!(Arc::ptr_eq(&first, &again), "a fresh listing is shared");
        assert_eq!(fetches.load(Ordering::SeqCst), 1);

        // A channel that changed after the fetch needs a newer one.
        let changed = Instant::now();
        let newer = shared
            .fresh_or(max_age, Some(changed), fetch)
            .await
            .unwrap();
        assert!(!Arc::ptr_eq(&first, &newer));
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
        drop((first, again, newer));

        // Nobody holds it now, but it is kept for its age and served meanwhile.
        assert!(shared.held().await, "kept for its age");
        tokio::time::sleep(max_age / 2).await;
        let check = shared.fresh_or(max_age, None, fetch).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
        // Past its age it lives as long as the check that holds it, and no longer.
        tokio::time::sleep(max_age).await;
        assert!(shared.held().await, "a check still holds it");
        drop(check);
        assert!(!shared.held().await, "let go once no one can be served it");
        shared.fresh_or(max_age, None, fetch).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_channel_reads_its_own_conduit_subscriptions_in_listing_order() {
        let listing = Listing::new(vec![
            sub("a1", "conduit", Some("a")),
            sub("b1", "conduit", Some("b")),
            sub("app", "conduit", None),
            sub("a-hook", "webhook", Some("a")),
            sub("a2", "conduit", Some("a")),
        ]);
        let ids = |c: &str| {
            listing
                .of_channel(&ChannelId(c.into()))
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("a"), ["a1", "a2"]);
        assert_eq!(ids("b"), ["b1"]);
        assert!(ids("c").is_empty());
    }
}
