//! One channel's EventSub WebSocket connection (TWITCH.md §3.4): welcome → subscribe within the
//! keepalive window with the broadcaster's user token → read loop, a keepalive watchdog, the
//! `session_reconnect` hand-over and reconnects with exponential backoff and jitter. The decisions
//! are [`super::machine::decide`]; this file carries them out.

use std::future::{pending, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::events::{EventSink, TwitchEvent};
use app::ssr::Store;
use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::backoff::Backoff;
use super::machine::{
    close_reason, decide, is_client_fault, next_view, Input, Role, Signal, Step, View,
};
use super::parse::{notification_event, Notification, WsKind, WsMessage, AUTHORIZATION_REVOKED};
use super::socket::{Frame, Socket};
use super::subscriptions::{subscribe_websocket, SubscribeError, SubscriptionClient};
use super::{ChannelState, MESSAGE_ID_TTL};
use crate::twitch::tokens::{TokenError, TokenManager};

#[derive(Debug, Clone)]
pub struct WsOptions {
    pub backoff: Backoff,
    /// How long connecting and waiting for the welcome may take (Twitch's default window: 10 s).
    pub welcome_timeout: Duration,
    /// Use this keepalive timeout instead of the welcome's. For tests, which cannot wait the
    /// 10-second minimum Twitch allows; `None` in production.
    pub keepalive_override: Option<Duration>,
}

impl Default for WsOptions {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            welcome_timeout: Duration::from_secs(10),
            keepalive_override: None,
        }
    }
}

/// What every channel's connection shares.
pub struct WsContext {
    /// The base URL (`wss://eventsub.wss.twitch.tv/ws`); reconnect URLs come from Twitch.
    pub url: String,
    pub options: WsOptions,
    pub subscriptions: SubscriptionClient,
    pub tokens: Arc<TokenManager>,
    pub store: Arc<dyn Store>,
    pub sink: Arc<dyn EventSink>,
}

/// Why [`run`] returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Cancelled,
    /// The broadcaster revoked the authorisation, or the token cannot be refreshed.
    NeedsReauth(String),
}

/// Receives the channel's state as it changes.
pub type Report<'a> = &'a (dyn Fn(ChannelState) + Send + Sync);

enum End {
    Cancelled,
    NeedsReauth(String),
    Lost { reason: String, connected: bool },
}

type Subscribing<'a> = Pin<Box<dyn Future<Output = Result<usize, SubscribeError>> + Send + 'a>>;

/// Keeps the channel connected until `cancel` fires or the channel needs re-authorisation.
/// Never panics; every failure is logged and retried after a backoff.
#[tracing::instrument(skip_all, fields(channel = %channel))]
pub async fn run(
    ctx: &WsContext,
    channel: &ChannelId,
    report: Report<'_>,
    cancel: &CancellationToken,
) -> Outcome {
    let mut attempt = 0u32;
    report(ChannelState::Connecting);
    loop {
        let (reason, connected) = match session(ctx, channel, report, cancel, &mut attempt).await {
            End::Cancelled => return Outcome::Cancelled,
            End::NeedsReauth(reason) => return Outcome::NeedsReauth(reason),
            End::Lost { reason, connected } => (reason, connected),
        };
        let delay = ctx.options.backoff.random_delay(attempt);
        attempt = attempt.saturating_add(1);
        tracing::warn!(%reason, retry_in = ?delay, attempt, "EventSub WebSocket session lost");
        report(if connected {
            ChannelState::Reconnecting
        } else {
            ChannelState::Failed(reason)
        });
        tokio::select! {
            () = cancel.cancelled() => return Outcome::Cancelled,
            () = tokio::time::sleep(delay) => report(ChannelState::Reconnecting),
        }
    }
}

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

async fn close_all(current: Socket, successor: Option<Socket>) {
    if let Some(s) = successor {
        s.close().await;
    }
    current.close().await;
}

/// One session: from connecting to the base URL until it is lost (possibly across hand-overs).
async fn session(
    ctx: &WsContext,
    channel: &ChannelId,
    report: Report<'_>,
    cancel: &CancellationToken,
    attempt: &mut u32,
) -> End {
    let lost = |reason: String, connected: bool| End::Lost { reason, connected };
    match ctx.tokens.get(channel.as_str()).await {
        Ok(_) => {}
        Err(TokenError::NeedsReauth(m)) => return End::NeedsReauth(m),
        Err(TokenError::Transient(m)) => return lost(m, false),
    }
    let options = &ctx.options;
    let mut current = match Socket::open(&ctx.url, options.welcome_timeout).await {
        Ok(s) => s,
        Err(reason) => return lost(reason, false),
    };
    let mut successor: Option<Socket> = None;
    let mut view = View::default();
    let mut subscribing: Option<Subscribing<'_>> = None;
    let mut connected = false;
    loop {
        let (role, frame) = tokio::select! {
            biased;
            () = cancel.cancelled() => {
                close_all(current, successor).await;
                return End::Cancelled;
            }
            result = async { subscribing.as_mut().expect("guarded").await }, if subscribing.is_some() => {
                subscribing = None;
                match result {
                    Ok(created) => {
                        tracing::info!(created, "EventSub subscriptions in place");
                        connected = true;
                        *attempt = 0;
                        report(ChannelState::Connected);
                        continue;
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
            frame = next_of(&mut successor) => (Role::Successor, frame),
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
                    let (subs, tokens) = (&ctx.subscriptions, &*ctx.tokens);
                    subscribing = Some(Box::pin(async move {
                        subscribe_websocket(subs, tokens, channel, &session_id).await
                    }));
                }
            }
            Step::Ready => {
                current.set_keepalive(keepalive(&message));
                tracing::info!("EventSub session taken over after the old socket ended");
                report(ChannelState::Connected);
            }
            Step::Deliver => {
                if let Some(m) = message {
                    if let WsKind::Notification(n) = &m.kind {
                        deliver(ctx, &m.id, n).await;
                    }
                }
            }
            Step::Nothing => {
                if let Some(WsKind::Revocation(sub)) = message.as_ref().map(|m| &m.kind) {
                    tracing::warn!(kind = %sub.kind, status = %sub.status, "Twitch revoked an EventSub subscription");
                }
            }
            Step::OpenSuccessor => {
                let Some(WsKind::Reconnect { url }) = message.map(|m| m.kind) else {
                    continue;
                };
                report(ChannelState::Reconnecting);
                tracing::info!("session_reconnect: opening the new connection");
                match Socket::open(&url, options.welcome_timeout).await {
                    Ok(s) => successor = Some(s),
                    Err(reason) => {
                        tracing::warn!(%reason, "cannot open the reconnect URL; keeping the old socket");
                        view = next_view(view, &Step::DropSuccessor);
                        if connected {
                            report(ChannelState::Connected);
                        }
                    }
                }
            }
            Step::HandOver => {
                let Some(mut next) = successor.take() else {
                    continue;
                };
                next.set_keepalive(keepalive(&message));
                let mut old = std::mem::replace(&mut current, next);
                for late in old.buffered_messages() {
                    if let WsKind::Notification(n) = &late.kind {
                        deliver(ctx, &late.id, n).await;
                    }
                }
                old.close().await;
                tracing::info!("EventSub hand-over complete; old socket closed");
                if connected {
                    report(ChannelState::Connected);
                }
            }
            Step::DropSuccessor => {
                if let Some(s) = successor.take() {
                    tracing::warn!("the reconnect connection failed before its welcome");
                    s.close().await;
                }
                if connected {
                    report(ChannelState::Connected);
                }
            }
            Step::PromoteSuccessor => {
                if let Some(next) = successor.take() {
                    tracing::warn!("old socket ended before the new one was welcomed");
                    std::mem::replace(&mut current, next).close().await;
                }
            }
            Step::Revoked => {
                tracing::warn!("the broadcaster revoked the app's authorisation");
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

/// Hands a notification to the sink once per message id (the id is remembered in the store, so
/// a message seen on both sockets of a hand-over, or by two instances, is delivered once).
async fn deliver(ctx: &WsContext, message_id: &str, notification: &Notification) {
    let event = match notification_event(notification) {
        Ok(Some(event)) => event,
        Ok(None) => {
            tracing::debug!(kind = %notification.subscription.kind, "notification not used");
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, kind = %notification.subscription.kind, "malformed notification dropped");
            return;
        }
    };
    match ctx
        .store
        .remember_message(message_id, Utc::now(), MESSAGE_ID_TTL)
        .await
    {
        Ok(true) => ctx.sink.deliver(event).await,
        Ok(false) => tracing::info!(message_id, "duplicate EventSub message dropped"),
        Err(e) => {
            tracing::warn!(error = %e, "cannot record the message id; delivering anyway");
            ctx.sink.deliver(event).await;
        }
    }
}
