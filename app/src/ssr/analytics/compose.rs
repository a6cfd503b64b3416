//! An [`Analytics`] from day counters: the window's days summed, and the active-VIP count walked
//! back from the count now through each day's hours, newest first.
//!
//! The store counts per UTC day with one slot per UTC hour, so a day in the streamer's zone is
//! composed of hourly slots: **each UTC hour counts on the local day in which it starts.** A
//! local day therefore has 24 slots, 23 or 25 on a DST change, and in a zone whose offset is not
//! whole hours (Asia/Kolkata, +05:30) its edges fall within a slot: the slot that starts at
//! 23:30 local time counts wholly on the day it starts, so up to 30 (or 45) minutes of activity
//! may land on the neighbouring day. Each viewer's per-day sums (top viewers) are kept per UTC
//! day only: a UTC day's sums count on the local day that holds the UTC day's noon.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::counters::{DayCounters, Days, VipWalk};
use super::{rank_viewers, refund_counts, zone_range_text, ViewerTally};
use crate::model::{Analytics, AnalyticsTotals, DayStats};

/// The analytics of the `days` UTC days ending with `now`'s day, from the channel's day records
/// (`records` may hold other days too; they are ignored) and the `active_now` VIPs now.
pub fn from_counters(days: u32, now: DateTime<Utc>, active_now: u32, records: &Days) -> Analytics {
    from_counters_in(days, now, Tz::UTC, active_now, records)
}

/// The UTC days whose records a window of `days` local days ending with `now`'s local day in
/// `zone` reads: from the day before its first to the day after its last.
pub fn utc_days_read(days: u32, now: DateTime<Utc>, zone: Tz) -> (NaiveDate, NaiveDate) {
    let (first, last) = window(days, now, zone);
    (first - Duration::days(1), last + Duration::days(1))
}

/// The window's first and last local day.
fn window(days: u32, now: DateTime<Utc>, zone: Tz) -> (NaiveDate, NaiveDate) {
    let last = now.with_timezone(&zone).date_naive();
    (last - Duration::days(i64::from(days.max(1)) - 1), last)
}

/// A UTC day and one of its hours.
type Slot = (NaiveDate, u8);

/// The window's local days, oldest first, each with its UTC hour slots in time order, and the
/// UTC days whose viewer sums count on it.
fn layout(
    first: NaiveDate,
    last: NaiveDate,
    zone: Tz,
) -> Vec<(NaiveDate, Vec<Slot>, Vec<NaiveDate>)> {
    let mut out: Vec<(NaiveDate, Vec<Slot>, Vec<NaiveDate>)> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|d| (d, Vec::new(), Vec::new()))
        .collect();
    let index = |local: NaiveDate| usize::try_from((local - first).num_days()).ok();
    let (from, to) = (first - Duration::days(1), last + Duration::days(1));
    for utc_day in from.iter_days().take_while(|d| *d <= to) {
        for hour in 0..24u8 {
            let start = utc_day.and_time(NaiveTime::MIN).and_utc() + Duration::hours(hour.into());
            let local = start.with_timezone(&zone).date_naive();
            if let Some(day) = index(local).and_then(|i| out.get_mut(i)) {
                day.1.push((utc_day, hour));
            }
        }
        let noon = utc_day.and_time(NaiveTime::MIN).and_utc() + Duration::hours(12);
        if let Some(day) =
            index(noon.with_timezone(&zone).date_naive()).and_then(|i| out.get_mut(i))
        {
            day.2.push(utc_day);
        }
    }
    out
}

/// The analytics of the `days` days in `zone` ending with `now`'s day there.
pub fn from_counters_in(
    days: u32,
    now: DateTime<Utc>,
    zone: Tz,
    active_now: u32,
    records: &Days,
) -> Analytics {
    let days = days.max(1);
    let (first_day, last_day) = window(days, now, zone);
    let mut series = Vec::with_capacity(days as usize);
    let mut refunds: HashMap<String, u32> = HashMap::new();
    let mut viewers: HashMap<String, ViewerTally> = HashMap::new();
    let mut totals = AnalyticsTotals::default();
    let empty = DayCounters::default();
    // Newest day first, as the count is walked back from now.
    let mut active = i64::from(active_now);
    for (day, slots, viewer_days) in layout(first_day, last_day, zone).into_iter().rev() {
        let mut stats = DayStats {
            date: day.format("%Y-%m-%d").to_string(),
            label: day.format("%-d %b").to_string(),
            ..DayStats::default()
        };
        let mut walk = VipWalk::default();
        for (utc_day, hour) in slots {
            let record = records.get(&utc_day).unwrap_or(&empty);
            let Some(hour) = record.hours.get(&hour) else {
                continue;
            };
            stats.fulfilled += hour.fulfilled;
            stats.refunded += hour.refunded;
            stats.points += hour.points;
            totals.points_refunded += hour.points_refunded;
            for (reason, n) in &hour.refunds {
                *refunds.entry(reason.clone()).or_default() += n;
            }
            walk = walk.then(hour.vips);
        }
        for utc_day in viewer_days {
            let Some(record) = records.get(&utc_day) else {
                continue;
            };
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
        range: zone_range_text(first_day, last_day, zone.name()),
        zone: zone.name().to_owned(),
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
