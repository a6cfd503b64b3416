//! One channel's EventSub WebSocket connection (Twitch docs): sessions are retried with
//! exponential backoff and jitter until the channel is unwatched or needs re-authorisation. A
//! session ([`super::session`]) is: welcome → subscribe within the keepalive window with the
//! broadcaster's user token → read loop, keepalive watchdog, `session_reconnect` hand-over.

use std::sync::Arc;
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::events::EventSink;
use app::ssr::Store;
use tokio_util::sync::CancellationToken;

use super::backoff::Backoff;
use super::session::{session, End};
use super::subscriptions::SubscriptionClient;
use super::ChannelState;
use crate::twitch::tokens::TokenManager;

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
