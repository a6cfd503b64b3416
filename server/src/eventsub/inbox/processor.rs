//! The inbox's consumer: one worker per channel with pending messages, at most
//! [`InboxSettings::channels_at_once`] at a time. A worker holds the store lease `inbox:{channel}`
//! ([`Leases`]) while it works, so that of several instances one at a time handles a channel's
//! messages, and takes them in arrival order: one viewer's messages one after another, different viewers'
//! side by side up to [`InboxSettings::per_channel`] (Twitch adds at most 10 VIPs per 10 s in a
//! channel anyway), channel-wide changes alone ([`Order::Barrier`]).
//!
//! Woken by the intake for new messages, and every [`InboxSettings::sweep_every`] (and at start)
//! it looks for channels with pending messages: those left by a process that died, or stored by
//! another instance while this one held the channel's lease.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::ChannelId;
use app::ssr::store::InboxMessage;
use app::ssr::Store;
use chrono::Utc;
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::Semaphore;
use tokio::task::{Id, JoinSet};
use tokio_util::sync::CancellationToken;

use super::carried::Carried;
use super::dispatch::{Order, Stored, Targets};
use super::leases::{Lease, Leases, IDLE};

/// Messages read from the store at a time per channel.
const BATCH: u32 = 50;
/// Channels looked up per sweep.
const SWEEP_LIMIT: u32 = 1_000;

#[derive(Debug, Clone)]
pub struct InboxSettings {
    /// This instance as a lease holder.
    pub holder: String,
    /// Channels worked on side by side.
    pub channels_at_once: usize,
    /// Messages of one channel (of different viewers) handled side by side.
    pub per_channel: usize,
    /// How often pending messages are looked for without a wake-up.
    pub sweep_every: Duration,
    /// How long a channel's lease lasts without renewal (renewed every third of it).
    pub lease_ttl: Duration,
}

impl InboxSettings {
    pub fn new(holder: impl Into<String>) -> Self {
        Self {
            holder: holder.into(),
            channels_at_once: 32,
            per_channel: 10,
            sweep_every: Duration::from_secs(5),
            lease_ttl: Duration::from_secs(30),
        }
    }
}

/// Spawned once per server: [`Self::run`].
pub struct InboxProcessor {
    store: Arc<dyn Store>,
    settings: InboxSettings,
    woken: UnboundedReceiver<InboxMessage>,
}

struct Shared {
    store: Arc<dyn Store>,
    targets: Targets,
    settings: InboxSettings,
    leases: Leases,
    carried: Carried,
    permits: Semaphore,
    cancel: CancellationToken,
}

impl InboxProcessor {
    pub(super) fn new(
        store: Arc<dyn Store>,
        settings: InboxSettings,
        woken: UnboundedReceiver<InboxMessage>,
    ) -> Self {
        Self {
            store,
            settings,
            woken,
        }
    }

    /// Handles pending messages until `cancel` fires; then waits for the messages in hand.
    pub async fn run(mut self, targets: Targets, cancel: CancellationToken) {
        let shared = Arc::new(Shared {
            store: self.store.clone(),
            targets,
            leases: Leases::new(
                self.store.clone(),
                self.settings.holder.clone(),
                self.settings.lease_ttl,
            ),
            carried: Carried::default(),
            permits: Semaphore::new(self.settings.channels_at_once.max(1)),
            settings: self.settings.clone(),
            cancel: cancel.clone(),
        });
        let mut workers = Workers::default();
        let mut sweep = tokio::time::interval(self.settings.sweep_every);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut idle = tokio::time::interval(IDLE);
        idle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                () = cancel.cancelled() => break,
                Some(message) = self.woken.recv() => {
                    let channel = message.channel_id.clone();
                    shared.carried.carry(message);
                    workers.schedule(&shared, channel);
                }
                Some(ended) = workers.set.join_next_with_id(), if !workers.set.is_empty() => {
                    let id = match ended {
                        Ok((id, ())) => id,
                        Err(e) => {
                            tracing::error!(error = %e, "an inbox worker failed");
                            e.id()
                        }
                    };
                    workers.ended(&shared, id);
                }
                _ = sweep.tick() => {
                    match self.store.inbox_channels(SWEEP_LIMIT).await {
                        Ok(channels) => {
                            for channel in channels {
                                // Pending there may be what this instance never saw.
                                shared.carried.unknown(&channel);
                                workers.schedule(&shared, channel);
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "cannot look for pending EventSub messages"),
                    }
                }
                _ = idle.tick() => {
                    shared.leases.release_idle(IDLE, |c| workers.busy.contains_key(c)).await;
                }
            }
        }
        while workers.set.join_next().await.is_some() {}
        shared.leases.release_idle(Duration::ZERO, |_| false).await;
    }
}

/// The running workers, one per channel at most.
#[derive(Default)]
struct Workers {
    set: JoinSet<()>,
    channels: HashMap<Id, ChannelId>,
    /// Channels with a worker, and whether they were woken again meanwhile.
    busy: HashMap<ChannelId, bool>,
}

impl Workers {
    fn schedule(&mut self, shared: &Arc<Shared>, channel: ChannelId) {
        if let Some(again) = self.busy.get_mut(&channel) {
            *again = true;
            return;
        }
        self.busy.insert(channel.clone(), false);
        let handle = self.set.spawn(work(shared.clone(), channel.clone()));
        self.channels.insert(handle.id(), channel);
    }

    fn ended(&mut self, shared: &Arc<Shared>, id: Id) {
        let Some(channel) = self.channels.remove(&id) else {
            return;
        };
        if self.busy.remove(&channel) == Some(true) && !shared.cancel.is_cancelled() {
            self.schedule(shared, channel);
        }
    }
}

/// One channel: take its lease (or find it kept), handle its pending messages until none are
/// left; the lease is given back once the channel has been idle a while ([`Leases`]).
async fn work(shared: Arc<Shared>, channel: ChannelId) {
    let Ok(_permit) = shared.permits.acquire().await else {
        return;
    };
    match shared.leases.take(&channel, &shared.cancel).await {
        Some(Lease::Kept) => {}
        // Another instance may have worked on the channel since this one last did.
        Some(Lease::Taken) => shared.carried.unknown(&channel),
        None => {
            // Whoever holds it handles the channel's messages, from the store.
            shared.carried.forget(&channel);
            return;
        }
    }
    let drained = drain(&shared, &channel);
    tokio::pin!(drained);
    tokio::select! {
        biased;
        () = &mut drained => {}
        () = shared.leases.keep(&channel) => {
            tracing::warn!(%channel, "lost the inbox lease; finishing the messages in hand");
            drained.await;
        }
    }
    shared.leases.used(&channel);
}

/// Handles the channel's pending messages, batch by batch, until none are left.
async fn drain(shared: &Shared, channel: &ChannelId) {
    while !shared.cancel.is_cancelled() {
        let batch = match shared.carried.take_if_known(channel) {
            Some(carried) => carried,
            None => match shared.store.inbox_pending(channel, BATCH).await {
                Ok(batch) => {
                    shared
                        .carried
                        .read(channel, &batch, batch.len() < BATCH as usize);
                    batch
                }
                Err(e) => {
                    tracing::warn!(%channel, error = %e, "cannot read the EventSub inbox");
                    return;
                }
            },
        };
        if batch.is_empty() {
            return;
        }
        let full = batch.len() >= BATCH as usize;
        handle_batch(shared, batch).await;
        // A short batch was all there was: what the intake stores meanwhile wakes the channel
        // again, and what other instances store the sweep finds.
        if !full {
            return;
        }
    }
}

/// One batch in arrival order, as [`Order`] allows.
async fn handle_batch(shared: &Shared, batch: Vec<InboxMessage>) {
    let mut running = FuturesUnordered::new();
    let mut keys: Vec<String> = Vec::new();
    let per_channel = shared.settings.per_channel.max(1);
    for message in batch {
        if shared.cancel.is_cancelled() {
            break;
        }
        let stored = match Stored::from_message(&message) {
            Ok(stored) => stored,
            Err(reason) => {
                tracing::error!(message_id = %message.message_id, %reason,
                    "unreadable message in the EventSub inbox; skipped");
                done(shared, &message.message_id).await;
                continue;
            }
        };
        match stored.order(&message.message_id) {
            Order::Barrier => {
                while running.next().await.is_some() {}
                keys.clear();
                handle(shared, stored, &message.message_id).await;
            }
            Order::Key(key) => {
                while keys.contains(&key) || running.len() >= per_channel {
                    let Some(finished) = running.next().await else {
                        break;
                    };
                    keys.retain(|k| *k != finished);
                }
                keys.push(key.clone());
                running.push(async move {
                    handle(shared, stored, &message.message_id).await;
                    key
                });
            }
        }
    }
    while running.next().await.is_some() {}
}

async fn handle(shared: &Shared, stored: Stored, message_id: &str) {
    shared.targets.handle(stored).await;
    done(shared, message_id).await;
}

async fn done(shared: &Shared, message_id: &str) {
    if let Err(e) = shared.store.inbox_done(message_id, Utc::now()).await {
        // Handled again later; the engine's guards make that harmless.
        tracing::warn!(message_id, error = %e, "cannot mark an EventSub message handled");
    }
    shared.carried.handled(message_id, Instant::now());
}
