//! One channel's EventSub WebSocket connection (Twitch docs): sessions are retried with
//! exponential backoff and jitter until the channel is unwatched or needs re-authorisation. A
//! session ([`session`]) is: welcome → subscribe within the keepalive window with the
//! broadcaster's user token → read loop, keepalive watchdog, `session_reconnect` hand-over. When
//! Twitch refuses a subscription for one of its limits the channel is failed with the reason and
//! tried again only after [`WsOptions::limit_retry`].

pub(crate) mod intake_queue;
pub mod machine;
pub(crate) mod reconnect_url;
mod session;
pub(crate) mod socket;

use std::sync::Arc;
use std::time::Duration;

use app::model::ChannelId;
use app::ssr::events::EventSink;
use app::ssr::Store;
use tokio_util::sync::CancellationToken;

use crate::eventsub::backoff::Backoff;
use crate::eventsub::inbox::Intake;
pub use crate::eventsub::report::Report;
use crate::eventsub::subscriptions::limits::LIMIT_RETRY;
use crate::eventsub::subscriptions::SubscriptionClient;
use crate::twitch::tokens::TokenManager;
use app::model::EventSubConnection;
use session::{session, End};

#[derive(Debug, Clone)]
pub struct WsOptions {
    pub backoff: Backoff,
    /// How long connecting and waiting for the welcome may take (Twitch's default window: 10 s).
    pub welcome_timeout: Duration,
    /// Use this keepalive timeout instead of the welcome's. For tests, which cannot wait the
    /// 10-second minimum Twitch allows; `None` in production.
    pub keepalive_override: Option<Duration>,
    /// How long to wait after Twitch refused a subscription for a limit (not to hammer it).
    pub limit_retry: Duration,
}

impl Default for WsOptions {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            welcome_timeout: Duration::from_secs(10),
            keepalive_override: None,
            limit_retry: LIMIT_RETRY,
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
    /// Told of a revoked authorisation.
    pub sink: Arc<dyn EventSink>,
    /// Where notifications go (the durable inbox).
    pub intake: Intake,
}

/// Why [`run`] returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Cancelled,
    /// The broadcaster revoked the authorisation, or the token cannot be refreshed.
    NeedsReauth(String),
}

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
    report.state(EventSubConnection::Connecting);
    loop {
        let (delay, state) = match session(ctx, channel, report, cancel, &mut attempt).await {
            End::Cancelled => return Outcome::Cancelled,
            End::NeedsReauth(reason) => return Outcome::NeedsReauth(reason),
            End::Limited(reason) => {
                let delay = ctx.options.limit_retry;
                tracing::error!(%reason, retry_in = ?delay, "Twitch refused an EventSub subscription for a limit");
                report.subscriptions_lost(&reason);
                (delay, EventSubConnection::Failed(reason))
            }
            End::Lost { reason, connected } => {
                let delay = ctx.options.backoff.random_delay(attempt);
                attempt = attempt.saturating_add(1);
                tracing::warn!(%reason, retry_in = ?delay, attempt, "EventSub WebSocket session lost");
                report.subscriptions_lost(&format!("session ended: {reason}"));
                let state = if connected {
                    EventSubConnection::Reconnecting
                } else {
                    EventSubConnection::Failed(reason)
                };
                (delay, state)
            }
        };
        report.state(state);
        tokio::select! {
            () = cancel.cancelled() => return Outcome::Cancelled,
            () = tokio::time::sleep(delay) => report.state(EventSubConnection::Reconnecting),
        }
    }
}
