//! The store probe behind `GET /api/health`, run at most once per [`PROBE_EVERY`] however often
//! the endpoint is called: callers in between get the last result, and callers that arrive while a
//! probe runs wait for it instead of starting their own.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// How long a probe's result is served before the store is asked again.
pub const PROBE_EVERY: Duration = Duration::from_secs(5);

/// The last probe: when it ran and whether the store answered.
#[derive(Clone)]
pub struct HealthProbe {
    max_age: Duration,
    last: Arc<Mutex<Option<(Instant, bool)>>>,
}

impl Default for HealthProbe {
    fn default() -> Self {
        Self::new(PROBE_EVERY)
    }
}

impl HealthProbe {
    pub fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            last: Arc::new(Mutex::new(None)),
        }
    }

    /// The store's health: the last result while it is fresh, else `probe`'s.
    pub async fn store_ok<F>(&self, probe: impl FnOnce() -> F) -> bool
    where
        F: Future<Output = bool>,
    {
        let mut last = self.last.lock().await;
        if let Some((at, ok)) = *last {
            if at.elapsed() < self.max_age {
                return ok;
            }
        }
        let ok = probe().await;
        *last = Some((Instant::now(), ok));
        ok
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn the_store_is_probed_once_per_period_whatever_the_request_rate() {
        let probe = HealthProbe::new(Duration::from_secs(3600));
        let runs = Arc::new(AtomicUsize::new(0));
        let calls = (0..200).map(|_| {
            let (probe, runs) = (probe.clone(), runs.clone());
            tokio::spawn(async move {
                probe
                    .store_ok(|| async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        false
                    })
                    .await
            })
        });
        for call in calls.collect::<Vec<_>>() {
            assert!(!call.await.unwrap(), "the cached result is served");
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stale_result_is_probed_again() {
        let probe = HealthProbe::new(PROBE_EVERY);
        assert!(!probe.store_ok(|| async { false }).await);
        assert!(!probe.store_ok(|| async { true }).await, "still fresh");
        tokio::time::advance(PROBE_EVERY).await;
        assert!(probe.store_ok(|| async { true }).await);
    }
}
