//! Helix answers → domain outcomes, as pure functions: what the transport does next with a response
//! (refresh, wait, retry, give up) and what a final status means for each endpoint. Nothing here
//! does I/O, so every row of the table is a unit test.

use std::time::Duration;

use app::ssr::twitch::{AddVipError, RemoveVipOutcome, TwitchError};
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

/// A final non-success status of an endpoint without specific rules.
pub fn error(status: u16, message: &str) -> TwitchError {
    match status {
        401 => TwitchError::Unauthorized,
        403 => TwitchError::Forbidden(or_status(message, status)),
        404 => TwitchError::NotFound,
        s if s >= 500 => TwitchError::Transient(format!("Twitch answered {s}")),
        s => TwitchError::Rejected(or_status(message, s)),
    }
}

fn or_status(message: &str, status: u16) -> String {
    if message.is_empty() {
        format!("Twitch answered {status}")
    } else {
        message.to_owned()
    }
}

/// What Add Channel VIP's final status means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddVipVerdict {
    Added,
    Refused(AddVipError),
    /// 422: moderator or already a VIP; Get Moderators / Get VIPs tell which.
    CheckRoles,
}

pub fn add_vip(status: u16, message: &str) -> AddVipVerdict {
    match status {
        200..=299 => AddVipVerdict::Added,
        400 => AddVipVerdict::Refused(AddVipError::UserBlocked),
        404 => AddVipVerdict::Refused(AddVipError::UserNotFound),
        409 => AddVipVerdict::Refused(AddVipError::SlotsFull),
        422 => AddVipVerdict::CheckRoles,
        425 => AddVipVerdict::Refused(AddVipError::BuildACommunityRequired),
        s => AddVipVerdict::Refused(AddVipError::Twitch(error(s, message))),
    }
}

/// After a 422: which role Twitch meant. `message` is the 422's own message.
pub fn add_vip_roles(is_moderator: bool, is_vip: bool, message: &str) -> AddVipError {
    if is_moderator {
        AddVipError::IsModerator
    } else if is_vip {
        AddVipError::AlreadyVip
    } else {
        AddVipError::Twitch(TwitchError::Rejected(or_status(message, 422)))
    }
}

pub fn remove_vip(status: u16, message: &str) -> Result<RemoveVipOutcome, TwitchError> {
    match status {
        200..=299 => Ok(RemoveVipOutcome::Removed),
        422 => Ok(RemoveVipOutcome::NotAVip),
        s => Err(error(s, message)),
    }
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

    #[test]
    fn generic_errors() {
        assert_eq!(error(401, "x"), TwitchError::Unauthorized);
        assert_eq!(error(403, "no"), TwitchError::Forbidden("no".into()));
        assert_eq!(error(404, "gone"), TwitchError::NotFound);
        assert_eq!(
            error(502, "bad"),
            TwitchError::Transient("Twitch answered 502".into())
        );
        assert_eq!(
            error(400, "The title must be unique"),
            TwitchError::Rejected("The title must be unique".into())
        );
        assert_eq!(
            error(422, ""),
            TwitchError::Rejected("Twitch answered 422".into())
        );
    }

    #[test]
    fn add_vip_rows() {
        use AddVipVerdict::*;
        assert_eq!(add_vip(204, ""), Added);
        assert_eq!(add_vip(400, "blocked"), Refused(AddVipError::UserBlocked));
        assert_eq!(add_vip(404, ""), Refused(AddVipError::UserNotFound));
        assert_eq!(add_vip(409, ""), Refused(AddVipError::SlotsFull));
        assert_eq!(add_vip(422, ""), CheckRoles);
        assert_eq!(
            add_vip(425, ""),
            Refused(AddVipError::BuildACommunityRequired)
        );
        assert_eq!(
            add_vip(403, "not yours"),
            Refused(AddVipError::Twitch(TwitchError::Forbidden(
                "not yours".into()
            )))
        );
        assert_eq!(
            add_vip(401, ""),
            Refused(AddVipError::Twitch(TwitchError::Unauthorized))
        );
    }

    #[test]
    fn add_vip_422_rows() {
        assert_eq!(add_vip_roles(true, false, "m"), AddVipError::IsModerator);
        assert_eq!(add_vip_roles(false, true, "m"), AddVipError::AlreadyVip);
        assert_eq!(
            add_vip_roles(false, false, "odd"),
            AddVipError::Twitch(TwitchError::Rejected("odd".into()))
        );
    }

    #[test]
    fn remove_vip_rows() {
        assert_eq!(remove_vip(204, ""), Ok(RemoveVipOutcome::Removed));
        assert_eq!(remove_vip(422, ""), Ok(RemoveVipOutcome::NotAVip));
        assert_eq!(remove_vip(404, ""), Err(TwitchError::NotFound));
        assert_eq!(
            remove_vip(403, "f"),
            Err(TwitchError::Forbidden("f".into()))
        );
        assert_eq!(
            remove_vip(400, "bad id"),
            Err(TwitchError::Rejected("bad id".into()))
        );
    }
}
