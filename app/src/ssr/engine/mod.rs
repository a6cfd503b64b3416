//! The VIP engine: every use case that changes who is VIP. One grant pipeline for every source
//! (redemptions, manual grants, subscriptions, gifts and bits), expiry, manual revoke and extend,
//! reconciliation with what Twitch reports, catch-up after downtime, and the waitlist.
//!
//! The engine holds no VIP state of its own: every decision is re-read from the [`Store`] and every
//! transition is a compare-and-set there, so any number of engines (instances, or the scheduler and
//! the cron endpoint in one instance) can run on one store. Work that must not run twice at once
//! (removing or extending one session's VIP, draining one channel's waitlist, catching one channel
//! up) takes a store lease. A paid grant leaves a marker while it asks Twitch for the VIP, so that
//! a crash or a lost answer never turns the grant's own VIP into one the app does not manage
//! (`attempts`). Every refusal ends: a refusal without a rule is refunded, and a redemption Twitch
//! keeps failing is refunded after a bounded number of catch-up attempts (`refusals`).
//!
//! Every use case states what happened and hands it to `effects` (chat, audit, notice, live event,
//! the scheduler's wake-up); leases and compare-and-set transitions of sessions live in `sessions`;
//! the words the grant use cases share in `grant_types`. Events as they arrive are dispatched to
//! their use case by `dispatch`; catching up with Twitch (reconciliation) is `sync`.
//!
//! Pure decisions live in [`rules`] and are unit-tested there; this module wires them to the ports.

mod attempts;
mod chat_commands;
mod dispatch;
mod effects;
mod expiry;
mod extend;
mod grant;
mod grant_types;
mod outcome;
mod refusals;
mod revoke;
mod reward_refunds;
mod reward_removal;
mod roster;
mod rule_grants;
pub mod rules;
mod sessions;
mod set_expiry;
pub mod stream_end;
mod sync;
mod waitlist;
mod warnings;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use chat_commands::replies as chat_replies;
pub use expiry::ExpiryReport;
pub use extend::ExtendOutcome;
pub use grant_types::{
    GrantOutcome, GrantRequest, IgnoreReason, IncomingRedemption, PendingReason,
};
pub use refusals::DEFAULT_CATCH_UP_ATTEMPTS;
pub use revoke::RevokeOutcome;
pub use reward_refunds::ClearReport;
pub use reward_removal::RewardRemoval;
pub use roster::RosterOutcome;
pub use rule_grants::{Support, SupportKind};
pub use rules::RetryPolicy;
pub use sync::{CatchUpReport, SyncReport};
pub use warnings::WarningReport;

use super::authorisation::mark_needs_reauth;
use super::live::LiveBus;
use super::moderators::ModeratorCache;
use super::notify::Notifier;
use super::twitch::{AddVipError, RedemptionStatus, RewardError, TwitchApi, TwitchError};
use super::{Store, StoreError};
use crate::model::{Channel, ChannelId, LiveKind};

/// What the engine asks of time: the current instant and a pause (retry back-off, rate limits).
/// The server gives a tokio clock; tests give one they control.
#[async_trait]
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
    async fn sleep(&self, duration: Duration);
}

/// Called whenever a deadline may have moved earlier (a grant, an extension), so a scheduler
/// sleeping until the earliest deadline can look again, with when the changed VIPs' next expiry
/// warning falls due. Must be cheap and never block.
pub type DeadlineHook = Arc<dyn Fn(NextWarning) + Send + Sync>;

/// When the next expiry warning of the VIPs whose deadlines just changed falls due: the warnings'
/// loop looks again only when that is sooner than it planned to (a grant must not cost a scan of
/// every VIP ending within a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextWarning {
    /// None of their lead times is still ahead.
    Nothing,
    At(DateTime<Utc>),
    /// Not known where the deadline moved: the warnings look again.
    Unknown,
}

impl NextWarning {
    /// The next lead time of `channel`'s warnings for a VIP ending at `deadline`.
    pub fn of(channel: &Channel, deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        let leads = &channel.settings.expiry_warnings_secs;
        match deadline.and_then(|d| leads.next_at(d, now)) {
            Some(at) => Self::At(at),
            None => Self::Nothing,
        }
    }
}

/// Why a use case could not finish.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Twitch refused or failed after retries (revoke, sync, catch-up); nothing was changed in the store.
    #[error(transparent)]
    Twitch(#[from] TwitchError),
    /// The channel is not known to the app.
    #[error("unknown channel")]
    UnknownChannel,
    /// Racing writers kept winning every compare-and-set; the caller may try again.
    #[error("the session kept changing; try again")]
    Contended,
}

pub type EngineResult<T> = Result<T, EngineError>;

/// The VIP engine. Cheap to share as `Arc<Engine>`; every method takes `&self`.
pub struct Engine {
    store: Arc<dyn Store>,
    twitch: Arc<dyn TwitchApi>,
    live: Arc<dyn LiveBus>,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    deadlines_changed: Option<DeadlineHook>,
    /// A redemption still `Pending` this long after it arrived is processed again by catch-up
    /// (younger ones are probably still being processed by the instance that received them).
    catch_up_min_age: chrono::Duration,
    /// How many catch-up passes take up a redemption Twitch keeps failing before it is refunded.
    catch_up_attempts: u32,
    /// (channel, viewer) pairs this instance is adding as VIP right now: the `channel.vip.add` that
    /// our own add causes must not be mistaken for a VIP added by hand.
    /// Counted: two grants for one viewer may be adding at once.
    adding: Mutex<HashMap<(ChannelId, String), usize>>,
    /// Redemptions this instance is processing right now: its own catch-up leaves them alone.
    in_flight: attempts::InFlight,
    /// Announces grants, extensions, refunds and expiries where a channel asks for it (Discord).
    notifier: Option<Arc<dyn Notifier>>,
    /// Replies to chat commands waiting for the chat rate limit, per channel.
    chat_outbox: chat_commands::ChatOutbox,
    /// Who moderates each channel, for access checks; moderator events forget a channel's list.
    moderators: Arc<ModeratorCache>,
}

impl Engine {
    /// An engine over the three ports and a clock, with the default retry policy, no scheduler hook,
    /// a catch-up minimum age of two minutes and [`DEFAULT_CATCH_UP_ATTEMPTS`] catch-up attempts.
    pub fn new(
        store: Arc<dyn Store>,
        twitch: Arc<dyn TwitchApi>,
        live: Arc<dyn LiveBus>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            live,
            clock,
            retry: RetryPolicy::default(),
            deadlines_changed: None,
            catch_up_min_age: chrono::Duration::minutes(2),
            catch_up_attempts: DEFAULT_CATCH_UP_ATTEMPTS,
            adding: Mutex::new(HashMap::new()),
            in_flight: attempts::InFlight::default(),
            notifier: None,
            chat_outbox: chat_commands::ChatOutbox::default(),
            moderators: Arc::new(ModeratorCache::new(twitch.clone())),
            twitch,
        }
    }

    /// Sets where notices go for channels with a Discord webhook URL (none without this).
    #[must_use]
    pub fn with_notifier(mut self, notifier: Arc<dyn Notifier>) -> Self {
        self.notifier = Some(notifier);
        self
    }

    /// Replaces the retry policy for Twitch calls that fail with 429 or 5xx.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the hook called when deadlines change (the expiry scheduler's wake-up).
    #[must_use]
    pub fn with_deadline_hook(mut self, hook: DeadlineHook) -> Self {
        self.deadlines_changed = Some(hook);
        self
    }

    /// Sets how old a `Pending` redemption must be before catch-up processes it again.
    #[must_use]
    pub fn with_catch_up_min_age(mut self, age: chrono::Duration) -> Self {
        self.catch_up_min_age = age;
        self
    }

    /// Sets how many catch-up passes take up a redemption that Twitch keeps failing (5xx,
    /// time-outs, 429) before it is refunded as `twitch_unavailable` (at least one).
    #[must_use]
    pub fn with_catch_up_attempts(mut self, attempts: u32) -> Self {
        self.catch_up_attempts = attempts.max(1);
        self
    }

    pub fn live(&self) -> &Arc<dyn LiveBus> {
        &self.live
    }

    pub fn twitch(&self) -> &Arc<dyn TwitchApi> {
        &self.twitch
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Who moderates each channel, for access checks.
    pub fn moderators(&self) -> &Arc<ModeratorCache> {
        &self.moderators
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn deadlines_changed(&self, next_warning: NextWarning) {
        if let Some(hook) = &self.deadlines_changed {
            hook(next_warning);
        }
    }

    async fn channel(&self, id: &ChannelId) -> EngineResult<Channel> {
        self.store
            .channel(id)
            .await?
            .ok_or(EngineError::UnknownChannel)
    }

    /// Twitch no longer accepts the channel's token: flag it, tell dashboards.
    async fn needs_reauth(&self, channel: &ChannelId, reason: &str) {
        match mark_needs_reauth(self.store.as_ref(), channel, reason).await {
            Ok(true) => self.publish(channel, LiveKind::ReauthNeeded, None, None),
            Ok(false) => {}
            Err(e) => {
                tracing::error!(channel = %channel, error = %e, "cannot flag re-authorisation")
            }
        }
    }

    /// Calls Twitch, retrying 429 (until the reset, if soon enough) and 5xx (with back-off) as the
    /// retry policy allows. Other failures return at once.
    async fn retrying<T, E, F, Fut>(&self, mut call: F) -> Result<T, E>
    where
        E: AsTwitchError,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let mut attempt = 1;
        loop {
            match call().await {
                Ok(value) => return Ok(value),
                Err(e) => {
                    let delay = e
                        .as_twitch()
                        .and_then(|t| self.retry.delay(t, attempt, self.now()));
                    match delay {
                        Some(delay) => {
                            tracing::debug!(attempt, ?delay, "Twitch call failed; retrying");
                            self.clock.sleep(delay).await;
                            attempt += 1;
                        }
                        None => return Err(e),
                    }
                }
            }
        }
    }

    /// Sets a redemption's status on Twitch (retrying). Returns whether Twitch took it. A redemption
    /// Twitch no longer lists as UNFULFILLED (decided already) counts as taken.
    async fn settle(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        redemption_id: &str,
        status: RedemptionStatus,
    ) -> bool {
        let result = self
            .retrying(|| {
                self.twitch
                    .set_redemption_status(channel, reward_id, redemption_id, status)
            })
            .await;
        match result {
            Ok(()) => true,
            Err(TwitchError::NotFound) => {
                tracing::info!(channel = %channel, redemption_id, "redemption already decided on Twitch");
                true
            }
            Err(TwitchError::Unauthorized) => {
                self.needs_reauth(channel, "updating a redemption was refused (401)")
                    .await;
                false
            }
            Err(e) => {
                tracing::warn!(channel = %channel, redemption_id, error = %e,
                    "cannot update the redemption on Twitch; catch-up will retry");
                false
            }
        }
    }

    /// Marks (channel, viewer) as being added by this instance until the guard drops.
    fn adding(&self, channel: &ChannelId, viewer_id: &str) -> AddingGuard<'_> {
        let key = (channel.clone(), viewer_id.to_owned());
        if let Ok(mut adding) = self.adding.lock() {
            *adding.entry(key.clone()).or_insert(0) += 1;
        }
        AddingGuard { engine: self, key }
    }

    fn is_adding(&self, channel: &ChannelId, viewer_id: &str) -> bool {
        self.adding
            .lock()
            .map(|adding| adding.contains_key(&(channel.clone(), viewer_id.to_owned())))
            .unwrap_or(false)
    }
}

struct AddingGuard<'a> {
    engine: &'a Engine,
    key: (ChannelId, String),
}

impl Drop for AddingGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut adding) = self.engine.adding.lock() {
            if let Some(count) = adding.get_mut(&self.key) {
                *count -= 1;
                if *count == 0 {
                    adding.remove(&self.key);
                }
            }
        }
    }
}

/// Errors that may carry a retryable Twitch failure.
trait AsTwitchError {
    fn as_twitch(&self) -> Option<&TwitchError>;
}

impl AsTwitchError for TwitchError {
    fn as_twitch(&self) -> Option<&TwitchError> {
        Some(self)
    }
}

impl AsTwitchError for RewardError {
    fn as_twitch(&self) -> Option<&TwitchError> {
        match self {
            RewardError::Twitch(e) => Some(e),
            RewardError::DuplicateTitle => None,
        }
    }
}

impl AsTwitchError for AddVipError {
    fn as_twitch(&self) -> Option<&TwitchError> {
        match self {
            AddVipError::Twitch(e) => Some(e),
            _ => None,
        }
    }
}
