//! [`EventSubSupervisor`]: one EventSub task per monitored channel, started by [`watch`] as soon as
//! a channel logs in (no restart needed) and stopped by [`unwatch`]. With the WebSocket transport a
//! task first takes the store lease `eventsub-ws:{channel}` (renewed while connected) so that of
//! several instances sharing a store exactly one holds a channel's socket; the others wait in
//! [`ChannelState::Standby`] and take over when the lease lapses. With the webhook transport a task
//! creates the channel's subscriptions with the app token. All tasks run under the server's
//! `CancellationToken` and `TaskTracker`. When a channel's grant rules (or the scopes behind them)
//! change, [`refresh_rules`] (polled every [`RULES_POLL`] after [`start`]) watches it anew so the
//! subscriptions for subs, gifts and cheers follow.
//!
//! [`watch`]: EventSubSupervisor::watch
//! [`unwatch`]: EventSubSupervisor::unwatch
//! [`refresh_rules`]: EventSubSupervisor::refresh_rules
//! [`start`]: EventSubSupervisor::start

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::events::EventSink;
use app::ssr::{Store, StoreResult};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::lease::{sleep_or_cancel, Lease};
pub use super::settings::{SupervisorSettings, WebhookTarget};
use super::subscribe::{
    channel_rule_types, subscribe_authorization_revoke, subscribe_webhook, SubscribeError,
};
use super::subscriptions::SubscriptionClient;
use super::ws::{self, Outcome, Report, WsContext};
use super::ChannelState;
use crate::config::EventSubTransport;
use crate::twitch::tokens::TokenManager;

/// How often watched channels' grant rules are compared with what their subscriptions were made for.
pub const RULES_POLL: Duration = Duration::from_secs(15);

/// The adapters the supervisor uses.
pub struct SupervisorDeps {
    pub store: Arc<dyn Store>,
    pub sink: Arc<dyn EventSink>,
    pub tokens: Arc<TokenManager>,
    pub http: reqwest::Client,
}

struct Entry {
    state: ChannelState,
    generation: u64,
    cancel: CancellationToken,
    running: bool,
    /// The grant-rule types wanted when the task started (`None` until it has looked).
    rule_types: Option<Vec<&'static str>>,
}

struct Inner {
    settings: SupervisorSettings,
    ws: WsContext,
    channels: Mutex<HashMap<ChannelId, Entry>>,
    generations: AtomicU64,
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
        let ws = WsContext {
            url: settings.ws_url.clone(),
            options: settings.ws.clone(),
            subscriptions: SubscriptionClient::new(deps.http, &settings.api_url, &client_id),
            tokens: deps.tokens,
            store: deps.store,
            sink: deps.sink,
        };
        Self {
            inner: Arc::new(Inner {
                settings,
                ws,
                channels: Mutex::default(),
                generations: AtomicU64::new(0),
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
        let channels = self.inner.ws.store.channels().await?;
        let mut watched = 0;
        for channel in channels.into_iter().filter(|c| !c.needs_reauth) {
            self.watch(channel.id);
            watched += 1;
        }
        let this = self.clone();
        self.inner.tasks.spawn(async move {
            loop {
                if sleep_or_cancel(RULES_POLL, &this.inner.cancel).await {
                    return;
                }
                this.refresh_rules().await;
            }
        });
        Ok(watched)
    }

    /// Watches `channel` anew (closing its current connection first), so that its subscriptions
    /// are made again from its current settings and scopes.
    pub fn rewatch(&self, channel: ChannelId) {
        self.unwatch(&channel);
        self.watch(channel);
    }

    /// Watches anew every running channel whose wanted grant-rule subscriptions (rules on and
    /// scopes granted) differ from those its task started with. Returns how many were.
    pub async fn refresh_rules(&self) -> usize {
        let running: Vec<(ChannelId, Option<Vec<&'static str>>)> = self
            .inner
            .lock()
            .iter()
            .filter(|(_, e)| e.running)
            .map(|(c, e)| (c.clone(), e.rule_types.clone()))
            .collect();
        let mut changed = 0;
        for (channel, started_with) in running {
            let Some(started_with) = started_with else {
                continue;
            };
            let now =
                channel_rule_types(&*self.inner.ws.store, &self.inner.ws.tokens, &channel).await;
            if now != started_with {
                tracing::info!(%channel, ?now, "grant rules changed; subscribing anew");
                self.rewatch(channel);
                changed += 1;
            }
        }
        changed
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
        channels.insert(
            channel.clone(),
            Entry {
                state: ChannelState::Connecting,
                generation,
                cancel: cancel.clone(),
                running: true,
                rule_types: None,
            },
        );
        drop(channels);
        tracing::info!(%channel, "watching the channel's EventSub");
        let inner = self.inner.clone();
        self.inner
            .tasks
            .spawn(async move { inner.channel_task(channel, generation, cancel).await });
    }

    /// Stops monitoring `channel` (its socket is closed, its lease released). A channel stopped
    /// because it needs re-authorisation keeps showing that state; any other is forgotten.
    pub fn unwatch(&self, channel: &ChannelId) {
        let mut channels = self.inner.lock();
        let Some(entry) = channels.get_mut(channel) else {
            return;
        };
        entry.cancel.cancel();
        entry.running = false;
        if entry.state != ChannelState::NeedsReauth {
            channels.remove(channel);
        }
        tracing::info!(%channel, "stopped watching the channel's EventSub");
    }

    pub fn state(&self, channel: &ChannelId) -> Option<ChannelState> {
        self.inner.lock().get(channel).map(|e| e.state.clone())
    }

    /// Every known channel's state, ordered by channel id.
    pub fn states(&self) -> Vec<(ChannelId, ChannelState)> {
        let mut all: Vec<_> = self
            .inner
            .lock()
            .iter()
            .map(|(c, e)| (c.clone(), e.state.clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelId, Entry>> {
        self.channels.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a state reported by the task of `generation` (a newer task's entry is left alone).
    fn set_state(&self, channel: &ChannelId, generation: u64, state: ChannelState, done: bool) {
        let mut channels = self.lock();
        if let Some(entry) = channels
            .get_mut(channel)
            .filter(|e| e.generation == generation)
        {
            entry.state = state;
            entry.running &= !done;
        }
    }

    async fn channel_task(
        self: Arc<Self>,
        channel: ChannelId,
        generation: u64,
        cancel: CancellationToken,
    ) {
        let report = |state: ChannelState| self.set_state(&channel, generation, state, false);
        let rule_types = channel_rule_types(&*self.ws.store, &self.ws.tokens, &channel).await;
        if let Some(entry) = self
            .lock()
            .get_mut(&channel)
            .filter(|e| e.generation == generation)
        {
            entry.rule_types = Some(rule_types);
        }
        let outcome = match self.settings.transport {
            EventSubTransport::WebSocket => self.websocket(&channel, &report, &cancel).await,
            EventSubTransport::Webhook => self.webhook(&channel, &report, &cancel).await,
        };
        match outcome {
            Outcome::Cancelled => {
                let mut channels = self.lock();
                if let Some(entry) = channels
                    .get_mut(&channel)
                    .filter(|e| e.generation == generation)
                {
                    entry.running = false;
                }
            }
            Outcome::NeedsReauth(reason) => {
                tracing::warn!(%channel, %reason, "EventSub stopped: the channel needs re-authorisation");
                if let Err(e) = self.ws.store.set_needs_reauth(&channel, true).await {
                    tracing::warn!(%channel, error = %e, "cannot mark the channel as needing re-authorisation");
                }
                self.set_state(&channel, generation, ChannelState::NeedsReauth, true);
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

    /// Webhook transport: create the channel's subscriptions (retrying), then idle until stopped.
    async fn webhook(
        &self,
        channel: &ChannelId,
        report: Report<'_>,
        cancel: &CancellationToken,
    ) -> Outcome {
        let Some(target) = &self.settings.webhook else {
            report(ChannelState::Failed(
                "EVENTSUB_WEBHOOK_SECRET is not set".into(),
            ));
            cancel.cancelled().await;
            return Outcome::Cancelled;
        };
        let oauth = self.ws.tokens.oauth();
        let mut attempt = 0u32;
        loop {
            let subscribe = async {
                let rules = channel_rule_types(&*self.ws.store, &self.ws.tokens, channel).await;
                subscribe_webhook(
                    &self.ws.subscriptions,
                    oauth,
                    &rules,
                    channel,
                    &target.callback,
                    &target.secret,
                )
                .await
            };
            let result = tokio::select! {
                () = cancel.cancelled() => return Outcome::Cancelled,
                r = subscribe => r,
            };
            match result {
                Ok(created) => {
                    tracing::info!(%channel, created, "EventSub webhook subscriptions in place");
                    report(ChannelState::Connected);
                    cancel.cancelled().await;
                    return Outcome::Cancelled;
                }
                Err(SubscribeError::NeedsReauth(m)) => return Outcome::NeedsReauth(m),
                Err(SubscribeError::Transient(m)) => {
                    tracing::warn!(%channel, reason = %m, "cannot create EventSub webhook subscriptions");
                    report(ChannelState::Failed(m));
                    let delay = self.settings.ws.backoff.random_delay(attempt);
                    attempt = attempt.saturating_add(1);
                    if sleep_or_cancel(delay, cancel).await {
                        return Outcome::Cancelled;
                    }
                }
            }
        }
    }

    /// The app-wide `user.authorization.revoke` webhook subscription, retried until it exists.
    async fn app_subscriptions(&self) {
        let Some(target) = &self.settings.webhook else {
            tracing::error!("webhook transport without EVENTSUB_WEBHOOK_SECRET: no subscriptions");
            return;
        };
        let mut attempt = 0u32;
        loop {
            let result = tokio::select! {
                () = self.cancel.cancelled() => return,
                r = subscribe_authorization_revoke(&self.ws.subscriptions, self.ws.tokens.oauth(), &target.callback, &target.secret) => r,
            };
            match result {
                Ok(new) => {
                    tracing::info!(new, "user.authorization.revoke subscription in place");
                    return;
                }
                Err(e) => {
                    let delay = self.settings.ws.backoff.random_delay(attempt);
                    attempt = attempt.saturating_add(1);
                    tracing::warn!(error = %e, retry_in = ?delay, "cannot subscribe to user.authorization.revoke");
                    if sleep_or_cancel(delay, &self.cancel).await {
                        return;
                    }
                }
            }
        }
    }
}
