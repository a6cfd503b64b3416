//! The per-channel store lease that lets exactly one of several instances sharing a store hold a
//! channel's EventSub socket. The holder renews it about every third of its lifetime while connected
//! and releases it when it stops; the others wait in [`EventSubConnection::Standby`] and take over when it
//! is released or lapses. An instance that cannot renew for a whole lifetime gives the socket up.

use std::future::Future;
use std::time::Duration;

use app::ssr::Store;
use chrono::Utc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::eventsub::backoff::Backoff;
use crate::eventsub::ws::{Outcome, Report};
use app::model::EventSubConnection;

/// Sleeps `delay`; returns `true` when `cancel` fired first.
pub(super) async fn sleep_or_cancel(delay: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        () = cancel.cancelled() => true,
        () = tokio::time::sleep(delay) => false,
    }
}

/// How long after a renewal the next one comes, for `unit` drawn uniformly from [0, 1): a third of
/// the lifetime, give or take a fifth of that. A thousand channels that took their leases at one
/// start would otherwise renew them in the same instant every time, a burst of store writes that a
/// VIP removal due then waits behind; drawn anew each time, the renewals spread out within a few
/// rounds. The longest wait (two fifths of the lifetime) still leaves three fifths of it for a
/// renewal that fails.
fn renew_after(ttl: Duration, unit: f64) -> Duration {
    (ttl / 3).mul_f64(0.8 + 0.4 * unit.clamp(0.0, 1.0))
}

pub(super) struct Lease<'a> {
    pub store: &'a dyn Store,
    /// E.g. `eventsub-ws:{channel id}`.
    pub name: String,
    pub holder: &'a str,
    pub ttl: Duration,
    /// Between attempts when the store fails.
    pub backoff: Backoff,
}

impl Lease<'_> {
    /// Runs `connection` (given a token that stops it) whenever this instance holds the lease,
    /// until it returns for a reason other than losing the lease, or `cancel` fires.
    pub async fn run<F, Fut>(
        &self,
        report: Report<'_>,
        cancel: &CancellationToken,
        connection: F,
    ) -> Outcome
    where
        F: Fn(CancellationToken) -> Fut,
        Fut: Future<Output = Outcome>,
    {
        let mut failures = 0u32;
        loop {
            match self
                .store
                .acquire_lease(&self.name, self.holder, Utc::now(), self.ttl)
                .await
            {
                Ok(true) => failures = 0,
                Ok(false) => {
                    report.state(EventSubConnection::Standby);
                    if sleep_or_cancel(self.ttl / 2, cancel).await {
                        return Outcome::Cancelled;
                    }
                    continue;
                }
                Err(e) => {
                    tracing::warn!(lease = %self.name, error = %e, "cannot take the lease");
                    report.state(EventSubConnection::Failed(format!(
                        "store unavailable: {e}"
                    )));
                    let delay = self.backoff.random_delay(failures);
                    failures = failures.saturating_add(1);
                    if sleep_or_cancel(delay, cancel).await {
                        return Outcome::Cancelled;
                    }
                    continue;
                }
            }
            let stop = cancel.child_token();
            let running = connection(stop.clone());
            tokio::pin!(running);
            let outcome = tokio::select! {
                outcome = &mut running => outcome,
                () = self.keep() => {
                    tracing::warn!(lease = %self.name, "lost the lease; another instance takes over");
                    stop.cancel();
                    running.await;
                    report.state(EventSubConnection::Standby);
                    continue;
                }
            };
            if let Err(e) = self.store.release_lease(&self.name, self.holder).await {
                tracing::warn!(lease = %self.name, error = %e, "cannot release the lease");
            }
            return outcome;
        }
    }

    /// Renews about every third of the lifetime ([`renew_after`]); returns once the lease is lost
    /// (another holder has it, or it could not be renewed for a whole lifetime).
    async fn keep(&self) {
        let mut renewed = Instant::now();
        loop {
            tokio::time::sleep(renew_after(self.ttl, rand::random::<f64>())).await;
            match self
                .store
                .acquire_lease(&self.name, self.holder, Utc::now(), self.ttl)
                .await
            {
                Ok(true) => renewed = Instant::now(),
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(lease = %self.name, error = %e, "cannot renew the lease");
                    if renewed.elapsed() >= self.ttl {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewals_spread_around_a_third_of_the_lifetime() {
        let ttl = Duration::from_secs(30);
        assert_eq!(renew_after(ttl, 0.0), Duration::from_secs(8));
        assert_eq!(renew_after(ttl, 0.5), Duration::from_secs(10));
        assert!(renew_after(ttl, 0.999_999) < Duration::from_secs(12));
        assert!(renew_after(ttl, 0.25) < renew_after(ttl, 0.75));
        // Never so late that a failed renewal could not be retried within the lifetime.
        assert!(renew_after(ttl, 7.0) * 2 < ttl);
    }
}
