//! Catching up with Twitch: EventSub does not replay what happened while nobody listened, so every
//! channel is reconciled (Get VIPs synced, UNFULFILLED redemptions processed) when its EventSub
//! (re)connects — at start-up, after an outage, after a login — on a timer (`RECONCILE_EVERY_SECS`,
//! every 10 minutes by default), and when its stream goes live (`stream.online`): then, once per
//! stream, the app also says in chat that it is online (when the channel wants chat messages) and
//! writes an audit entry.

use std::collections::HashSet;
use std::future::pending;
use std::sync::Arc;
use std::time::Duration;

use app::model::{Actor, AuditAction, AuditDetails, AuditEntry, ChannelId, ChatNote};
use app::ssr::engine::{CatchUpReport, Engine, SyncReport};
use app::ssr::new_id;
use chrono::Utc;
use tokio::sync::mpsc::Receiver;
use tokio_util::sync::CancellationToken;

use crate::eventsub::parse::stream::StreamOnline;
use crate::eventsub::EventSubSupervisor;
use app::model::EventSubConnection;

/// How often channel connection states are looked at.
const POLL: Duration = Duration::from_secs(2);
/// How long a stream is remembered as greeted: Twitch ends a broadcast after 48 hours.
const STREAM_TTL: Duration = Duration::from_secs(48 * 60 * 60);
/// What the app says in chat when a stream starts.
pub const ONLINE_MESSAGE: &str = "VIP Manager is online: VIP rewards are being handled.";

/// Channels that just became connected: in `now` but not in `before`.
fn newly_connected<'a>(
    before: &'a HashSet<ChannelId>,
    now: &'a HashSet<ChannelId>,
) -> impl Iterator<Item = &'a ChannelId> {
    now.iter().filter(|c| !before.contains(*c))
}

async fn next_online(online: &mut Option<Receiver<StreamOnline>>) -> Option<StreamOnline> {
    match online {
        Some(rx) => rx.recv().await,
        None => pending().await,
    }
}

/// Reconciles channels as they connect and every connected channel every `full_every`; handles
/// `stream.online` events as they come. Runs until `cancel` fires.
pub async fn run(
    engine: Arc<Engine>,
    eventsub: EventSubSupervisor,
    full_every: Duration,
    cancel: CancellationToken,
) {
    let mut online = eventsub.take_stream_online();
    let mut connected: HashSet<ChannelId> = HashSet::new();
    let mut full = tokio::time::interval(full_every);
    full.tick().await;
    loop {
        let everything = tokio::select! {
            () = cancel.cancelled() => return,
            Some(event) = next_online(&mut online) => {
                stream_online(&engine, &event).await;
                continue;
            }
            () = tokio::time::sleep(POLL) => false,
            _ = full.tick() => true,
        };
        let now: HashSet<ChannelId> = eventsub
            .states()
            .into_iter()
            .filter(|(_, s)| *s == EventSubConnection::Connected)
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
/// on the next occasion. Returns what was done (`None` for a part that failed).
pub async fn reconcile(
    engine: &Engine,
    channel: &ChannelId,
) -> (Option<SyncReport>, Option<CatchUpReport>) {
    let synced = match engine.sync_vips(channel).await {
        Ok(report) => {
            tracing::info!(%channel, ?report, "VIPs synced with Twitch");
            Some(report)
        }
        Err(e) => {
            tracing::warn!(%channel, error = %e, "syncing VIPs with Twitch failed");
            None
        }
    };
    let caught_up = match engine.catch_up(channel).await {
        Ok(report) => {
            tracing::info!(%channel, ?report, "missed redemptions processed");
            Some(report)
        }
        Err(e) => {
            tracing::warn!(%channel, error = %e, "catching up on redemptions failed");
            None
        }
    };
    (synced, caught_up)
}

/// The activity-log words for a stream start: what the catch-up did and what became of the chat
/// message. Pure.
fn online_detail(caught_up: Option<&CatchUpReport>, chat: &str) -> String {
    let redemptions = match caught_up {
        Some(r) if r.processed + r.settled + r.requeued > 0 => format!(
            "{} missed redemptions processed, {} settled, {} back on the waitlist",
            r.processed, r.settled, r.requeued
        ),
        Some(_) => "no missed redemptions".to_owned(),
        None => "catch-up failed; retried later".to_owned(),
    };
    format!("{redemptions}; chat message {chat}")
}

/// A channel went live: catch it up at once; the first time this stream is seen (on any
/// instance), say in chat that VIP Manager is online when the channel wants chat messages, and
/// write an audit entry. Returns whether this call greeted the stream.
pub async fn stream_online(engine: &Engine, online: &StreamOnline) -> bool {
    let channel = &online.channel;
    tracing::info!(%channel, stream = %online.stream_id, kind = %online.kind, "stream went live");
    let key = format!("stream.online:{channel}:{}", online.stream_id);
    let store = engine.store();
    let first = match store.remember_message(&key, Utc::now(), STREAM_TTL).await {
        Ok(first) => first,
        Err(e) => {
            tracing::warn!(%channel, error = %e, "cannot record the stream; not greeting it");
            false
        }
    };
    let (_, caught_up) = reconcile(engine, channel).await;
    if !first {
        return false;
    }
    let stored = match store.channel(channel).await {
        Ok(Some(c)) => c,
        Ok(None) => return false,
        Err(e) => {
            tracing::warn!(%channel, error = %e, "cannot read the channel that went live");
            return false;
        }
    };
    let chat = if !stored.settings.chat_enabled || stored.needs_reauth {
        "off"
    } else {
        match engine.twitch().send_chat(channel, ONLINE_MESSAGE).await {
            Ok(true) => "sent",
            Ok(false) => "dropped by Twitch",
            Err(e) => {
                tracing::warn!(%channel, error = %e, "the online chat message failed");
                "failed"
            }
        }
    };
    let entry = AuditEntry {
        id: new_id(),
        channel_id: channel.clone(),
        at: Utc::now(),
        action: AuditAction::StreamOnline,
        actor: Actor::System,
        target: None,
        metadata: AuditDetails {
            stream_id: Some(online.stream_id.clone()),
            stream_type: Some(online.kind.clone()),
            started_at: Some(online.started_at),
            chat: Some(ChatNote::Outcome(chat.to_owned())),
            detail: Some(online_detail(caught_up.as_ref(), chat)),
            ..AuditDetails::default()
        }
        .into(),
    };
    if let Err(e) = store.append_audit(&entry).await {
        tracing::warn!(%channel, error = %e, "cannot record the stream start");
    }
    true
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

    #[test]
    fn the_audit_detail_says_what_the_catch_up_did() {
        let report = CatchUpReport {
            processed: 2,
            settled: 1,
            requeued: 0,
        };
        assert_eq!(
            online_detail(Some(&report), "sent"),
            "2 missed redemptions processed, 1 settled, 0 back on the waitlist; chat message sent"
        );
        assert_eq!(
            online_detail(Some(&CatchUpReport::default()), "off"),
            "no missed redemptions; chat message off"
        );
        assert!(online_detail(None, "failed").starts_with("catch-up failed"));
    }
}
