//! The inbox's per-channel store leases (`inbox:{channel}`). A lease is kept for a short while
//! after the channel's messages are handled, so a busy channel costs no lease write per message:
//! it is taken once, renewed every third of its lifetime while in use, and given back once the
//! channel has been idle for [`IDLE`] (or at shutdown). Another instance storing a message for a
//! channel whose lease this one keeps has it handled here: the sweep finds it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::Store;
use chrono::Utc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How long a lease is kept after its channel's last message.
pub(super) const IDLE: Duration = Duration::from_secs(3);
/// First and longest pause between attempts at a lease another instance holds.
const RETRY: (Duration, Duration) = (Duration::from_millis(100), Duration::from_secs(2));

/// How this instance came to hold a lease.
pub(super) enum Lease {
    /// Held all along since this instance last worked on the channel.
    Kept,
    /// Taken now: another instance may have worked on the channel meanwhile.
    Taken,
}

struct Held {
    renewed: Instant,
    used: Instant,
}

pub(super) struct Leases {
    store: Arc<dyn Store>,
    holder: String,
    ttl: Duration,
    held: Mutex<HashMap<ChannelId, Held>>,
}

fn name(channel: &ChannelId) -> String {
    format!("inbox:{channel}")
}

impl Leases {
    pub fn new(store: Arc<dyn Store>, holder: String, ttl: Duration) -> Self {
        Self {
            store,
            holder,
            ttl,
            held: Mutex::default(),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelId, Held>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether this instance holds the channel's lease with most of its lifetime left; marks
    /// it in use.
    fn fresh(&self, channel: &ChannelId) -> bool {
        let mut held = self.held();
        match held.get_mut(channel) {
            Some(h) if h.renewed.elapsed() < self.ttl / 3 => {
                h.used = Instant::now();
                true
            }
            _ => false,
        }
    }

    /// One attempt at taking or renewing the lease.
    async fn acquire(&self, channel: &ChannelId) -> Result<bool, app::ssr::StoreError> {
        let now = Instant::now();
        let taken = self
            .store
            .acquire_lease(&name(channel), &self.holder, Utc::now(), self.ttl)
            .await?;
        let mut held = self.held();
        if taken {
            held.insert(
                channel.clone(),
                Held {
                    renewed: now,
                    used: now,
                },
            );
        } else {
            held.remove(channel);
        }
        Ok(taken)
    }

    /// Takes the channel's lease (or finds it kept), retrying while another instance holds it and
    /// messages wait. `None` when there is nothing (left) to do, or the store fails (the sweep
    /// retries).
    pub async fn take(&self, channel: &ChannelId, cancel: &CancellationToken) -> Option<Lease> {
        if self.fresh(channel) {
            return Some(Lease::Kept);
        }
        let mut pause = RETRY.0;
        loop {
            match self.acquire(channel).await {
                Ok(true) => return Some(Lease::Taken),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(%channel, error = %e, "cannot take the inbox lease");
                    return None;
                }
            }
            match self.store.inbox_pending(channel, 1).await {
                Ok(pending) if !pending.is_empty() => {}
                _ => return None,
            }
            tokio::select! {
                () = cancel.cancelled() => return None,
                () = tokio::time::sleep(pause) => {}
            }
            pause = (pause * 2).min(RETRY.1);
        }
    }

    /// Renews the lease every third of its lifetime while the channel is worked on; returns once
    /// it is lost (another holder has it, or it could not be renewed for a whole lifetime).
    pub async fn keep(&self, channel: &ChannelId) {
        let mut renewed = Instant::now();
        loop {
            tokio::time::sleep(self.ttl / 3).await;
            match self.acquire(channel).await {
                Ok(true) => renewed = Instant::now(),
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(%channel, error = %e, "cannot renew the inbox lease");
                    if renewed.elapsed() >= self.ttl {
                        self.held().remove(channel);
                        return;
                    }
                }
            }
        }
    }

    /// Marks the channel's lease in use now (its worker is done with it for the moment).
    pub fn used(&self, channel: &ChannelId) {
        if let Some(h) = self.held().get_mut(channel) {
            h.used = Instant::now();
        }
    }

    /// Gives back the leases of channels idle for [`IDLE`] that `busy` does not name; all of
    /// them when `idle` is zero (shutdown).
    pub async fn release_idle(&self, idle: Duration, busy: impl Fn(&ChannelId) -> bool) {
        let idle_ones: Vec<ChannelId> = {
            let mut held = self.held();
            let ids: Vec<ChannelId> = held
                .iter()
                .filter(|(c, h)| h.used.elapsed() >= idle && !busy(c))
                .map(|(c, _)| c.clone())
                .collect();
            for id in &ids {
                held.remove(id);
            }
            ids
        };
        for channel in idle_ones {
            if let Err(e) = self
                .store
                .release_lease(&name(&channel), &self.holder)
                .await
            {
                tracing::warn!(%channel, error = %e, "cannot release the inbox lease");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;

    #[tokio::test]
    async fn a_kept_lease_is_given_back_once_idle_and_then_another_instance_takes_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/leases.db", dir.path().display());
        let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
        let ttl = Duration::from_secs(30);
        let a = Leases::new(store.clone(), "a".into(), ttl);
        let b = Leases::new(store.clone(), "b".into(), ttl);
        let channel = ChannelId("100".into());
        let cancel = CancellationToken::new();
        assert!(matches!(
            a.take(&channel, &cancel).await,
            Some(Lease::Taken)
        ));
        assert!(matches!(a.take(&channel, &cancel).await, Some(Lease::Kept)));
        a.used(&channel);
        // Kept while recently used or busy: the other instance has nothing to wait for here
        // (no pending message), so it gives up at once.
        a.release_idle(IDLE, |_| false).await;
        a.release_idle(Duration::ZERO, |_| true).await;
        assert!(b.take(&channel, &cancel).await.is_none());
        assert!(a.fresh(&channel), "still held, no store write needed");
        a.release_idle(Duration::ZERO, |_| false).await;
        assert!(!a.fresh(&channel));
        assert!(b.take(&channel, &cancel).await.is_some());
    }
}
