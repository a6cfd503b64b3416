//! The times of past events inside a sliding window, oldest first: what Twitch's "so many per so
//! long" limits count (VIP adds and removals, chat messages, a webhook subscription's failures).

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, Default)]
pub struct Times(VecDeque<DateTime<Utc>>);

impl Times {
    /// Forgets the times `span` or more before `now` and returns how many remain. Should the wall
    /// clock step back, a time behind a later one stays until that one ages out: the harsher count.
    pub fn within(&mut self, now: DateTime<Utc>, span: Duration) -> usize {
        while self
            .0
            .front()
            .is_some_and(|first| now.signed_duration_since(*first) >= span)
        {
            self.0.pop_front();
        }
        self.0.len()
    }

    /// Notes an event at `at`.
    pub fn note(&mut self, at: DateTime<Utc>) {
        self.0.push_back(at);
    }

    /// The oldest time kept.
    pub fn oldest(&self) -> Option<DateTime<Utc>> {
        self.0.front().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(secs)
    }

    #[test]
    fn a_time_one_span_old_is_forgotten_and_a_younger_one_kept() {
        let mut times = Times::default();
        times.note(at(0));
        times.note(at(5));
        assert_eq!(times.within(at(9), Duration::seconds(10)), 2);
        assert_eq!(times.within(at(10), Duration::seconds(10)), 1);
        assert_eq!(times.oldest(), Some(at(5)));
        assert_eq!(times.within(at(15), Duration::seconds(10)), 0);
        assert_eq!(times.oldest(), None);
    }
}
