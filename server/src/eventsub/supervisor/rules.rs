//! Each watched channel's subscriptions follow its grant rules (and the scopes behind them): a
//! channel whose wanted rule and chat types differ from those its task started with is watched
//! anew. [`EventSubSupervisor::follow_rules`] looks at a channel when its settings change (here,
//! or on another instance through the live relay) and, as a safety net for a change it was not
//! told of, at every watched channel every `RULES_CHECK_EVERY_SECS` (each comparison reads the
//! channel and its token, so that is the one cost here that grows with the channels).

use std::collections::HashSet;
use std::time::Duration;

use app::model::ChannelId;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

use super::EventSubSupervisor;
use crate::eventsub::subscriptions::subscribe::{channel_rule_types, ChannelTypes};

/// How soon a channel whose task had not yet looked at its rules when they changed is looked at
/// again.
const NOT_YET_KNOWN: Duration = Duration::from_secs(2);

/// What comparing a channel's rules found.
#[derive(Debug, PartialEq, Eq)]
enum Compared {
    Same,
    /// Watched anew.
    Changed,
    /// Its task has not looked at the rules yet.
    NotYetKnown,
    /// Not watched.
    NotRunning,
}

impl EventSubSupervisor {
    /// Runs until `cancel` fires: each channel named on `changes` is compared at once, every
    /// watched channel every `check_every`.
    pub async fn follow_rules(
        self,
        mut changes: UnboundedReceiver<ChannelId>,
        check_every: Duration,
        cancel: CancellationToken,
    ) {
        let first = tokio::time::Instant::now() + check_every;
        let mut every = tokio::time::interval_at(first, check_every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut retry = tokio::time::interval(NOT_YET_KNOWN);
        let mut pending: HashSet<ChannelId> = HashSet::new();
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                Some(channel) = changes.recv() => {
                    if self.compare_rules(&channel).await == Compared::NotYetKnown {
                        pending.insert(channel);
                    }
                }
                _ = retry.tick(), if !pending.is_empty() => {
                    for channel in std::mem::take(&mut pending) {
                        if self.compare_rules(&channel).await == Compared::NotYetKnown {
                            pending.insert(channel);
                        }
                    }
                }
                _ = every.tick() => {
                    self.refresh_rules().await;
                }
            }
        }
    }

    /// Watches anew every running channel whose wanted grant-rule subscriptions (rules on and
    /// scopes granted) differ from those its task started with. Returns how many were.
    pub async fn refresh_rules(&self) -> usize {
        let running: Vec<ChannelId> = self
            .inner
            .lock()
            .iter()
            .filter(|(_, e)| e.running && e.rule_types.is_some())
            .map(|(c, _)| c.clone())
            .collect();
        let mut changed = 0;
        for channel in running {
            if self.compare_rules(&channel).await == Compared::Changed {
                changed += 1;
            }
        }
        changed
    }

    async fn compare_rules(&self, channel: &ChannelId) -> Compared {
        let started_with: Option<ChannelTypes> = match self.inner.lock().get(channel) {
            Some(e) if e.running => e.rule_types.clone(),
            _ => return Compared::NotRunning,
        };
        let Some(started_with) = started_with else {
            return Compared::NotYetKnown;
        };
        let webhook = self.inner.settings.transport.uses_app_token();
        let now = channel_rule_types(
            &*self.inner.ws.store,
            &self.inner.ws.tokens,
            channel,
            webhook,
        )
        .await;
        if now == started_with {
            return Compared::Same;
        }
        tracing::info!(%channel, ?now, "grant rules changed; subscribing anew");
        self.rewatch(channel.clone());
        Compared::Changed
    }
}
