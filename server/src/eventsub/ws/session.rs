//! One EventSub WebSocket session, possibly spanning `session_reconnect` hand-overs: the socket
//! loop that carries out [`super::machine::decide`]. Subscribing and connecting a successor run
//! concurrently with reading, so the current socket is read (and its pings answered) throughout.

use std::future::{pending, Future};
use std::pin::Pin;
use std::time::Duration;

use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use tokio::time::Instant;

use app::model::ChannelId;
use app::ssr::events::TwitchEvent;
use tokio_util::sync::CancellationToken;

use super::intake_queue::{intake_queue, IntakeQueue};
use super::machine::{
    close_reason, decide, is_client_fault, next_view, Input, Role, Signal, Step, View,
};
use super::socket::{Frame, Socket};
use super::{Report, WsContext};
use crate::eventsub::parse::{WsKind, WsMessage, AUTHORIZATION_REVOKED};
use crate::eventsub::subscriptions::status::from_twitch;
use crate::eventsub::subscriptions::subscribe::{
    channel_rule_types, subscribe_websocket, SubscribeError,
};
use crate::twitch::tokens::TokenError;
use app::model::EventSubConnection;

pub(super) enum End {
    Cancelled,
    NeedsReauth(String),
    /// Twitch refused a subscription for one of its limits.
    Limited(String),
    Lost {
        reason: String,
        connected: bool,
    },
}

type Subscribing<'a> = Pin<Box<dyn Future<Output = Result<usize, SubscribeError>> + Send + 'a>>;
type Connecting = Pin<Box<dyn Future<Output = Result<Socket, String>> + Send>>;
type Closing = Pin<Box<dyn Future<Output = ()> + Send>>;

fn signal(kind: &WsKind) -> Signal {
    match kind {
        WsKind::Welcome { .. } => Signal::Welcome,
        WsKind::Keepalive => Signal::Keepalive,
        WsKind::Notification(_) => Signal::Notification,
        WsKind::Reconnect { .. } => Signal::Reconnect,
        WsKind::Revocation(sub) => Signal::Revocation {
            authorization_revoked: sub.status == AUTHORIZATION_REVOKED,
        },
        WsKind::Other(_) => Signal::Other,
    }
}

async fn next_of(socket: &mut Option<Socket>) -> Frame {
    match socket {
        Some(s) => s.next().await,
        None => pending().await,
    }
}

/// Awaits the future if there is one; never completes otherwise.
async fn poll_some<F: Future + Unpin>(future: &mut Option<F>) -> F::Output {
    match future {
        Some(f) => f.await,
        None => pending().await,
    }
}

/// How long the old socket is still read after a hand-over.
const HAND_OVER_DRAIN: Duration = Duration::from_secs(1);

/// The next frame of the old socket still read after a hand-over; `None` once its time is up.
/// `timeout_at` polls the read before the deadline, so frames already buffered always come out.
async fn drain_next(draining: &mut Option<(Socket, Instant)>) -> Option<Frame> {
    match draining {
        Some((socket, until)) => tokio::time::timeout_at(*until, socket.next()).await.ok(),
        None => pending().await,
    }
}

async fn close_all(current: Socket, successor: Option<Socket>) {
    if let Some(s) = successor {
        s.close().await;
    }
    current.close().await;
}

/// One session: from connecting to the base URL until it is lost (possibly across hand-overs).
/// Notifications are written to the inbox beside the reading, in the order they came, and all of
/// them before this returns: the socket is read (and its pings answered) whatever the store does.
pub(super) async fn session(
    ctx: &WsContext,
    channel: &ChannelId,
    report: Report<'_>,
    cancel: &CancellationToken,
    attempt: &mut u32,
) -> End {
    let (queue, storing) = intake_queue(&ctx.intake);
    let (end, ()) = tokio::join!(read(ctx, channel, report, cancel, attempt, queue), storing);
    end
}

async fn read(
    ctx: &WsContext,
    channel: &ChannelId,
    report: Report<'_>,
    cancel: &CancellationToken,
    attempt: &mut u32,
    queue: IntakeQueue,
) -> End {
    let lost = |reason: String, connected: bool| End::Lost { reason, connected };
    match ctx.tokens.get(channel.as_str()).await {
        Ok(_) => {}
        Err(TokenError::NeedsReauth(m)) => return End::NeedsReauth(m),
        Err(TokenError::Transient(m)) => return lost(m, false),
    }
    let options = &ctx.options;
    // Boxed: connecting (TLS, the handshake) is 10 KB of state that a session, which spends its
    // life reading, would otherwise keep room for.
    let mut current = match Box::pin(Socket::open(&ctx.url, options.welcome_timeout)).await {
        Ok(s) => s,
        Err(reason) => return lost(reason, false),
    };
    let mut successor: Option<Socket> = None;
    let mut view = View::default();
    let mut subscribing: Option<Subscribing<'_>> = None;
    // The successor being connected; the current socket is read meanwhile.
    let mut connecting: Option<Connecting> = None;
    // The old socket after a hand-over, read until the instant given.
    let mut draining: Option<(Socket, Instant)> = None;
    let mut closing: FuturesUnordered<Closing> = FuturesUnordered::new();
    let mut connected = false;
    loop {
        let (role, frame) = tokio::select! {
            biased;
            () = cancel.cancelled() => {
                close_all(current, successor).await;
                return End::Cancelled;
            }
            result = poll_some(&mut subscribing) => {
                subscribing = None;
                match result {
                    Ok(created) => {
                        tracing::info!(created, "EventSub subscriptions in place");
                        connected = true;
                        *attempt = 0;
                        report.state(EventSubConnection::Connected);
                        continue;
                    }
                    Err(SubscribeError::Limit(m)) => {
                        close_all(current, successor).await;
                        return End::Limited(m);
                    }
                    Err(SubscribeError::NeedsReauth(m)) => {
                        close_all(current, successor).await;
                        return End::NeedsReauth(m);
                    }
                    Err(SubscribeError::Transient(m)) => {
                        close_all(current, successor).await;
                        return lost(format!("subscribing failed: {m}"), connected);
                    }
                }
            }
            frame = current.next() => (Role::Current, frame),
            opened = poll_some(&mut connecting) => {
                connecting = None;
                match opened {
                    Ok(socket) => successor = Some(socket),
                    Err(reason) => {
                        tracing::warn!(%reason, "cannot open the reconnect URL; keeping the old socket");
                        view = next_view(view, &Step::DropSuccessor);
                        if connected {
                            report.state(EventSubConnection::Connected);
                        }
                    }
                }
                continue;
            }
            frame = next_of(&mut successor) => (Role::Successor, frame),
            Some(()) = closing.next(), if !closing.is_empty() => continue,
            frame = drain_next(&mut draining) => {
                match frame {
                    Some(Frame::Message(m)) => {
                        if let WsKind::Notification(n) = &m.kind {
                            queue.push(&m.id, n);
                        }
                    }
                    _ => {
                        if let Some((old, _)) = draining.take() {
                            // Closed beside the reading: the new socket's pings wait for no one.
                            closing.push(Box::pin(old.close()));
                            tracing::info!("old EventSub socket drained; closing it");
                        }
                    }
                }
                continue;
            }
        };
        let (input, message) = match frame {
            Frame::Message(m) => (Input::Message(role, signal(&m.kind)), Some(m)),
            Frame::Closed(code) => (Input::Closed(role, code), None),
            Frame::Silent => (Input::Silent(role), None),
        };
        if let Input::Closed(role, Some(code)) = input {
            let reason = close_reason(code);
            if is_client_fault(code) {
                tracing::error!(?role, code, reason, "Twitch closed the EventSub socket");
            } else {
                tracing::warn!(?role, code, reason, "Twitch closed the EventSub socket");
            }
        }
        let step = decide(view, input);
        view = next_view(view, &step);
        let keepalive = |m: &Option<WsMessage>| match m.as_ref().map(|m| &m.kind) {
            Some(WsKind::Welcome { keepalive, .. }) => options
                .keepalive_override
                .or(*keepalive)
                .unwrap_or(options.welcome_timeout),
            _ => options.welcome_timeout,
        };
        match step {
            Step::Subscribe => {
                current.set_keepalive(keepalive(&message));
                if let Some(WsKind::Welcome { session_id, .. }) = message.map(|m| m.kind) {
                    tracing::info!(%session_id, "EventSub session welcomed; subscribing");
                    let (subs, tokens, store) = (&ctx.subscriptions, &*ctx.tokens, &*ctx.store);
                    subscribing = Some(Box::pin(async move {
                        let rules = channel_rule_types(store, tokens, channel, false).await;
                        subscribe_websocket(subs, tokens, &rules, channel, &session_id, report)
                            .await
                    }));
                }
            }
            Step::Ready => {
                current.set_keepalive(keepalive(&message));
                tracing::info!("EventSub session taken over after the old socket ended");
                report.state(EventSubConnection::Connected);
            }
            Step::Deliver => {
                if let Some(m) = message {
                    if let WsKind::Notification(n) = &m.kind {
                        queue.push(&m.id, n);
                    }
                }
            }
            Step::Nothing => {
                if let Some(WsKind::Revocation(sub)) = message.as_ref().map(|m| &m.kind) {
                    tracing::warn!(kind = %sub.kind, status = %sub.status, "Twitch revoked an EventSub subscription");
                    report.subscription(from_twitch(&sub.kind, &sub.id, &sub.status));
                }
            }
            Step::OpenSuccessor => {
                let Some(WsKind::Reconnect { url }) = message.map(|m| m.kind) else {
                    continue;
                };
                if !super::reconnect_url::allowed(&ctx.url, &url) {
                    tracing::warn!(
                        reconnect_url = %url,
                        "refused a session_reconnect URL that is not Twitch's; connecting anew"
                    );
                    current.close().await;
                    return lost("refused reconnect_url".to_owned(), connected);
                }
                report.state(EventSubConnection::Reconnecting);
                tracing::info!("session_reconnect: opening the new connection");
                let timeout = options.welcome_timeout;
                connecting = Some(Box::pin(async move { Socket::open(&url, timeout).await }));
            }
            Step::HandOver => {
                let Some(mut next) = successor.take() else {
                    continue;
                };
                next.set_keepalive(keepalive(&message));
                // Twitch delivers on the old socket until the new one is welcomed, so events may
                // still be in flight on it: it is read for a while longer, beside the new one
                // (whose pings must be answered meanwhile), then closed.
                let old = std::mem::replace(&mut current, next);
                if let Some((earlier, _)) =
                    draining.replace((old, Instant::now() + HAND_OVER_DRAIN))
                {
                    earlier.close().await;
                }
                tracing::info!("EventSub hand-over complete; draining the old socket");
                if connected {
                    report.state(EventSubConnection::Connected);
                }
            }
            Step::DropSuccessor => {
                connecting = None;
                if let Some(s) = successor.take() {
                    tracing::warn!("the reconnect connection failed before its welcome");
                    s.close().await;
                }
                if connected {
                    report.state(EventSubConnection::Connected);
                }
            }
            Step::PromoteSuccessor => {
                tracing::warn!("old socket ended before the new one was welcomed");
                // Nothing more can come from the old socket: wait for a successor still connecting.
                let next = match (successor.take(), connecting.take()) {
                    (Some(next), _) => next,
                    (None, Some(opening)) => match opening.await {
                        Ok(next) => next,
                        Err(reason) => {
                            current.close().await;
                            return lost(format!("reconnect failed: {reason}"), connected);
                        }
                    },
                    (None, None) => {
                        current.close().await;
                        return lost("reconnect failed".to_owned(), connected);
                    }
                };
                std::mem::replace(&mut current, next).close().await;
            }
            Step::Revoked => {
                tracing::warn!("the broadcaster revoked the app's authorisation");
                if let Some(WsKind::Revocation(sub)) = message.as_ref().map(|m| &m.kind) {
                    report.subscription(from_twitch(&sub.kind, &sub.id, &sub.status));
                }
                let user_id = channel.as_str().to_owned();
                ctx.sink
                    .deliver(TwitchEvent::AuthorizationRevoked { user_id })
                    .await;
                close_all(current, successor).await;
                return End::NeedsReauth("authorization revoked".to_owned());
            }
            Step::Restart(reason) => {
                close_all(current, successor).await;
                return lost(reason, connected);
            }
        }
    }
}
