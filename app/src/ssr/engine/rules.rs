//! The engine's pure decisions: stacking, when to retry, chat text, waitlist time-outs and what
//! catch-up does with a redemption (what a Twitch refusal means is in `refusals`). No I/O;
//! unit-tested here.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::{RedemptionOutcome, RedemptionRecord, StackingRule, VipDuration};
use crate::ssr::twitch::{RedemptionStatus, TwitchError};

/// The one stacking rule: the new deadline of a viewer who is already a timed VIP and is granted
/// `duration` again. `Extend` adds to the time left (from now if the deadline already passed);
/// `Reset` starts over from now.
pub fn stacked_deadline(
    rule: StackingRule,
    current: DateTime<Utc>,
    now: DateTime<Utc>,
    duration: VipDuration,
) -> DateTime<Utc> {
    match rule {
        StackingRule::Extend => extended_deadline(current, now, duration),
        StackingRule::Reset => now + duration.as_chrono(),
    }
}

/// A manual "add this much time": to the time left, or from now when the deadline already passed.
pub fn extended_deadline(
    current: DateTime<Utc>,
    now: DateTime<Utc>,
    by: VipDuration,
) -> DateTime<Utc> {
    current.max(now) + by.as_chrono()
}

/// How Twitch calls that fail with 429 or 5xx are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included.
    pub attempts: u32,
    /// The pause after the first 5xx; doubled after each further one.
    pub base_delay: Duration,
    /// The longest single pause. A 429 whose reset is further away than this is not waited for.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Retries nothing (tools, tests that want failures at once).
    pub fn none() -> Self {
        Self {
            attempts: 1,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        }
    }

    /// The pause before attempt `attempt + 1` after attempt `attempt` (1-based) failed with `error`,
    /// or `None` to give up.
    pub fn delay(&self, error: &TwitchError, attempt: u32, now: DateTime<Utc>) -> Option<Duration> {
        if attempt >= self.attempts {
            return None;
        }
        match error {
            TwitchError::RateLimited { reset_at } => {
                let wait = (*reset_at - now).to_std().unwrap_or(Duration::ZERO);
                (wait <= self.max_delay).then_some(wait)
            }
            TwitchError::Transient(_) => {
                let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
                Some(self.base_delay.saturating_mul(factor).min(self.max_delay))
            }
            _ => None,
        }
    }
}

/// Chat templates are filled by the one renderer the settings page's preview uses too.
pub use crate::model::{render_chat, MAX_CHAT_CHARS};

/// The chat line for a viewer put on the waitlist (no template in settings for it yet).
pub const WAITLISTED_TEMPLATE: &str =
    "{viewer}, all VIP slots are taken: you are on the waitlist and get {duration} of VIP when one frees up.";

/// Whether a waitlisted redemption has waited too long and must be refunded.
pub fn waitlist_timed_out(
    queued_at: DateTime<Utc>,
    max_wait: VipDuration,
    now: DateTime<Utc>,
) -> bool {
    queued_at + max_wait.as_chrono() <= now
}

/// What catch-up does with a redemption Twitch still lists as UNFULFILLED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatchUpAction {
    /// Never seen: run the grant pipeline.
    Process,
    /// Seen, left pending (Twitch was unavailable or the channel needed re-authorisation) long
    /// enough ago that nobody is still working on it: run the pipeline again.
    Reprocess,
    /// Decided, but telling Twitch failed: set this status.
    Settle(RedemptionStatus),
    /// Waitlisted, but missing from the waitlist (lost between taking it off and granting): queue again.
    Requeue,
    /// Nothing to do (waitlisted, or pending and probably still in progress).
    Leave,
}

pub fn catch_up_action(
    record: Option<&RedemptionRecord>,
    in_waitlist: bool,
    now: DateTime<Utc>,
    min_age: chrono::Duration,
) -> CatchUpAction {
    let Some(record) = record else {
        return CatchUpAction::Process;
    };
    match record.outcome {
        RedemptionOutcome::Pending if record.received_at + min_age <= now => {
            CatchUpAction::Reprocess
        }
        RedemptionOutcome::Pending => CatchUpAction::Leave,
        RedemptionOutcome::Fulfilled => CatchUpAction::Settle(RedemptionStatus::Fulfilled),
        RedemptionOutcome::Refunded(_) => CatchUpAction::Settle(RedemptionStatus::Canceled),
        RedemptionOutcome::Waitlisted if in_waitlist => CatchUpAction::Leave,
        RedemptionOutcome::Waitlisted => CatchUpAction::Requeue,
        // Its reward is gone from Twitch: nothing is left to decide.
        RedemptionOutcome::ClosedByTwitch => CatchUpAction::Leave,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::model::{RefundReason, Viewer};

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(secs)
    }

    fn secs(s: u64) -> VipDuration {
        VipDuration::from_secs(s).unwrap()
    }

    #[test]
    fn extend_adds_to_the_time_left() {
        let deadline = stacked_deadline(StackingRule::Extend, at(600), at(0), secs(3_600));
        assert_eq!(deadline, at(4_200));
    }

    #[test]
    fn extend_starts_from_now_when_the_deadline_passed() {
        let deadline = stacked_deadline(StackingRule::Extend, at(-30), at(0), secs(60));
        assert_eq!(deadline, at(60));
    }

    #[test]
    fn reset_starts_over_from_now() {
        let deadline = stacked_deadline(StackingRule::Reset, at(600), at(0), secs(3_600));
        assert_eq!(deadline, at(3_600));
        // Reset can also shorten: the rule is "now + duration", as the setting says.
        assert_eq!(
            stacked_deadline(StackingRule::Reset, at(10_000), at(0), secs(60)),
            at(60)
        );
    }

    #[test]
    fn manual_extension_adds_from_the_later_of_deadline_and_now() {
        assert_eq!(extended_deadline(at(100), at(0), secs(50)), at(150));
        assert_eq!(extended_deadline(at(-100), at(0), secs(50)), at(50));
    }

    #[test]
    fn transient_failures_back_off_exponentially_then_give_up() {
        let policy = RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
        };
        let e = TwitchError::Transient("503".into());
        assert_eq!(policy.delay(&e, 1, at(0)), Some(Duration::from_millis(100)));
        assert_eq!(policy.delay(&e, 2, at(0)), Some(Duration::from_millis(200)));
        assert_eq!(policy.delay(&e, 3, at(0)), Some(Duration::from_millis(250)));
        assert_eq!(policy.delay(&e, 4, at(0)), None);
    }

    #[test]
    fn rate_limits_wait_until_the_reset_if_it_is_soon() {
        let policy = RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        };
        let soon = TwitchError::RateLimited { reset_at: at(3) };
        assert_eq!(policy.delay(&soon, 1, at(0)), Some(Duration::from_secs(3)));
        let past = TwitchError::RateLimited { reset_at: at(-3) };
        assert_eq!(policy.delay(&past, 1, at(0)), Some(Duration::ZERO));
        let far = TwitchError::RateLimited { reset_at: at(60) };
        assert_eq!(policy.delay(&far, 1, at(0)), None);
    }

    #[test]
    fn other_failures_are_not_retried() {
        let policy = RetryPolicy::default();
        for e in [
            TwitchError::Unauthorized,
            TwitchError::NotFound,
            TwitchError::Forbidden("x".into()),
            TwitchError::Rejected("x".into()),
        ] {
            assert_eq!(policy.delay(&e, 1, at(0)), None);
        }
        assert_eq!(
            RetryPolicy::none().delay(&TwitchError::Transient("x".into()), 1, at(0)),
            None
        );
    }

    #[test]
    fn waitlist_entries_time_out_after_the_maximum_wait() {
        assert!(!waitlist_timed_out(at(0), secs(60), at(59)));
        assert!(waitlist_timed_out(at(0), secs(60), at(60)));
    }

    fn record(outcome: RedemptionOutcome, received: i64) -> RedemptionRecord {
        RedemptionRecord {
            id: "r".into(),
            channel_id: "c".into(),
            reward_id: "w".into(),
            viewer: Viewer {
                id: "v".into(),
                login: "v".into(),
                display_name: "V".into(),
            },
            received_at: at(received),
            outcome,
        }
    }

    #[test]
    fn catch_up_processes_unseen_and_stale_pending_redemptions() {
        let age = chrono::Duration::seconds(120);
        assert_eq!(
            catch_up_action(None, false, at(0), age),
            CatchUpAction::Process
        );
        let pending = record(RedemptionOutcome::Pending, 0);
        assert_eq!(
            catch_up_action(Some(&pending), false, at(60), age),
            CatchUpAction::Leave
        );
        assert_eq!(
            catch_up_action(Some(&pending), false, at(120), age),
            CatchUpAction::Reprocess
        );
    }

    #[test]
    fn catch_up_settles_decided_redemptions_and_requeues_lost_ones() {
        let age = chrono::Duration::zero();
        let fulfilled = record(RedemptionOutcome::Fulfilled, 0);
        assert_eq!(
            catch_up_action(Some(&fulfilled), false, at(0), age),
            CatchUpAction::Settle(RedemptionStatus::Fulfilled)
        );
        let refunded = record(RedemptionOutcome::Refunded(RefundReason::SlotsFull), 0);
        assert_eq!(
            catch_up_action(Some(&refunded), false, at(0), age),
            CatchUpAction::Settle(RedemptionStatus::Canceled)
        );
        let waiting = record(RedemptionOutcome::Waitlisted, 0);
        assert_eq!(
            catch_up_action(Some(&waiting), true, at(0), age),
            CatchUpAction::Leave
        );
        assert_eq!(
            catch_up_action(Some(&waiting), false, at(0), age),
            CatchUpAction::Requeue
        );
    }
}
