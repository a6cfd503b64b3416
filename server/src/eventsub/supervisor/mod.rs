//! [`EventSubSupervisor`]: one EventSub task per monitored channel, started by [`watch`] as soon as
//! a channel logs in (no restart needed) and stopped by [`unwatch`]. With the WebSocket transport a
//! task first takes the store lease `eventsub-ws:{channel}` (renewed while connected) so that of
//! several instances sharing a store exactly one holds a channel's socket; the others wait in
//! [`EventSubConnection::Standby`] and take over when the lease lapses. With the webhook transport a task
//! creates the channel's subscriptions with the app token and follows their status
//! ([`webhook_task`]); unwatching deletes them at Twitch. All tasks run under the server's
//! `CancellationToken` and `TaskTracker`. When a channel's grant rules (or the scopes behind them)
//! change, [`follow_rules`] ([`rules`]) watches it anew so the subscriptions for subs, gifts,
//! cheers and chat follow.
//!
//! The supervisor keeps, in memory, each channel's state and the status of each of its
//! subscriptions ([`subscriptions`]), and queues `stream.online` events for the one consumer that
//! [`take_stream_online`] hands them to.
//!
//! [`watch`]: EventSubSupervisor::watch
//! [`unwatch`]: EventSubSupervisor::unwatch
//! [`follow_rules`]: EventSubSupervisor::follow_rules
//! [`subscriptions`]: EventSubSupervisor::subscriptions
//! [`take_stream_online`]: EventSubSupervisor::take_stream_online

mod lease;
pub(crate) mod online;
pub mod settings;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use app::model::{ChannelId, SubscriptionStatus};
use app::ssr::events::EventSink;
use app::ssr::{Store, StoreResult};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::EventSubTransport;
use crate::eventsub::conduit::{Conduit, ConduitClient};
use crate::eventsub::inbox::Intake;
use crate::eventsub::parse::stream::StreamOnline;
use crate::eventsub::parse::{Subscription, AUTHORIZATION_REVOKED};
use crate::eventsub::report::Reporter;
use crate::eventsub::subscriptions::status::{disable_enabled, from_twitch, upsert};
use crate::eventsub::subscriptions::subscribe::{channel_rule_types, ChannelTypes};
use crate::eventsub::subscriptions::SubscriptionClient;
use crate::eventsub::ws::{self, Outcome, Report, WsContext};
use crate::twitch::tokens::TokenManager;
use app::model::EventSubConnection;
use lease::{sleep_or_cancel, Lease};
use online::OnlineQueue;
pub use settings::{SupervisorSettings, WebhookTarget};
pub use webhook_task::ROUNDS_AT_ONCE;

mod conduit_task;
mod rules;
mod webhook_task;

/// The adapters the supervisor uses.
pub struct SupervisorDeps {
    pub store: Arc<dyn Store>,
    /// Told of revoked authorisations.
    pub sink: Arc<dyn EventSink>,
    /// Where the sockets' notifications go.
    pub intake: Intake,
    pub tokens: Arc<TokenManager>,
    pub http: reqwest::Client,
}

struct Entry {
    state: EventSubConnection,
    generation: u64,
    cancel: CancellationToken,
    /// Cancelled when the task of this generation has ended.
    finished: CancellationToken,
    running: bool,
    /// The grant-rule and chat types (and chat reader) wanted when the task started (`None`
    /// until it has looked).
    rule_types: Option<ChannelTypes>,
    /// Each subscription as Twitch last reported it, ordered by type.
    subscriptions: Vec<SubscriptionStatus>,
}

struct Inner {
    settings: SupervisorSettings,
    ws: WsContext,
    /// Where `stream.online` events wait for their consumer.
    online: OnlineQueue,
    channels: Mutex<HashMap<ChannelId, Entry>>,
    /// The app's conduit (conduit transport only).
    conduit: Option<Conduit>,
    /// Webhook deletions under way after an unwatch (with an id each): a new task for the channel
    /// waits for them.
    cleanups: Arc<Mutex<HashMap<ChannelId, (u64, CancellationToken)>>>,
    generations: AtomicU64,
    /// Turns for a channel's round of creating (and verifying) its webhook or conduit
    /// subscriptions ([`webhook_task::ROUNDS_AT_ONCE`]).
    rounds: tokio::sync::Semaphore,
    cancel: CancellationToken,
    tasks: TaskTracker,
}

/// Keeps every watched channel's EventSub alive. Cheap to clone.
#[derive(Clone)]
pub struct EventSubSupervisor {
    inner: Arc<Inner>,
}

impl EventSubSupervisor {
    /// Builds the supervisor; tasks are spawned on `tasks` and stop when `cancel` fires.
    pub fn new(
        settings: SupervisorSettings,
        deps: SupervisorDeps,
        cancel: CancellationToken,
        tasks: TaskTracker,
    ) -> Self {
        let client_id = deps.tokens.oauth().client_id().to_owned();
        let conduit = (settings.transport == EventSubTransport::Conduit).then(|| {
            Conduit::new(ConduitClient::new(
                deps.http.clone(),
                &settings.api_url,
                deps.tokens.clone(),
            ))
        });
        let ws = WsContext {
            url: settings.ws_url.clone(),
            options: settings.ws.clone(),
            subscriptions: SubscriptionClient::new(deps.http, &settings.api_url, &client_id),
            tokens: deps.tokens,
            store: deps.store,
            sink: deps.sink,
            intake: deps.intake,
        };
        Self {
            inner: Arc::new(Inner {
                settings,
                ws,
                online: OnlineQueue::default(),
                channels: Mutex::default(),
                conduit,
                cleanups: Arc::default(),
                generations: AtomicU64::new(0),
                rounds: tokio::sync::Semaphore::new(webhook_task::ROUNDS_AT_ONCE),
                cancel,
                tasks,
            }),
        }
    }

    /// Starts monitoring: the app-wide `user.authorization.revoke` subscription (webhook transport)
    /// and every stored channel that does not need re-authorisation. Returns how many were watched.
    ///
    /// # Errors
    /// When the store cannot list the channels.
    pub async fn start(&self) -> StoreResult<usize> {
        if self.inner.settings.transport == EventSubTransport::Webhook {
            let inner = self.inner.clone();
            self.inner
                .tasks
                .spawn(async move { inner.app_subscriptions().await });
        }
        self.start_conduit();
        let channels = self.inner.ws.store.channels().await?;
        let mut watched = 0;
        for channel in channels.into_iter().filter(|c| !c.needs_reauth) {
            self.watch(channel.id);
            watched += 1;
        }
        Ok(watched)
    }

    /// Watches `channel` anew (closing its current connection first, keeping its webhook
    /// subscriptions), so that its subscriptions are made again from its current settings and scopes.
    pub fn rewatch(&self, channel: ChannelId) {
        self.inner.stop(&channel, None, false);
        self.watch(channel);
    }

    /// Monitors `channel` from now on (e.g. right after it logged in). A channel already watched
    /// is left alone; one that stopped (needs re-authorisation) is started again.
    pub fn watch(&self, channel: ChannelId) {
        let mut channels = self.inner.lock();
        if channels.get(&channel).is_some_and(|e| e.running) {
            return;
        }
        let generation = self.inner.generations.fetch_add(1, Ordering::Relaxed);
        let cancel = self.inner.cancel.child_token();
        let finished = CancellationToken::new();
        channels.insert(
            channel.clone(),
            Entry {
                state: EventSubConnection::Connecting,
                generation,
                cancel: cancel.clone(),
                finished: finished.clone(),
                running: true,
                rule_types: None,
                subscriptions: Vec::new(),
            },
        );
        drop(channels);
        tracing::info!(%channel, "watching the channel's EventSub");
        let inner = self.inner.clone();
        self.inner.tasks.spawn(async move {
            let _finished = finished.drop_guard();
            inner.channel_task(channel, generation, cancel).await;
        });
    }

    /// Stops monitoring `channel` (its socket is closed, its lease released; with the webhook
    /// transport its subscriptions are deleted at Twitch). A channel stopped because it needs
    /// re-authorisation keeps showing that state; any other is forgotten.
    pub fn unwatch(&self, channel: &ChannelId) {
        self.inner.stop(channel, None, true);
    }

    /// Whether subscriptions are delivered by webhook (they then use the app token, which
    /// changes the scopes chat commands need).
    pub fn transport(&self) -> EventSubTransport {
        self.inner.settings.transport
    }

    pub fn webhook_transport(&self) -> bool {
        self.inner.settings.transport.uses_app_token()
    }

    pub fn state(&self, channel: &ChannelId) -> Option<EventSubConnection> {
        self.inner.lock().get(channel).map(|e| e.state.clone())
    }

    /// Every known channel's state, ordered by channel id.
    pub fn states(&self) -> Vec<(ChannelId, EventSubConnection)> {
        let mut all: Vec<_> = self
            .inner
            .lock()
            .iter()
            .map(|(c, e)| (c.clone(), e.state.clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// The channel's subscriptions as Twitch last reported them, ordered by type (empty when the
    /// channel is not watched).
    pub fn subscriptions(&self, channel: &ChannelId) -> Vec<SubscriptionStatus> {
        self.inner
            .lock()
            .get(channel)
            .map(|e| e.subscriptions.clone())
            .unwrap_or_default()
    }

    /// The receiving end of the `stream.online` events of every channel; `None` once taken.
    pub fn take_stream_online(&self) -> Option<mpsc::Receiver<StreamOnline>> {
        self.inner.online.take_receiver()
    }

    /// Queues a `stream.online` event (from the inbox, already deduplicated).
    pub fn stream_online(&self, online: StreamOnline) {
        self.inner.online.push(online);
    }

    /// Twitch revoked a channel's subscription (webhook revocation): its status is recorded; an
    /// `authorization_revoked` of one that rested on the streamer's grant alone stops the channel,
    /// which needs re-authorisation. The chat bot's withdrawal revokes only the chat subscription
    /// it reads with, which stays shown as revoked.
    pub fn revoked(&self, sub: &Subscription) {
        let Some(channel) = sub.broadcaster().map(ChannelId::from) else {
            return;
        };
        if let Some(entry) = self.inner.lock().get_mut(&channel) {
            upsert(
                &mut entry.subscriptions,
                from_twitch(&sub.kind, &sub.id, &sub.status),
            );
        }
        if sub.status != AUTHORIZATION_REVOKED {
            return;
        }
        if sub.revoked_broadcaster().is_some() {
            self.authorization_revoked(&channel);
        } else {
            tracing::warn!(
                %channel,
                kind = %sub.kind,
                "the user reading this channel's chat withdrew the app's access; chat commands stop \
                 until that account connects the app again"
            );
        }
    }

    /// The broadcaster took the app's authorisation away (`user.authorization.revoke`): the
    /// channel stops and shows that it needs re-authorisation; its webhook subscriptions are deleted.
    pub fn authorization_revoked(&self, channel: &ChannelId) {
        if self.inner.lock().get(channel).is_some_and(|e| e.running) {
            tracing::warn!(%channel, "authorisation revoked; stopping the channel's EventSub");
            self.inner
                .stop(channel, Some("authorization revoked".into()), true);
        }
    }
}

/// Reports of the task of one generation of one channel (a newer task's entry is left alone).
struct ChannelReport<'a> {
    inner: &'a Inner,
    channel: &'a ChannelId,
    generation: u64,
}

impl ChannelReport<'_> {
    fn with_entry(&self, f: impl FnOnce(&mut Entry)) {
        if let Some(entry) = self
            .inner
            .lock()
            .get_mut(self.channel)
            .filter(|e| e.generation == self.generation)
        {
            f(entry);
        }
    }
}

impl Reporter for ChannelReport<'_> {
    fn state(&self, state: EventSubConnection) {
        self.with_entry(|e| e.state = state);
    }

    fn subscription(&self, status: SubscriptionStatus) {
        self.with_entry(|e| upsert(&mut e.subscriptions, status));
    }

    fn subscriptions_lost(&self, reason: &str) {
        self.with_entry(|e| disable_enabled(&mut e.subscriptions, reason));
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelId, Entry>> {
        self.channels.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops the channel's task. `needs_reauth` (a reason) leaves the channel in that state;
    /// otherwise a channel that does not need re-authorisation is forgotten. With `cleanup` and
    /// the webhook transport, its subscriptions are deleted at Twitch once the task has ended.
    fn stop(&self, channel: &ChannelId, needs_reauth: Option<String>, cleanup: bool) {
        let mut channels = self.lock();
        let Some(entry) = channels.get_mut(channel) else {
            return;
        };
        entry.cancel.cancel();
        entry.running = false;
        let finished = entry.finished.clone();
        if let Some(reason) = &needs_reauth {
            entry.state = EventSubConnection::NeedsReauth;
            disable_enabled(&mut entry.subscriptions, reason);
        }
        if entry.state != EventSubConnection::NeedsReauth {
            channels.remove(channel);
        }
        drop(channels);
        tracing::info!(%channel, "stopped watching the channel's EventSub");
        match self.settings.transport {
            EventSubTransport::Webhook if cleanup => self.spawn_cleanup(channel.clone(), finished),
            EventSubTransport::Conduit if cleanup => {
                self.spawn_conduit_cleanup(channel.clone(), finished);
            }
            _ => {}
        }
    }

    async fn channel_task(
        self: Arc<Self>,
        channel: ChannelId,
        generation: u64,
        cancel: CancellationToken,
    ) {
        let report = ChannelReport {
            inner: &self,
            channel: &channel,
            generation,
        };
        let webhook = self.settings.transport.uses_app_token();
        // The task lives as long as the channel is watched, and a future is as large as its
        // largest state: what runs once or for one transport is boxed, so a resting channel holds
        // only its own transport's state (the WebSocket session's is the largest).
        let rule_types = Box::pin(channel_rule_types(
            &*self.ws.store,
            &self.ws.tokens,
            &channel,
            webhook,
        ))
        .await;
        rule_types.log_gaps(&channel);
        report.with_entry(|e| e.rule_types = Some(rule_types));
        let outcome = match self.settings.transport {
            EventSubTransport::WebSocket => {
                Box::pin(self.websocket(&channel, &report, &cancel)).await
            }
            EventSubTransport::Webhook => Box::pin(self.webhook(&channel, &report, &cancel)).await,
            EventSubTransport::Conduit => Box::pin(self.conduit(&channel, &report, &cancel)).await,
        };
        match outcome {
            Outcome::Cancelled => report.with_entry(|e| e.running = false),
            Outcome::NeedsReauth(reason) => {
                tracing::warn!(%channel, %reason, "EventSub stopped: the channel needs re-authorisation");
                if let Err(e) = self.ws.store.set_needs_reauth(&channel, true).await {
                    tracing::warn!(%channel, error = %e, "cannot mark the channel as needing re-authorisation");
                }
                report.subscriptions_lost(&format!("stopped: {reason}"));
                report.with_entry(|e| {
                    e.state = EventSubConnection::NeedsReauth;
                    e.running = false;
                });
                // This task has ended for all the cleanup needs to know.
                let done = CancellationToken::new();
                done.cancel();
                match self.settings.transport {
                    EventSubTransport::Webhook => self.spawn_cleanup(channel.clone(), done),
                    EventSubTransport::Conduit => self.spawn_conduit_cleanup(channel.clone(), done),
                    EventSubTransport::WebSocket => {}
                }
            }
        }
    }

    /// WebSocket transport: the connection runs while this instance holds the channel's lease.
    async fn websocket(
        &self,
        channel: &ChannelId,
        report: Report<'_>,
        cancel: &CancellationToken,
    ) -> Outcome {
        let lease = Lease {
            store: &*self.ws.store,
            name: format!("eventsub-ws:{channel}"),
            holder: &self.settings.instance_id,
            ttl: self.settings.lease_ttl,
            backoff: self.settings.ws.backoff,
        };
        lease
            .run(report, cancel, |token| async move {
                ws::run(&self.ws, channel, report, &token).await
            })
            .await
    }
}
