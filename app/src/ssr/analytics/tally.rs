//! The log walk analytics were computed with before the counters: entries fed newest first into a
//! [`Tally`]. It stays as the reference the counters are checked against (same history, same
//! [`Analytics`]) and as the benchmark's "before".

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{range_text, rank_viewers, refund_counts, ViewerTally};
use crate::model::{
    Analytics, AnalyticsTotals, AuditAction, AuditEntry, AuditQuery, ChannelId, DayStats,
    MAX_ACTIVITY_LIMIT,
};
use crate::ssr::store::{Store, StoreResult};

/// The most log entries one walk reads; past it the result is marked partial.
pub const MAX_SCANNED: usize = 20_000;

/// The analytics of `channel` over the last `days` UTC days up to `now`, with `active_now` VIPs
/// now, by walking its log newest first: how they were computed before the counters.
///
/// # Errors
/// What the store's `audit_page` returns.
pub async fn walk_log(
    store: &dyn Store,
    channel: &ChannelId,
    days: u32,
    now: DateTime<Utc>,
    active_now: u32,
) -> StoreResult<Analytics> {
    let mut tally = Tally::new(days, now, active_now);
    let mut query = AuditQuery {
        action: None,
        viewer_id: None,
        before: None,
        limit: MAX_ACTIVITY_LIMIT,
    };
    loop {
        let page = store.audit_page(channel, &query).await?;
        for entry in &page.entries {
            if !tally.push(entry) {
                return Ok(tally.finish(false));
            }
        }
        let Some(next) = page.next else {
            return Ok(tally.finish(false));
        };
        if tally.scanned >= MAX_SCANNED {
            return Ok(tally.finish(true));
        }
        query.before = Some(next);
    }
}

/// Folds log entries, fed newest first, into an [`Analytics`].
pub struct Tally {
    days: u32,
    first_day: NaiveDate,
    now: DateTime<Utc>,
    series: Vec<DayStats>,
    /// The day the walk has reached (index into `series`).
    day: usize,
    /// Active VIPs just before the last entry walked past.
    active: u32,
    active_now: u32,
    refunds: HashMap<String, u32>,
    viewers: HashMap<String, ViewerTally>,
    redemptions_seen: HashSet<String>,
    sessions_seen: HashSet<(bool, String)>,
    totals: AnalyticsTotals,
    /// Entries read, including those skipped.
    pub scanned: usize,
}

impl Tally {
    /// An empty tally of the `days` UTC days ending with `now`'s day, with `active_now` VIPs now.
    pub fn new(days: u32, now: DateTime<Utc>, active_now: u32) -> Self {
        let days = days.max(1);
        let first_day = now.date_naive() - Duration::days(i64::from(days) - 1);
        let series: Vec<DayStats> = first_day
            .iter_days()
            .take(days as usize)
            .map(|d| DayStats {
                date: d.format("%Y-%m-%d").to_string(),
                label: d.format("%-d %b").to_string(),
                active_end: active_now,
                active_peak: active_now,
                ..DayStats::default()
            })
            .collect();
        Self {
            days,
            first_day,
            now,
            day: series.len() - 1,
            series,
            active: active_now,
            active_now,
            refunds: HashMap::new(),
            viewers: HashMap::new(),
            redemptions_seen: HashSet::new(),
            sessions_seen: HashSet::new(),
            totals: AnalyticsTotals::default(),
            scanned: 0,
        }
    }

    /// Adds the next older entry. Returns `false` once an entry is older than the window: the walk
    /// can stop. Entries newer than `now` (written while the log was read) are skipped.
    pub fn push(&mut self, entry: &AuditEntry) -> bool {
        self.scanned += 1;
        if entry.at > self.now {
            return true;
        }
        let Ok(day) = usize::try_from((entry.at.date_naive() - self.first_day).num_days()) else {
            return false;
        };
        // Days with no entries between the last entry and this one hold the count steady.
        while self.day > day {
            self.day -= 1;
            self.series[self.day].active_end = self.active;
            self.series[self.day].active_peak = self.active;
        }
        let details = entry.details();
        self.walk_back_active(entry, details.session_id.as_deref());
        let today = &mut self.series[day];
        today.active_peak = today.active_peak.max(self.active);
        let cost = details.cost;
        match entry.action {
            AuditAction::Grant | AuditAction::Extend => {
                let paid = details
                    .redemption_id
                    .as_deref()
                    .is_some_and(|id| self.redemptions_seen.insert(id.to_owned()));
                let points = if paid { cost.unwrap_or(0) } else { 0 };
                if paid {
                    today.fulfilled += 1;
                    today.points += points;
                    self.totals.fulfilled += 1;
                    self.totals.points_spent += points;
                }
                if let Some(viewer) = &entry.target {
                    let v = self.viewers.entry(viewer.id.clone()).or_default();
                    if v.login.is_empty() {
                        v.login.clone_from(&viewer.login);
                        v.display_name.clone_from(&viewer.display_name);
                    }
                    v.grants += 1;
                    v.points += points;
                    v.redemptions += u32::from(paid);
                }
            }
            AuditAction::Refund => {
                let first = details
                    .redemption_id
                    .as_deref()
                    .is_none_or(|id| self.redemptions_seen.insert(id.to_owned()));
                if first {
                    today.refunded += 1;
                    self.totals.refunded += 1;
                    self.totals.points_refunded += cost.unwrap_or(0);
                    let reason = details.reason.unwrap_or_else(|| "unknown".to_owned());
                    *self.refunds.entry(reason).or_default() += 1;
                }
            }
            _ => {}
        }
        true
    }

    /// Moves the active count to what it was just before `entry`.
    fn walk_back_active(&mut self, entry: &AuditEntry, session_id: Option<&str>) {
        let start = match entry.action {
            AuditAction::Grant | AuditAction::ExternalVipSeen => true,
            AuditAction::Expire | AuditAction::Revoke | AuditAction::RemovedExternally => false,
            _ => return,
        };
        // A session starts and ends once; a repeated line (interrupted bookkeeping) counts once.
        if let Some(id) = session_id {
            if !self.sessions_seen.insert((start, id.to_owned())) {
                return;
            }
        }
        self.active = if start {
            self.active.saturating_sub(1)
        } else {
            self.active + 1
        };
    }

    /// The finished analytics; `partial` when the walk stopped before the window's start.
    pub fn finish(mut self, partial: bool) -> Analytics {
        while self.day > 0 {
            self.day -= 1;
            self.series[self.day].active_end = self.active;
            self.series[self.day].active_peak = self.active;
        }
        Analytics {
            days: self.days,
            range: range_text(self.first_day, self.now),
            zone: "UTC".to_owned(),
            series: self.series,
            active_at_start: self.active,
            active_now: self.active_now,
            refunds: refund_counts(self.refunds),
            top_viewers: rank_viewers(self.viewers),
            totals: self.totals,
            partial,
        }
    }
}
