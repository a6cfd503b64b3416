//! Catching up with Twitch: EventSub does not replay what happened while nobody listened, so every
//! channel is reconciled (Get VIPs synced, UNFULFILLED redemptions processed) when its EventSub
//! (re)connects — at start-up, after an outage, after a login — and on a slow timer.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::engine::Engine;
use tokio_util::sync::CancellationToken;

use crate::eventsub::{ChannelState, EventSubSupervisor};

/// How often channel connection states are looked at.
const POLL: Duration = Duration::from_secs(2);
/// How often every connected channel is reconciled anyway.
const FULL_EVERY: Duration = Duration::from_secs(10 * 60);

/// Channels that just became connected: in `now` but not in `before`.
fn newly_connected<'a>(
    before: &'a HashSet<ChannelId>,
    now: &'a HashSet<ChannelId>,
) -> impl Iterator<Item = &'a ChannelId> {
    now.iter().filter(|c| !before.contains(*c))
}

pub async fn run(engine: Arc<Engine>, eventsub: EventSubSupervisor, cancel: CancellationToken) {
    let mut connected: HashSet<ChannelId> = HashSet::new();
    let mut full = tokio::time::interval(FULL_EVERY);
    full.tick().await;
    loop {
        let everything = tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(POLL) => false,
            _ = full.tick() => true,
        };
        let now: HashSet<ChannelId> = eventsub
            .states()
            .into_iter()
            .filter(|(_, s)| *s == ChannelState::Connected)
            .map(|(c, _)| c)
            .collect();
        let due: Vec<ChannelId> = if everything {
            now.iter().cloned().collect()
        } else {
            newly_connected(&connected, &now).cloned().collect()
        };
        for channel in due {
            reconcile(&engine, &channel).await;
        }
        connected = now;
    }
}

/// Syncs one channel's VIPs and processes its missed redemptions; failures are logged and retried
/// on the next occasion.
pub async fn reconcile(engine: &Engine, channel: &ChannelId) {
    match engine.sync_vips(channel).await {
        Ok(report) => tracing::info!(%channel, ?report, "VIPs synced with Twitch"),
        Err(e) => tracing::warn!(%channel, error = %e, "syncing VIPs with Twitch failed"),
    }
    match engine.catch_up(channel).await {
        Ok(report) => tracing::info!(%channel, ?report, "missed redemptions processed"),
        Err(e) => tracing::warn!(%channel, error = %e, "catching up on redemptions failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_channels_that_just_connected_are_due() {
        let before: HashSet<ChannelId> = ["1", "2"].map(ChannelId::from).into();
        let now: HashSet<ChannelId> = ["2", "3"].map(ChannelId::from).into();
        let due: Vec<&ChannelId> = newly_connected(&before, &now).collect();
        assert_eq!(due, vec![&ChannelId::from("3")]);
    }
}
