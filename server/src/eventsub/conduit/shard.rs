//! One conduit shard's WebSocket (Twitch docs, "Handling Conduit Events" and "Handling WebSocket
//! Events"): connect, take the welcome's session id and register it as the shard's transport with
//! Update Conduit Shards (Twitch closes a session that is not used within its keepalive window),
//! then read. Notifications go to the durable inbox beside the reading, in order; revocations to
//! the supervisor. A `session_reconnect` is followed to its URL: the old socket is read until the
//! new one is welcomed and briefly after, and the new session id is registered (Twitch moves the
//! shard with the session; registering it again is harmless). A lost socket is connected and
//! registered anew after a backoff: meanwhile Twitch sends the conduit's events to its other
//! enabled shards.

use std::time::Duration;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::ShardContext;
use crate::eventsub::parse::{WsKind, WsMessage};
use crate::eventsub::ws::intake_queue::{intake_queue, IntakeQueue};
use crate::eventsub::ws::reconnect_url;
use crate::eventsub::ws::socket::{Frame, Socket};

/// How long the old socket is still read after a hand-over.
const HAND_OVER_DRAIN: Duration = Duration::from_secs(1);

/// Counts this shard as registered while it lives.
struct Registered<'a>(&'a watch::Sender<usize>);

impl<'a> Registered<'a> {
    fn new(shards: &'a watch::Sender<usize>) -> Self {
        shards.send_modify(|n| *n += 1);
        Self(shards)
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Serves shard `index` of `conduit` until `cancel` fires.
pub(super) async fn run(
    ctx: &ShardContext,
    conduit: &str,
    index: usize,
    shards: &watch::Sender<usize>,
    cancel: &CancellationToken,
) {
    let mut attempt = 0u32;
    loop {
        let (queue, storing) = intake_queue(&ctx.intake);
        let (lost, ()) = tokio::join!(
            read(ctx, conduit, index, shards, cancel, &mut attempt, queue),
            storing
        );
        let Some(reason) = lost else {
            return;
        };
        let delay = ctx.options.backoff.random_delay(attempt);
        attempt = attempt.saturating_add(1);
        tracing::warn!(shard = index, %reason, retry_in = ?delay, "EventSub conduit shard lost its socket");
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
    }
}

/// Reads the welcome; returns the session id, with the keepalive window applied.
async fn welcome(ctx: &ShardContext, socket: &mut Socket) -> Result<String, String> {
    match socket.next().await {
        Frame::Message(WsMessage {
            kind:
                WsKind::Welcome {
                    session_id,
                    keepalive,
                },
            ..
        }) => {
            let options = &ctx.options;
            socket.set_keepalive(
                options
                    .keepalive_override
                    .or(keepalive)
                    .unwrap_or(options.welcome_timeout),
            );
            Ok(session_id)
        }
        other => Err(format!("no welcome: {other:?}")),
    }
}

async fn register(
    ctx: &ShardContext,
    conduit: &str,
    index: usize,
    session_id: &str,
    cancel: &CancellationToken,
) -> Option<Result<(), String>> {
    tokio::select! {
        () = cancel.cancelled() => None,
        r = ctx.client.assign_shard(conduit, index, session_id) => {
            Some(r.map_err(|e| format!("registering the shard: {e}")))
        }
    }
}

/// One connection (across hand-overs). `None` when cancelled, else why it was lost.
async fn read(
    ctx: &ShardContext,
    conduit: &str,
    index: usize,
    shards: &watch::Sender<usize>,
    cancel: &CancellationToken,
    attempt: &mut u32,
    queue: IntakeQueue,
) -> Option<String> {
    let timeout = ctx.options.welcome_timeout;
    let mut current = match Socket::open(&ctx.ws_url, timeout).await {
        Ok(s) => s,
        Err(reason) => return Some(reason),
    };
    let session_id = match welcome(ctx, &mut current).await {
        Ok(id) => id,
        Err(reason) => {
            current.close().await;
            return Some(reason);
        }
    };
    match register(ctx, conduit, index, &session_id, cancel).await {
        None => {
            current.close().await;
            return None;
        }
        Some(Err(reason)) => {
            current.close().await;
            return Some(reason);
        }
        Some(Ok(())) => {}
    }
    tracing::info!(shard = index, %session_id, "EventSub conduit shard registered");
    *attempt = 0;
    let _registered = Registered::new(shards);
    loop {
        let frame = tokio::select! {
            biased;
            () = cancel.cancelled() => {
                current.close().await;
                return None;
            }
            frame = current.next() => frame,
        };
        let message = match frame {
            Frame::Message(m) => m,
            Frame::Closed(code) => return Some(format!("socket closed ({code:?})")),
            Frame::Silent => return Some("no keepalive in time".to_owned()),
        };
        match message.kind {
            WsKind::Notification(n) => queue.push(&message.id, &n),
            WsKind::Revocation(sub) => {
                tracing::warn!(kind = %sub.kind, status = %sub.status, "Twitch revoked an EventSub subscription");
                (ctx.on_revocation)(&sub);
            }
            WsKind::Reconnect { url } => {
                if !reconnect_url::allowed(&ctx.ws_url, &url) {
                    tracing::warn!(reconnect_url = %url, "refused a session_reconnect URL that is not Twitch's");
                    current.close().await;
                    return Some("refused reconnect_url".to_owned());
                }
                let mut next = match Socket::open(&url, timeout).await {
                    Ok(s) => s,
                    Err(reason) => {
                        tracing::warn!(%reason, "cannot open the reconnect URL; keeping the old socket");
                        continue;
                    }
                };
                let new_id = match welcome(ctx, &mut next).await {
                    Ok(id) => id,
                    Err(reason) => {
                        tracing::warn!(%reason, "the reconnect connection failed before its welcome");
                        next.close().await;
                        continue;
                    }
                };
                drain(&mut current, &queue).await;
                std::mem::replace(&mut current, next).close().await;
                match register(ctx, conduit, index, &new_id, cancel).await {
                    None => {
                        current.close().await;
                        return None;
                    }
                    Some(Err(reason)) => {
                        current.close().await;
                        return Some(reason);
                    }
                    Some(Ok(())) => {
                        tracing::info!(shard = index, session_id = %new_id, "EventSub conduit shard handed over");
                    }
                }
            }
            WsKind::Welcome { .. } | WsKind::Keepalive | WsKind::Other(_) => {}
        }
    }
}

/// Reads what the old socket still holds after a hand-over, for [`HAND_OVER_DRAIN`] at most.
async fn drain(old: &mut Socket, queue: &IntakeQueue) {
    let until = tokio::time::Instant::now() + HAND_OVER_DRAIN;
    while let Ok(frame) = tokio::time::timeout_at(until, old.next()).await {
        match frame {
            Frame::Message(WsMessage {
                id,
                kind: WsKind::Notification(n),
                ..
            }) => queue.push(&id, &n),
            Frame::Message(_) => {}
            Frame::Closed(_) | Frame::Silent => return,
        }
    }
}
