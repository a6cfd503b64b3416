//! Expiry warnings: the lead times before a VIP ends at which the viewer is @-mentioned in chat,
//! and the pure rules of when a warning is due.
//!
//! A lead time falls due at `deadline - lead`. It is sent only when that moment was still ahead
//! when the deadline was set (a grant of 30 minutes gets no "1 hour left" warning, and an
//! extension that leaves less than the lead time does not repeat it); an extension past a lead
//! time makes it due again at the new moment. Each (session, lead time, deadline) is warned once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest lead time: one day.
pub const MAX_WARNING_LEAD_SECS: u64 = 86_400;
/// How many lead times a channel may set.
pub const MAX_WARNINGS: usize = 5;

/// A channel's lead times in seconds, smallest first, without repeats; empty: no warnings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<u64>", into = "Vec<u64>")]
pub struct WarningLeads(Vec<u64>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WarningLeadsError {
    #[error("a warning lead time must be at least 1 second")]
    Zero,
    #[error("a warning lead time can be at most 86400 seconds (one day)")]
    TooLong,
    #[error("at most 5 warning lead times")]
    TooMany,
}

impl TryFrom<Vec<u64>> for WarningLeads {
    type Error = WarningLeadsError;

    fn try_from(mut leads: Vec<u64>) -> Result<Self, Self::Error> {
        if leads.contains(&0) {
            return Err(WarningLeadsError::Zero);
        }
        if leads.iter().any(|l| *l > MAX_WARNING_LEAD_SECS) {
            return Err(WarningLeadsError::TooLong);
        }
        leads.sort_unstable();
        leads.dedup();
        if leads.len() > MAX_WARNINGS {
            return Err(WarningLeadsError::TooMany);
        }
        Ok(Self(leads))
    }
}

impl From<WarningLeads> for Vec<u64> {
    fn from(leads: WarningLeads) -> Self {
        leads.0
    }
}

impl WarningLeads {
    pub fn secs(&self) -> &[u64] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The lead times whose moment has come at `now` for a VIP ending at `deadline` (and not yet
    /// ended), smallest first.
    pub fn passed(&self, deadline: DateTime<Utc>, now: DateTime<Utc>) -> Vec<u64> {
        if deadline <= now {
            return Vec::new();
        }
        self.0
            .iter()
            .copied()
            .filter(|lead| deadline - secs(*lead) <= now)
            .collect()
    }

    /// The next moment after `now` at which a lead time falls due for a VIP ending at `deadline`.
    pub fn next_at(&self, deadline: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.0
            .iter()
            .map(|lead| deadline - secs(*lead))
            .filter(|at| *at > now)
            .min()
    }
}

fn secs(s: u64) -> chrono::Duration {
    // At most a day: fits an i64.
    chrono::Duration::seconds(s as i64)
}

/// The record that makes one warning happen once: per session, lead time and deadline (a new
/// deadline, after an extension, warns again).
pub fn warning_key(session_id: &str, lead: u64, deadline: DateTime<Utc>) -> String {
    format!(
        "expiry-warning:{session_id}:{lead}:{}",
        deadline.timestamp_micros()
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(s)
    }

    fn leads(l: &[u64]) -> WarningLeads {
        WarningLeads::try_from(l.to_vec()).unwrap()
    }

    #[test]
    fn lead_times_are_sorted_bounded_and_counted() {
        assert_eq!(leads(&[3_600, 600, 600]).secs(), [600, 3_600]);
        assert_eq!(leads(&[1]).secs(), [1]);
        assert_eq!(
            WarningLeads::try_from(vec![0]),
            Err(WarningLeadsError::Zero)
        );
        assert_eq!(
            WarningLeads::try_from(vec![86_401]),
            Err(WarningLeadsError::TooLong)
        );
        assert_eq!(
            WarningLeads::try_from(vec![1, 2, 3, 4, 5, 6]),
            Err(WarningLeadsError::TooMany)
        );
        assert!(serde_json::from_str::<WarningLeads>("[0]").is_err());
        assert_eq!(
            serde_json::to_string(&leads(&[3_600, 60])).unwrap(),
            "[60,3600]"
        );
    }

    #[test]
    fn a_warning_is_due_from_its_moment_until_the_deadline() {
        let l = leads(&[3_600, 600]);
        let deadline = at(7_200);
        assert!(l.passed(deadline, at(3_599)).is_empty());
        assert_eq!(l.next_at(deadline, at(0)), Some(at(3_600)));
        assert_eq!(l.passed(deadline, at(3_600)), [3_600]);
        assert_eq!(l.next_at(deadline, at(3_600)), Some(at(6_600)));
        assert_eq!(l.passed(deadline, at(6_600)), [600, 3_600]);
        assert_eq!(l.next_at(deadline, at(6_600)), None);
        // Once the deadline is reached, expiry takes over.
        assert!(l.passed(deadline, at(7_200)).is_empty());
    }

    #[test]
    fn an_extension_makes_a_lead_time_due_again_at_the_new_deadline() {
        let first = warning_key("s", 600, at(7_200));
        let extended = warning_key("s", 600, at(9_000));
        assert_ne!(first, extended);
        assert_eq!(first, warning_key("s", 600, at(7_200)));
        let l = leads(&[600]);
        // Extended from 7 200 to 9 000 after the warning at 6 600: due again at 8 400.
        assert!(l.passed(at(9_000), at(6_700)).is_empty());
        assert_eq!(l.next_at(at(9_000), at(6_700)), Some(at(8_400)));
    }
}
