//! Analytics use case: a channel's redemptions, points spent, refunds, active VIPs and top viewers
//! per UTC day over a window of recent days, computed from the activity log (which outlives Twitch's
//! redemption history). The log is walked newest first and the walk stops at the window's start,
//! so the cost follows the window, not the channel's age.
//!
//! Active VIPs are reconstructed backwards: the count now is read from the store's active sessions,
//! and walking back past a session's start (grant, VIP seen outside the app) lowers it by one, past
//! an end (expiry, revoke, removal on Twitch) raises it by one.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;

use super::activity::AuditReader;
use super::auth::Caller;
use super::{OrInternal, ServerContext};
use crate::error::AppError;
use crate::model::{
    ActivityRequest, Analytics, AnalyticsTotals, AuditAction, AuditEntry, ChannelId, DayStats,
    RefundCount, RefundReason, TopViewer, MAX_ACTIVITY_LIMIT, TOP_VIEWERS,
};

/// The most log entries one request reads; past it the result is marked partial.
pub const MAX_SCANNED: usize = 20_000;

/// The analytics of `channel` over the last `days` UTC days up to `now`.
///
/// # Errors
/// Access errors from [`AuditReader::open`]; [`AppError::Internal`] on store failure.
pub async fn analytics(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Analytics, AppError> {
    let request = ActivityRequest {
        action: None,
        viewer: None,
        before: None,
        limit: MAX_ACTIVITY_LIMIT,
    };
    let mut reader = AuditReader::open(ctx, caller, channel, request).await?;
    let active_now = ctx
        .store()
        .active_sessions(channel)
        .await
        .or_internal("listing VIPs for analytics")?
        .len();
    let mut tally = Tally::new(days, now, u32::try_from(active_now).unwrap_or(u32::MAX));
    let mut partial = false;
    'pages: loop {
        let page = reader.next_page().await?;
        for entry in &page.entries {
            if !tally.push(entry) {
                break 'pages;
            }
        }
        if page.next.is_none() {
            break;
        }
        if tally.scanned >= MAX_SCANNED {
            partial = true;
            break;
        }
    }
    Ok(tally.finish(partial))
}

/// A refund reason in a few words, for the chart.
pub fn refund_label(reason: &str) -> String {
    let known = serde_json::from_value::<RefundReason>(Value::String(reason.to_owned()));
    match known {
        Ok(RefundReason::IsModerator) => "Viewer is a moderator",
        Ok(RefundReason::AlreadyVip) => "Already a permanent VIP",
        Ok(RefundReason::SlotsFull) => "VIP slots full",
        Ok(RefundReason::WaitlistTimedOut) => "Waitlist timed out",
        Ok(RefundReason::BuildACommunityRequired) => "Build a Community required",
        Ok(RefundReason::UserBlocked) => "Viewer blocked",
        Ok(RefundReason::UserNotFound) => "Viewer not found",
        Ok(RefundReason::RewardDisabled) => "Reward switched off",
        Ok(RefundReason::TwitchRefused) => "Twitch refused",
        Ok(RefundReason::TwitchUnavailable) => "Twitch unavailable",
        Ok(RefundReason::BroadcasterSelf) => "Broadcaster's own redemption",
        Ok(RefundReason::RewardDeleted) => "Reward deleted",
        Err(_) => return reason.replace('_', " "),
    }
    .to_owned()
}

#[derive(Default)]
struct ViewerTally {
    login: String,
    display_name: String,
    points: u64,
    redemptions: u32,
    grants: u32,
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
                    .is_some_and(|id| self.redemptions_seen.insert(id));
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
                    .is_none_or(|id| self.redemptions_seen.insert(id));
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
        let mut refunds: Vec<RefundCount> = self
            .refunds
            .into_iter()
            .map(|(reason, count)| RefundCount {
                label: refund_label(&reason),
                reason,
                count,
            })
            .collect();
        refunds.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
        let range = format!(
            "{} – {} (UTC)",
            self.first_day.format("%-d %b %Y"),
            self.now.date_naive().format("%-d %b %Y")
        );
        Analytics {
            days: self.days,
            range,
            series: self.series,
            active_at_start: self.active,
            active_now: self.active_now,
            refunds,
            top_viewers: rank_viewers(self.viewers),
            totals: self.totals,
            partial,
        }
    }
}

/// Most points first, then most redemptions, then most grants; equal numbers share a rank and are
/// listed by login (then id), so the order never depends on the walk.
fn rank_viewers(viewers: HashMap<String, ViewerTally>) -> Vec<TopViewer> {
    let mut list: Vec<(String, ViewerTally)> =
        viewers.into_iter().filter(|(_, v)| v.grants > 0).collect();
    let key = |v: &ViewerTally| (v.points, v.redemptions, v.grants);
    list.sort_by(|(a_id, a), (b_id, b)| {
        key(b)
            .cmp(&key(a))
            .then_with(|| a.login.cmp(&b.login))
            .then_with(|| a_id.cmp(b_id))
    });
    let mut ranked: Vec<TopViewer> = Vec::new();
    for (i, (id, v)) in list.into_iter().take(TOP_VIEWERS).enumerate() {
        let rank = match ranked.last() {
            Some(prev) if (prev.points, prev.redemptions, prev.grants) == key(&v) => prev.rank,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        ranked.push(TopViewer {
            rank,
            id,
            login: v.login,
            display_name: v.display_name,
            points: v.points,
            redemptions: v.redemptions,
            grants: v.grants,
        });
    }
    ranked
}

#[cfg(test)]
mod tests;
