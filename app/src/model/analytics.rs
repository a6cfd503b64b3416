//! The analytics page's model: per-day series and rankings over a window of recent days, computed on
//! the server from the activity log and sent ready to draw. Dates and labels are already text (UTC),
//! so the browser formats nothing.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The windows the page offers, in days.
pub const ANALYTICS_WINDOWS: [u32; 3] = [7, 30, 90];
/// The window when the request names none.
pub const DEFAULT_ANALYTICS_DAYS: u32 = 30;
/// How many viewers the "top viewers" list holds at most.
pub const TOP_VIEWERS: usize = 10;

/// Reads the `days` query value: empty means [`DEFAULT_ANALYTICS_DAYS`].
///
/// # Errors
/// [`AppError::Invalid`] for anything but one of [`ANALYTICS_WINDOWS`].
pub fn parse_analytics_days(days: Option<&str>) -> Result<u32, AppError> {
    match days.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(DEFAULT_ANALYTICS_DAYS),
        Some(d) => d
            .parse::<u32>()
            .ok()
            .filter(|n| ANALYTICS_WINDOWS.contains(n))
            .ok_or_else(|| AppError::Invalid(format!("`days` must be 7, 30 or 90, not {d}"))),
    }
}

/// A count with thousands separated by commas: `12,500`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One UTC day of the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStats {
    /// `2026-03-04`.
    pub date: String,
    /// Short label for axes: `Mar 4`.
    pub label: String,
    /// Redemptions that ended in VIP (granted or extended) this day.
    pub fulfilled: u32,
    /// Redemptions refunded this day.
    pub refunded: u32,
    /// Channel points spent on fulfilled redemptions this day (refunded points are not spent).
    pub points: u64,
    /// Active VIPs at the end of the day (for today: now).
    pub active_end: u32,
    /// The most VIPs active at once during the day.
    pub active_peak: u32,
}

impl DayStats {
    /// Every redemption decided this day.
    pub fn redemptions(&self) -> u32 {
        self.fulfilled + self.refunded
    }
}

/// How many redemptions were refunded for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundCount {
    /// The reason's code, e.g. `slots_full`.
    pub reason: String,
    /// The reason in words.
    pub label: String,
    pub count: u32,
}

/// A viewer's VIP activity in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopViewer {
    /// 1 for the first; viewers with equal numbers share a rank.
    pub rank: u32,
    pub id: String,
    pub login: String,
    pub display_name: String,
    /// Channel points spent on fulfilled redemptions.
    pub points: u64,
    /// Fulfilled redemptions.
    pub redemptions: u32,
    /// Grants and extensions from every source (redemptions, by hand, subs, bits).
    pub grants: u32,
}

/// Sums over the whole window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsTotals {
    pub fulfilled: u32,
    pub refunded: u32,
    pub points_spent: u64,
    /// Points given back by refunds.
    pub points_refunded: u64,
}

/// Everything the analytics page draws.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analytics {
    /// The window's length in days (one of [`ANALYTICS_WINDOWS`]).
    pub days: u32,
    /// The window in words: `5 Feb – 6 Mar 2026 (UTC)` (in English; pages write it from the
    /// series' dates and [`Self::zone`] in their own language).
    pub range: String,
    /// The time zone whose days these are (`UTC`, or the streamer's IANA zone).
    #[serde(default)]
    pub zone: String,
    /// One entry per day, oldest first; days without activity are present with zeros.
    pub series: Vec<DayStats>,
    /// Active VIPs when the window began.
    pub active_at_start: u32,
    /// Active VIPs now.
    pub active_now: u32,
    /// Most frequent reason first.
    pub refunds: Vec<RefundCount>,
    /// Most points first (then redemptions, then grants); at most [`TOP_VIEWERS`].
    pub top_viewers: Vec<TopViewer>,
    pub totals: AnalyticsTotals,
    /// The log was read only up to a limit before reaching the window's start: older days may be
    /// missing events.
    pub partial: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        let got: Vec<String> = [0, 999, 1_000, 12_500, 1_234_567].map(grouped).into();
        assert_eq!(got, ["0", "999", "1,000", "12,500", "1,234,567"]);
    }

    #[test]
    fn days_default_to_thirty_and_accept_only_the_offered_windows() {
        assert_eq!(parse_analytics_days(None), Ok(30));
        assert_eq!(parse_analytics_days(Some(" ")), Ok(30));
        for d in ANALYTICS_WINDOWS {
            assert_eq!(parse_analytics_days(Some(&d.to_string())), Ok(d));
        }
        for bad in ["0", "31", "-7", "week", "7.0"] {
            assert!(parse_analytics_days(Some(bad)).is_err(), "{bad}");
        }
    }
}
