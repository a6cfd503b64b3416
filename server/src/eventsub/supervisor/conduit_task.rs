//! The supervisor's conduit transport ([`crate::eventsub::conduit`]). The instance's shards are
//! served by the shard manager, started with the supervisor. A channel's task takes the lease
//! `eventsub-conduit:{channel}` (one instance at a time puts a channel's subscriptions in place),
//! waits for the conduit and for a shard of this instance to be registered (a subscription made on
//! a conduit with no enabled shard loses its notifications), and reconciles the channel's
//! subscriptions on it (a few channels at a time, as webhook rounds: [`super::ROUNDS_AT_ONCE`])
//! every [`SupervisorSettings::status_poll`](super::SupervisorSettings::status_poll), against the
//! instance's shared app-wide listing (at most half that period old, and fetched after the
//! channel's own last change), so the checks cost pages, not channels. The channel shows
//! `Connected` while its subscriptions are in place and this instance has a shard registered; when
//! its shards are all lost it shows `Reconnecting`, and `Connected` again once one is back, so
//! catch-up runs for what Twitch could not deliver meanwhile. Unwatching deletes the channel's
//! subscriptions.

use std::sync::Arc;
use std::time::Instant;

use app::model::ChannelId;
use tokio_util::sync::CancellationToken;

use super::{
    channel_rule_types, sleep_or_cancel, EventSubConnection, Inner, Lease, Outcome, Report,
};
use crate::eventsub::conduit::{channel, Conduit, ShardContext};
use crate::eventsub::parse::{revocation_event, Subscription};
use crate::eventsub::subscriptions::subscribe::SubscribeError;
use crate::eventsub::EventSubSupervisor;

/// How many times deleting an unwatched channel's conduit subscriptions is tried.
const CLEANUP_ATTEMPTS: u32 = 5;

impl EventSubSupervisor {
    /// Starts the conduit's shard manager (conduit transport only).
    pub(super) fn start_conduit(&self) {
        let inner = &self.inner;
        let Some(conduit) = &inner.conduit else {
            return;
        };
        let weak = Arc::downgrade(inner);
        let sink = inner.ws.sink.clone();
        let on_revocation = Arc::new(move |sub: &Subscription| {
            if let Some(inner) = weak.upgrade() {
                EventSubSupervisor { inner }.revoked(sub);
            }
            if let Some(event) = revocation_event(sub) {
                let sink = sink.clone();
                tokio::spawn(async move { sink.deliver(event).await });
            }
        });
        let ctx = ShardContext {
            client: conduit.client.clone(),
            store: inner.ws.store.clone(),
            instance_id: inner.settings.instance_id.clone(),
            lease_ttl: inner.settings.lease_ttl,
            ws_url: inner.settings.ws_url.clone(),
            options: inner.settings.ws.clone(),
            intake: inner.ws.intake.clone(),
            client_id: inner.ws.tokens.oauth().client_id().to_owned(),
            on_revocation,
        };
        conduit.spawn(ctx, inner.cancel.clone(), inner.tasks.clone());
    }
}

impl Inner {
    /// Conduit transport: the channel's subscriptions, while this instance holds its lease.
    pub(super) async fn conduit(
        &self,
        channel: &ChannelId,
        report: Report<'_>,
        cancel: &CancellationToken,
    ) -> Outcome {
        let Some(conduit) = &self.conduit else {
            cancel.cancelled().await;
            return Outcome::Cancelled;
        };
        let lease = Lease {
            store: &*self.ws.store,
            name: format!("eventsub-conduit:{channel}"),
            holder: &self.settings.instance_id,
            ttl: self.settings.lease_ttl,
            backoff: self.settings.ws.backoff,
        };
        lease
            .run(report, cancel, |token| async move {
                self.conduit_channel(conduit, channel, report, &token).await
            })
            .await
    }

    async fn conduit_channel(
        &self,
        conduit: &Conduit,
        channel: &ChannelId,
        report: Report<'_>,
        cancel: &CancellationToken,
    ) -> Outcome {
        report.state(EventSubConnection::Connecting);
        let mut ids = conduit.state.conduit.clone();
        let mut shards = conduit.state.shards.clone();
        let mut attempt = 0u32;
        // When this task last wrote the channel's subscriptions: a listing from before is stale.
        let mut changed_at: Option<Instant> = None;
        let max_age = self.settings.status_poll / 2;
        loop {
            let id = tokio::select! {
                () = cancel.cancelled() => return Outcome::Cancelled,
                id = ids.wait_for(Option::is_some) => match id {
                    Ok(id) => id.clone().unwrap_or_default(),
                    Err(_) => return Outcome::Cancelled,
                },
            };
            // A subscription is enabled as it is made, and Twitch keeps no queue for a conduit
            // without an enabled shard: one made before this instance's shard is registered
            // could have its first notifications sent to no one ("Handling Conduit Events").
            tokio::select! {
                () = cancel.cancelled() => return Outcome::Cancelled,
                _ = shards.wait_for(|n| *n > 0) => {}
            }
            // Both boxed: a channel spends its life waiting below, not checking.
            let rules = Box::pin(channel_rule_types(
                &*self.ws.store,
                &self.ws.tokens,
                channel,
                true,
            ))
            .await;
            let check = Box::pin(async {
                // Never closed: the turn always comes (see `ROUNDS_AT_ONCE`).
                let _turn = self.rounds.acquire().await;
                let all = channel::listing(&conduit.client, &conduit.listing, max_age, changed_at)
                    .await?;
                channel::reconcile(&conduit.client, &all, &id, &rules, channel, report).await
            });
            let result = tokio::select! {
                () = cancel.cancelled() => return Outcome::Cancelled,
                r = check => r,
            };
            if result.as_ref().map_or(true, |r| r.changed) {
                changed_at = Some(Instant::now());
            }
            let delay = match result {
                Ok(channel::Reconciled { created, .. }) => {
                    attempt = 0;
                    tracing::info!(%channel, created, "EventSub conduit subscriptions in place");
                    if *shards.borrow() == 0 {
                        report.state(EventSubConnection::Reconnecting);
                    }
                    tokio::select! {
                        () = cancel.cancelled() => return Outcome::Cancelled,
                        _ = shards.wait_for(|n| *n > 0) => {}
                    }
                    report.state(EventSubConnection::Connected);
                    tokio::select! {
                        () = cancel.cancelled() => return Outcome::Cancelled,
                        () = tokio::time::sleep(self.settings.status_poll) => {}
                        _ = shards.wait_for(|n| *n == 0) => {
                            tracing::warn!(%channel, "this instance has no conduit shard registered");
                            report.state(EventSubConnection::Reconnecting);
                        }
                        _ = ids.changed() => {}
                    }
                    continue;
                }
                Err(SubscribeError::NeedsReauth(m)) => return Outcome::NeedsReauth(m),
                Err(SubscribeError::Limit(m)) => {
                    tracing::error!(%channel, reason = %m, "Twitch refused a conduit subscription for a limit");
                    report.state(EventSubConnection::Failed(m));
                    self.settings.ws.limit_retry
                }
                Err(SubscribeError::Transient(m)) => {
                    let delay = self.settings.ws.backoff.random_delay(attempt);
                    attempt = attempt.saturating_add(1);
                    tracing::warn!(%channel, reason = %m, retry_in = ?delay, "EventSub conduit subscriptions not in place");
                    report.state(EventSubConnection::Failed(m));
                    delay
                }
            };
            if sleep_or_cancel(delay, cancel).await {
                return Outcome::Cancelled;
            }
        }
    }

    /// Deletes an unwatched channel's conduit subscriptions once its task (`finished`) has ended.
    pub(super) fn spawn_conduit_cleanup(&self, channel: ChannelId, finished: CancellationToken) {
        let Some(conduit) = &self.conduit else {
            return;
        };
        let client = conduit.client.clone();
        let (backoff, cancel) = (self.settings.ws.backoff, self.cancel.clone());
        self.tasks.spawn(async move {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = finished.cancelled() => {}
            }
            for attempt in 0..CLEANUP_ATTEMPTS {
                match channel::delete_channel(&client, &channel).await {
                    Ok(deleted) => {
                        tracing::info!(%channel, deleted, "deleted the channel's conduit subscriptions");
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(%channel, error = %e, attempt, "cannot delete the channel's conduit subscriptions");
                        if sleep_or_cancel(backoff.random_delay(attempt), &cancel).await {
                            return;
                        }
                    }
                }
            }
        });
    }
}
