//! How patient Twitch is with a webhook callback, and the failures each subscription has run up.
//!
//! Twitch (dev.twitch.tv/docs/eventsub/handling-webhook-events): "You must respond to notification
//! requests within a few seconds. If your server takes too long to respond, the request will time
//! out. If you fail to respond quickly enough too many times, the subscription's status changes to
//! `notification_failures_exceeded` and Twitch revokes the subscription. If your server can't
//! process a notification request quickly enough, consider writing the event to temporary storage
//! and processing the notification after responding with 2XX."
//!
//! Twitch publishes neither the time-out nor how many failures are "too many", so the simulator
//! takes the harsher plausible values (see [`crate::Config`]):
//!
//! * an answer must arrive within [`crate::Config::webhook_response_deadline`] (2 s, the low end of
//!   "a few seconds"); a later answer is a failure whatever its status, 2XX included;
//! * failures are counted per subscription across messages ("too many times", not "too many retries
//!   of one message"); [`crate::Config::webhook_failure_limit`] failures (5) within
//!   [`crate::Config::webhook_failure_window`] (10 minutes) revoke it. The only number in circulation
//!   is third party (twitch4j: a notification is retried "typically 5 within a few minutes" before the
//!   subscription is disabled); the simulator takes those 5 but counts them over a longer window than
//!   "a few minutes", so that sparse failures still add up. A success does not wipe the slate: Twitch
//!   speaks of failures "too many times", not of failures in a row.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::window::Times;

/// The failed notification deliveries of one subscription that are still within the window.
#[derive(Clone, Debug, Default)]
pub struct FailureWindow {
    at: Times,
}

impl FailureWindow {
    /// Notes a failure at `now`, forgets those `window` or more before it, and returns how many
    /// remain (this one included).
    pub fn record(&mut self, now: DateTime<Utc>, window: Duration) -> usize {
        let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
        self.at.note(now);
        self.at.within(now, window)
    }
}

/// Whether an answer that took `elapsed` came in time: no later than `deadline`.
pub fn in_time(elapsed: Duration, deadline: Duration) -> bool {
    elapsed <= deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::seconds(secs)
    }

    #[test]
    fn failures_add_up_across_the_window_and_age_out_of_it() {
        let window = Duration::from_secs(600);
        let mut f = FailureWindow::default();
        assert_eq!(f.record(at(0), window), 1);
        assert_eq!(f.record(at(100), window), 2);
        assert_eq!(f.record(at(599), window), 3);
        // The first failure is exactly one window old now: it no longer counts.
        assert_eq!(f.record(at(600), window), 3);
        assert_eq!(f.record(at(1_300), window), 1);
    }

    #[test]
    fn an_answer_at_the_deadline_is_in_time_and_one_after_it_is_late() {
        let deadline = Duration::from_secs(2);
        assert!(in_time(Duration::from_millis(10), deadline));
        assert!(in_time(deadline, deadline));
        assert!(!in_time(deadline + Duration::from_millis(1), deadline));
    }
}
