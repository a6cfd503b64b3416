//! The transport's retry rules as a pure function: after each attempt, whether the answer is final,
//! or the call refreshes the token (401, once), waits for a near `Ratelimit-Reset` (429, at most
//! twice, when the reset is ≤ 30 s away) or retries a 5xx / timeout / connection failure (once).

use std::time::Duration;

use app::ssr::twitch::TwitchError;
use chrono::{DateTime, TimeDelta, Utc};

/// A 429 is waited out when Twitch's `Ratelimit-Reset` is at most this far away.
pub const MAX_RATE_WAIT: Duration = Duration::from_secs(30);
/// How many 429s one call waits out before it reports [`TwitchError::RateLimited`].
pub const RATE_WAITS: u8 = 2;
/// How many times one call is retried after a 5xx, a timeout or a connection failure.
pub const TRANSIENT_RETRIES: u8 = 1;
/// Pause before that retry.
pub const TRANSIENT_DELAY: Duration = Duration::from_millis(250);

/// What came back from one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Twitch answered; `reset` is the `Ratelimit-Reset` header (Unix epoch seconds).
    Answered { status: u16, reset: Option<i64> },
    /// No answer: timeout or connection failure (the text never holds a URL or a token).
    Failed(String),
}

/// What one call has used up so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tries {
    pub refreshed: bool,
    pub rate_waits: u8,
    pub transient_retries: u8,
}

/// What the transport does after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A final answer: hand it to the endpoint's classification.
    Done,
    /// 401: refresh the token once and send again.
    Refresh,
    /// 429 with a near reset: sleep, then send again.
    WaitRateLimit(Duration),
    /// 5xx or no answer: sleep briefly, then send again.
    RetryTransient(Duration),
    /// Give up with this error.
    Fail(TwitchError),
}

/// The transport's rule table (401 refresh once; 429 wait ≤ 30 s, twice; 5xx/timeouts retry once).
pub fn next_step(attempt: &Attempt, tries: Tries, now: DateTime<Utc>) -> Next {
    match attempt {
        Attempt::Failed(_) if tries.transient_retries < TRANSIENT_RETRIES => {
            Next::RetryTransient(TRANSIENT_DELAY)
        }
        Attempt::Failed(why) => Next::Fail(TwitchError::Transient(why.clone())),
        Attempt::Answered { status: 401, .. } if !tries.refreshed => Next::Refresh,
        Attempt::Answered { status: 401, .. } => Next::Fail(TwitchError::Unauthorized),
        Attempt::Answered { status: 429, reset } => {
            let reset_at = reset_instant(*reset, now);
            let wait = (reset_at - now).to_std().unwrap_or(Duration::ZERO);
            if wait <= MAX_RATE_WAIT && tries.rate_waits < RATE_WAITS {
                Next::WaitRateLimit(wait)
            } else {
                Next::Fail(TwitchError::RateLimited { reset_at })
            }
        }
        Attempt::Answered { status, .. } if *status >= 500 => {
            if tries.transient_retries < TRANSIENT_RETRIES {
                Next::RetryTransient(TRANSIENT_DELAY)
            } else {
                Next::Fail(TwitchError::Transient(format!("Twitch answered {status}")))
            }
        }
        Attempt::Answered { .. } => Next::Done,
    }
}

/// `Ratelimit-Reset` as a time; a missing or absurd header counts as one second from now.
pub fn reset_instant(reset: Option<i64>, now: DateTime<Utc>) -> DateTime<Utc> {
    reset
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .unwrap_or(now + TimeDelta::seconds(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16) -> Attempt {
        Attempt::Answered {
            status,
            reset: None,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 500_000_000).unwrap()
    }

    #[test]
    fn success_and_plain_refusals_are_final() {
        for status in [200, 204, 400, 403, 404, 409, 422, 425] {
            assert_eq!(
                next_step(&answered(status), Tries::default(), now()),
                Next::Done
            );
        }
    }

    #[test]
    fn a_401_refreshes_once_then_is_unauthorized() {
        let first = next_step(&answered(401), Tries::default(), now());
        assert_eq!(first, Next::Refresh);
        let tries = Tries {
            refreshed: true,
            ..Tries::default()
        };
        assert_eq!(
            next_step(&answered(401), tries, now()),
            Next::Fail(TwitchError::Unauthorized)
        );
    }

    #[test]
    fn a_5xx_or_no_answer_is_retried_once_then_transient() {
        let failed = Attempt::Failed("timed out".into());
        for attempt in [answered(503), answered(500), failed.clone()] {
            assert_eq!(
                next_step(&attempt, Tries::default(), now()),
                Next::RetryTransient(TRANSIENT_DELAY)
            );
        }
        let tries = Tries {
            transient_retries: 1,
            ..Tries::default()
        };
        assert_eq!(
            next_step(&answered(503), tries, now()),
            Next::Fail(TwitchError::Transient("Twitch answered 503".into()))
        );
        assert_eq!(
            next_step(&failed, tries, now()),
            Next::Fail(TwitchError::Transient("timed out".into()))
        );
    }

    #[test]
    fn a_429_with_a_near_reset_waits_until_the_reset_at_most_twice() {
        let near = Attempt::Answered {
            status: 429,
            reset: Some(1_800_000_003),
        };
        assert_eq!(
            next_step(&near, Tries::default(), now()),
            Next::WaitRateLimit(Duration::from_millis(2_500))
        );
        let tries = Tries {
            rate_waits: 2,
            ..Tries::default()
        };
        assert_eq!(
            next_step(&near, tries, now()),
            Next::Fail(TwitchError::RateLimited {
                reset_at: DateTime::from_timestamp(1_800_000_003, 0).unwrap()
            })
        );
    }

    #[test]
    fn a_429_with_a_far_reset_reports_when_to_come_back() {
        let far = Attempt::Answered {
            status: 429,
            reset: Some(1_800_000_060),
        };
        assert_eq!(
            next_step(&far, Tries::default(), now()),
            Next::Fail(TwitchError::RateLimited {
                reset_at: DateTime::from_timestamp(1_800_000_060, 0).unwrap()
            })
        );
    }

    #[test]
    fn a_429_whose_reset_passed_retries_at_once_and_one_without_reset_waits_a_second() {
        let past = Attempt::Answered {
            status: 429,
            reset: Some(1_799_999_990),
        };
        assert_eq!(
            next_step(&past, Tries::default(), now()),
            Next::WaitRateLimit(Duration::ZERO)
        );
        assert_eq!(
            next_step(&answered(429), Tries::default(), now()),
            Next::WaitRateLimit(Duration::from_secs(1))
        );
    }
}
