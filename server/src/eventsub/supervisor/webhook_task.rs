//! The supervisor's webhook transport (Twitch docs). A channel's task waits for a deletion of its
//! subscriptions still under way, creates them with the app token, then reads them back from Get
//! EventSub Subscriptions until none waits for the callback verification: each status is reported,
//! subscriptions of types no longer wanted are deleted, and disabled ones (verification failed,
//! revoked) are deleted and created again after a backoff. Once all are enabled it looks again
//! every [`SupervisorSettings::status_poll`]. Twitch refusing for a limit stops the channel for
//! [`super::ws::WsOptions::limit_retry`]. Unwatching deletes the channel's subscriptions.

use app::model::{ChannelId, SubscriptionState};
use tokio_util::sync::CancellationToken;

use super::{
    channel_rule_types, sleep_or_cancel, EventSubConnection, Inner, Ordering, Outcome, Report,
};
use crate::eventsub::parse::USER_AUTHORIZATION_REVOKE;
use crate::eventsub::subscriptions::chat::still_wanted;
use crate::eventsub::subscriptions::status::from_twitch;
use crate::eventsub::subscriptions::subscribe::SubscribeError;
use crate::eventsub::subscriptions::webhook::{
    delete, delete_channel, delete_stale, list_channel, subscribe_authorization_revoke,
    subscribe_webhook, Callback,
};

/// How many times deleting an unwatched channel's subscriptions is tried.
const CLEANUP_ATTEMPTS: u32 = 5;

/// Channels creating (and, on webhooks, verifying) their subscriptions at one time, on the webhook
/// and the conduit transports alike. At start-up every channel starts its round at once;
/// unbounded, a thousand channels' requests (and Twitch's verification callbacks) fill the
/// runtime's queues and a VIP removal due meanwhile waits behind them, and ten thousand open more
/// connections to Twitch than it takes. A round takes a few requests, so the channels still all
/// come up within seconds.
pub const ROUNDS_AT_ONCE: usize = 8;

impl Inner {
    /// Webhook transport: keeps the channel's subscriptions in place until `cancel` fires or the
    /// channel needs re-authorisation.
    pub(super) async fn webhook(
        &self,
        channel: &ChannelId,
        report: Report<'_>,
        cancel: &CancellationToken,
    ) -> Outcome {
        let Some(target) = &self.settings.webhook else {
            report.state(EventSubConnection::Failed(
                "EVENTSUB_WEBHOOK_SECRET is not set".into(),
            ));
            cancel.cancelled().await;
            return Outcome::Cancelled;
        };
        let cleanup = self
            .cleanups
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(channel)
            .map(|(_, done)| done.clone());
        if let Some(done) = cleanup {
            tokio::select! {
                () = cancel.cancelled() => return Outcome::Cancelled,
                () = done.cancelled() => {}
            }
        }
        let callback = Callback {
            url: &target.callback,
            secret: &target.secret,
        };
        let mut attempt = 0u32;
        loop {
            let result = tokio::select! {
                () = cancel.cancelled() => return Outcome::Cancelled,
                r = async {
                    // Never closed: the turn always comes.
                    let _turn = self.rounds.acquire().await;
                    self.webhook_round(channel, &callback, report, cancel).await
                } => r,
            };
            let delay = match result {
                Ok(created) => {
                    tracing::info!(%channel, created, "EventSub webhook subscriptions enabled");
                    attempt = 0;
                    report.state(EventSubConnection::Connected);
                    self.settings.status_poll
                }
                Err(SubscribeError::NeedsReauth(m)) => return Outcome::NeedsReauth(m),
                Err(SubscribeError::Limit(m)) => {
                    let delay = self.settings.ws.limit_retry;
                    tracing::error!(%channel, reason = %m, retry_in = ?delay, "Twitch refused an EventSub webhook subscription for a limit");
                    report.state(EventSubConnection::Failed(m));
                    delay
                }
                Err(SubscribeError::Transient(m)) => {
                    let delay = self.settings.ws.backoff.random_delay(attempt);
                    attempt = attempt.saturating_add(1);
                    tracing::warn!(%channel, reason = %m, retry_in = ?delay, "EventSub webhook subscriptions not in place");
                    report.state(EventSubConnection::Failed(m));
                    delay
                }
            };
            if sleep_or_cancel(delay, cancel).await {
                return Outcome::Cancelled;
            }
        }
    }

    /// Creates what is missing, then follows the statuses until none is pending. Returns how
    /// many subscriptions were created.
    async fn webhook_round(
        &self,
        channel: &ChannelId,
        callback: &Callback<'_>,
        report: Report<'_>,
        cancel: &CancellationToken,
    ) -> Result<usize, SubscribeError> {
        let (client, oauth) = (&self.ws.subscriptions, self.ws.tokens.oauth());
        let rules = channel_rule_types(&*self.ws.store, &self.ws.tokens, channel, true).await;
        delete_stale(client, oauth, ("user_id", channel.as_str()), callback.url).await?;
        let created = subscribe_webhook(client, oauth, &rules, channel, callback, report).await?;
        let mut polls = 0u32;
        loop {
            let listed = list_channel(client, oauth, channel, callback.url).await?;
            let (mut live, mut dead, mut unwanted) = (Vec::new(), Vec::new(), Vec::new());
            for sub in listed {
                let status = from_twitch(&sub.kind, &sub.id, &sub.status);
                if !still_wanted(&rules, channel, &sub.kind, &sub.condition) {
                    unwanted.push(sub.id);
                } else if matches!(
                    status.state,
                    SubscriptionState::Failed(_) | SubscriptionState::Revoked(_)
                ) {
                    dead.push((sub.id, status));
                } else {
                    live.push(status);
                }
            }
            if !unwanted.is_empty() {
                tracing::info!(%channel, count = unwanted.len(), "deleting subscriptions no longer wanted");
                delete(client, oauth, &unwanted).await?;
            }
            let pending = live.iter().any(|s| s.state == SubscriptionState::Pending);
            // Dead ones first: a live one of the same type replaces it in the report.
            for (_, status) in &dead {
                report.subscription(status.clone());
            }
            for status in live {
                report.subscription(status);
            }
            if !dead.is_empty() {
                let ids: Vec<String> = dead.iter().map(|(id, _)| id.clone()).collect();
                let what: Vec<String> = dead
                    .iter()
                    .map(|(_, s)| format!("{} ({})", s.kind, s.state.reason().unwrap_or_default()))
                    .collect();
                delete(client, oauth, &ids).await?;
                return Err(SubscribeError::Transient(format!(
                    "Twitch disabled {}; subscribing again",
                    what.join(", ")
                )));
            }
            if !pending {
                return Ok(created);
            }
            let delay = self.settings.ws.backoff.delay(polls, 0.5);
            polls = polls.saturating_add(1);
            if sleep_or_cancel(delay, cancel).await {
                return Ok(created);
            }
        }
    }

    /// Deletes the channel's webhook subscriptions once its task (`finished`) has ended; a task
    /// started for the channel meanwhile waits until this is done.
    pub(super) fn spawn_cleanup(&self, channel: ChannelId, finished: CancellationToken) {
        let Some(target) = self.settings.webhook.clone() else {
            return;
        };
        let id = self.generations.fetch_add(1, Ordering::Relaxed);
        let done = CancellationToken::new();
        self.cleanups
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(channel.clone(), (id, done.clone()));
        let cleanups = self.cleanups.clone();
        let (client, tokens) = (self.ws.subscriptions.clone(), self.ws.tokens.clone());
        let (backoff, cancel) = (self.settings.ws.backoff, self.cancel.clone());
        self.tasks.spawn(async move {
            let _done = done.drop_guard();
            tokio::select! {
                () = cancel.cancelled() => return,
                () = finished.cancelled() => {}
            }
            for attempt in 0..CLEANUP_ATTEMPTS {
                match delete_channel(&client, tokens.oauth(), &channel, &target.callback).await {
                    Ok(deleted) => {
                        tracing::info!(%channel, deleted, "deleted the channel's EventSub webhook subscriptions");
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(%channel, error = %e, attempt, "cannot delete the channel's EventSub webhook subscriptions");
                        if sleep_or_cancel(backoff.random_delay(attempt), &cancel).await {
                            break;
                        }
                    }
                }
            }
            let mut cleanups = cleanups.lock().unwrap_or_else(|p| p.into_inner());
            if cleanups.get(&channel).is_some_and(|(i, _)| *i == id) {
                cleanups.remove(&channel);
            }
        });
    }

    /// Replaces a `user.authorization.revoke` subscription made with a previous webhook secret,
    /// then creates it unless it exists.
    async fn authorization_revoke(&self, callback: &Callback<'_>) -> Result<bool, SubscribeError> {
        let (client, oauth) = (&self.ws.subscriptions, self.ws.tokens.oauth());
        let filter = ("type", USER_AUTHORIZATION_REVOKE);
        delete_stale(client, oauth, filter, callback.url).await?;
        subscribe_authorization_revoke(client, oauth, callback).await
    }

    /// The app-wide `user.authorization.revoke` webhook subscription, retried until it exists,
    /// then checked every [`SupervisorSettings::status_poll`] and made anew when it is gone (deleted,
    /// or revoked by Twitch): without it, a user who disconnects the app stays signed in.
    pub(super) async fn app_subscriptions(&self) {
        let Some(target) = &self.settings.webhook else {
            tracing::error!("webhook transport without EVENTSUB_WEBHOOK_SECRET: no subscriptions");
            return;
        };
        let callback = Callback {
            url: &target.callback,
            secret: &target.secret,
        };
        let mut attempt = 0u32;
        let mut checked_before = false;
        loop {
            let result = tokio::select! {
                () = self.cancel.cancelled() => return,
                r = self.authorization_revoke(&callback) => r,
            };
            match result {
                Ok(new) => {
                    if !checked_before {
                        tracing::info!(new, "user.authorization.revoke subscription in place");
                    } else if new {
                        tracing::warn!(
                            "user.authorization.revoke subscription was gone: made anew"
                        );
                    }
                    (attempt, checked_before) = (0, true);
                    if sleep_or_cancel(self.settings.status_poll, &self.cancel).await {
                        return;
                    }
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
