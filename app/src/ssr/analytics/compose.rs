//! An [`Analytics`] from day counters: the window's day records summed, and the active-VIP count
//! walked back from the count now through each day's hours, newest first.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::counters::{Days, VipWalk};
use super::{range_text, rank_viewers, refund_counts, ViewerTally};
use crate::model::{Analytics, AnalyticsTotals, DayStats};

/// The analytics of the `days` UTC days ending with `now`'s day, from the channel's day records
/// (`records` may hold other days too; they are ignored) and the `active_now` VIPs now.
pub fn from_counters(days: u32, now: DateTime<Utc>, active_now: u32, records: &Days) -> Analytics {
    let days = days.max(1);
    let first_day = now.date_naive() - Duration::days(i64::from(days) - 1);
    let mut series = Vec::with_capacity(days as usize);
    let mut refunds: HashMap<String, u32> = HashMap::new();
    let mut viewers: HashMap<String, ViewerTally> = HashMap::new();
    let mut totals = AnalyticsTotals::default();
    // Newest day first, as the count is walked back from now.
    let mut active = i64::from(active_now);
    for day in first_day
        .iter_days()
        .take(days as usize)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        let mut stats = DayStats {
            date: day.format("%Y-%m-%d").to_string(),
            label: day.format("%-d %b").to_string(),
            ..DayStats::default()
        };
        let mut walk = VipWalk::default();
        if let Some(record) = records.get(&day) {
            for hour in record.hours.values() {
                stats.fulfilled += hour.fulfilled;
                stats.refunded += hour.refunded;
                stats.points += hour.points;
                totals.points_refunded += hour.points_refunded;
                for (reason, n) in &hour.refunds {
                    *refunds.entry(reason.clone()).or_default() += n;
                }
                walk = walk.then(hour.vips);
            }
            for (id, v) in &record.viewers {
                let t = viewers.entry(id.clone()).or_default();
                if t.login.is_empty() {
                    t.login.clone_from(&v.login);
                    t.display_name.clone_from(&v.display_name);
                }
                t.points += v.points;
                t.redemptions += v.redemptions;
                t.grants += v.grants;
            }
        }
        totals.fulfilled += stats.fulfilled;
        totals.refunded += stats.refunded;
        totals.points_spent += stats.points;
        stats.active_end = count(active);
        stats.active_peak = count(walk.peak(active));
        active = walk.start(active);
        series.push(stats);
    }
    series.reverse();
    Analytics {
        days,
        range: range_text(first_day, now),
        series,
        active_at_start: count(active),
        active_now,
        refunds: refund_counts(refunds),
        top_viewers: rank_viewers(viewers),
        totals,
        partial: false,
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}
