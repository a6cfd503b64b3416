//! The analytics counters: what a channel's activity log adds up to per UTC day, kept by the store
//! as entries are written, so a render reads one record per day instead of walking the log.
//!
//! Every backend counts with the one function [`count`], at the same place it appends the entry
//! (same transaction), and builds counters for log entries older than the counters with the same
//! function (the backfill, walking the log newest first). The rules are those of the log walk in
//! `super::Tally`, which stays as their reference:
//! - a grant or extension paid by a redemption counts as fulfilled with its cost; a refund counts
//!   with its reason. One redemption counts once, as its **newest** line: a newer line for the same
//!   redemption id takes the count away from the older one (its day, its viewer). The ledger
//!   record `redemption:{id}` says where it is counted.
//! - every grant or extension with a viewer counts towards that viewer's grants.
//! - a VIP session's start and end (`start:{id}`, `end:{id}` in the ledger) count once. The
//!   backfill keeps the newest line as the walk does; a live write keeps the first, since a later
//!   repeat of the same line (interrupted bookkeeping, written again moments later) cannot be
//!   moved out of an hour's [`VipWalk`]. The two differ only if the repeat lands in another hour
//!   or after another VIP change.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{AuditAction, AuditCursor, AuditEntry};

/// How the active-VIP count moves over a stretch of time, read backwards as the log walk reads
/// it: from the count at the stretch's end to the count at its start, where walking back past a
/// session start lowers the count but never below zero (a VIP the log does not explain). Such
/// steps compose into `start = max(floor, end + net)` and, for the most VIPs at once during the
/// stretch, `peak = max(peak_floor, end + peak_rise)`: four numbers per hour, whatever happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VipWalk {
    pub net: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_floor: Option<i64>,
    pub peak_rise: i64,
}

impl Default for VipWalk {
    /// Nothing happened: the count stays.
    fn default() -> Self {
        Self {
            net: 0,
            floor: None,
            peak_floor: None,
            peak_rise: 0,
        }
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

impl VipWalk {
    /// One session starting (`true`) or ending.
    pub fn step(start: bool) -> Self {
        if start {
            Self {
                net: -1,
                floor: Some(0),
                peak_floor: Some(0),
                peak_rise: 0,
            }
        } else {
            Self {
                net: 1,
                floor: None,
                peak_floor: None,
                peak_rise: 1,
            }
        }
    }

    /// This stretch followed by the later stretch `newer`.
    pub fn then(self, newer: Self) -> Self {
        let older = self;
        Self {
            net: newer.net + older.net,
            floor: max_opt(older.floor, newer.floor.map(|f| f + older.net)),
            peak_floor: max_opt(
                max_opt(newer.peak_floor, older.peak_floor),
                newer.floor.map(|f| f + older.peak_rise),
            ),
            peak_rise: newer.peak_rise.max(newer.net + older.peak_rise),
        }
    }

    /// The count at the stretch's start, given the count at its end.
    pub fn start(self, end: i64) -> i64 {
        self.floor.map_or(end + self.net, |f| f.max(end + self.net))
    }

    /// The most VIPs at once during the stretch, given the count at its end.
    pub fn peak(self, end: i64) -> i64 {
        let rise = end + self.peak_rise;
        self.peak_floor.map_or(rise, |f| f.max(rise))
    }
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// One UTC hour of a channel's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HourCounters {
    pub fulfilled: u32,
    pub refunded: u32,
    pub points: u64,
    pub points_refunded: u64,
    /// Refunds by reason code; reasons that dropped to zero are removed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub refunds: BTreeMap<String, u32>,
    #[serde(skip_serializing_if = "is_default")]
    pub vips: VipWalk,
}

/// A viewer's grants on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewerCounters {
    /// As the day's newest line about the viewer gave it.
    pub login: String,
    pub display_name: String,
    pub points: u64,
    pub redemptions: u32,
    pub grants: u32,
}

/// One UTC day of a channel's counters: one stored record per channel and day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DayCounters {
    /// By UTC hour (0–23), so that days in another time zone can be composed from hours; hours
    /// without activity are absent.
    pub hours: BTreeMap<u8, HourCounters>,
    /// By viewer id.
    pub viewers: BTreeMap<String, ViewerCounters>,
}

/// Where a redemption or a session line is counted (a ledger record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    pub day: NaiveDate,
    pub hour: u8,
    pub what: CountedAs,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CountedAs {
    /// A fulfilled redemption: its cost, and the viewer it counts for.
    Paid {
        cost: u64,
        viewer: Option<String>,
    },
    Refund {
        cost: u64,
        reason: String,
    },
    /// A session's start or end.
    Session,
}

/// The ledger records counting one entry reads and writes, by key (`None`: not counted yet).
pub type Ledger = HashMap<String, Option<Counted>>;
/// The day records counting one entry (or a backfill batch) reads and writes.
pub type Days = BTreeMap<NaiveDate, DayCounters>;

/// Where an entry stands relative to what is counted already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    /// Newer than every counted entry: a live write.
    Newest,
    /// Older than every counted entry: the backfill, walking the log newest first.
    Oldest,
}

/// A channel's counters state: counted live since `live_from`, and how far the backfill of the
/// older log has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountersMarker {
    /// The first entry counted live; older entries are the backfill's.
    pub live_from: AuditCursor,
    pub backfill: Backfill,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Backfill {
    NotStarted,
    /// Entries from `oldest` (included) up to `live_from` are counted.
    Reached {
        oldest: AuditCursor,
    },
    Done,
}

/// What an audit write does about the counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnWrite {
    /// The entry does not count.
    Skip,
    /// The channel has no counters yet: start them with this entry (store the marker) and count it.
    Start(CountersMarker),
    Count,
    /// The entry is older than the counters and the backfill has not reached it: it will count it.
    /// The writer must still touch the marker, so a racing backfill step sees the change.
    LeaveToBackfill,
}

fn cursor_of(entry: &AuditEntry) -> (DateTime<Utc>, &str) {
    (entry.at, entry.id.as_str())
}

fn before(entry: &AuditEntry, c: &AuditCursor) -> bool {
    cursor_of(entry) < (c.at, c.id.as_str())
}

/// Decides what writing `entry` does to the counters, given the channel's marker.
pub fn on_write(marker: Option<&CountersMarker>, entry: &AuditEntry) -> OnWrite {
    if !counts(entry) {
        return OnWrite::Skip;
    }
    let Some(marker) = marker else {
        return OnWrite::Start(CountersMarker {
            live_from: AuditCursor {
                at: entry.at,
                id: entry.id.clone(),
            },
            backfill: Backfill::NotStarted,
        });
    };
    if !before(entry, &marker.live_from) {
        return OnWrite::Count;
    }
    match &marker.backfill {
        Backfill::Done => OnWrite::Count,
        Backfill::Reached { oldest } if !before(entry, oldest) => OnWrite::Count,
        _ => OnWrite::LeaveToBackfill,
    }
}

/// Whether an entry's action changes any counter.
pub fn counts(entry: &AuditEntry) -> bool {
    session_change(entry.action).is_some()
        || matches!(
            entry.action,
            AuditAction::Grant | AuditAction::Extend | AuditAction::Refund
        )
}

/// `Some(true)` for a session start, `Some(false)` for an end.
fn session_change(action: AuditAction) -> Option<bool> {
    match action {
        AuditAction::Grant | AuditAction::ExternalVipSeen => Some(true),
        AuditAction::Expire | AuditAction::Revoke | AuditAction::RemovedExternally => Some(false),
        _ => None,
    }
}

fn session_key(entry: &AuditEntry) -> Option<String> {
    let start = session_change(entry.action)?;
    let id = entry.details().session_id?;
    Some(format!("{}:{id}", if start { "start" } else { "end" }))
}

fn redemption_key(entry: &AuditEntry) -> Option<String> {
    if !matches!(
        entry.action,
        AuditAction::Grant | AuditAction::Extend | AuditAction::Refund
    ) {
        return None;
    }
    entry
        .details()
        .redemption_id
        .map(|id| format!("redemption:{id}"))
}

/// The ledger records counting `entry` needs.
pub fn ledger_keys(entry: &AuditEntry) -> Vec<String> {
    [session_key(entry), redemption_key(entry)]
        .into_iter()
        .flatten()
        .collect()
}

/// The day records counting `entry` touches, once its ledger records are read: its own day, and
/// the day a live write takes an older count of its redemption away from.
pub fn days_touched(entry: &AuditEntry, ledger: &Ledger) -> Vec<NaiveDate> {
    let mut days = vec![entry.at.date_naive()];
    if let Some(Some(prior)) = redemption_key(entry).and_then(|k| ledger.get(&k)) {
        if !days.contains(&prior.day) {
            days.push(prior.day);
        }
    }
    days
}

/// Counts `entry` into `days` and `ledger`, which hold the records [`ledger_keys`] and
/// [`days_touched`] name (missing ones count as empty).
pub fn count(entry: &AuditEntry, age: Age, days: &mut Days, ledger: &mut Ledger) {
    let day = entry.at.date_naive();
    let hour = u8::try_from(entry.at.hour()).unwrap_or(0);
    if let Some(start) = session_change(entry.action) {
        let first = match session_key(entry) {
            Some(key) => claim(ledger, key, day, hour, CountedAs::Session, age, days),
            None => true,
        };
        if first {
            let slot = &mut days
                .entry(day)
                .or_default()
                .hours
                .entry(hour)
                .or_default()
                .vips;
            *slot = match age {
                Age::Newest => slot.then(VipWalk::step(start)),
                Age::Oldest => VipWalk::step(start).then(*slot),
            };
        }
    }
    let details = entry.details();
    let cost = details.cost.unwrap_or(0);
    match entry.action {
        AuditAction::Grant | AuditAction::Extend => {
            let viewer = entry.target.as_ref().map(|v| v.id.clone());
            let paid = redemption_key(entry).is_some_and(|key| {
                let what = CountedAs::Paid {
                    cost,
                    viewer: viewer.clone(),
                };
                claim(ledger, key, day, hour, what, age, days)
            });
            let record = days.entry(day).or_default();
            if paid {
                let slot = record.hours.entry(hour).or_default();
                slot.fulfilled += 1;
                slot.points += cost;
            }
            if let Some(target) = &entry.target {
                let v = record.viewers.entry(target.id.clone()).or_default();
                if age == Age::Newest || v.login.is_empty() {
                    v.login.clone_from(&target.login);
                    v.display_name.clone_from(&target.display_name);
                }
                v.grants += 1;
                if paid {
                    v.points += cost;
                    v.redemptions += 1;
                }
            }
        }
        AuditAction::Refund => {
            let reason = details.reason.unwrap_or_else(|| "unknown".to_owned());
            let what = CountedAs::Refund {
                cost,
                reason: reason.clone(),
            };
            let first = redemption_key(entry)
                .is_none_or(|key| claim(ledger, key, day, hour, what, age, days));
            if first {
                let slot = days.entry(day).or_default().hours.entry(hour).or_default();
                slot.refunded += 1;
                slot.points_refunded += cost;
                *slot.refunds.entry(reason).or_default() += 1;
            }
        }
        _ => {}
    }
}

/// Records that `key` counts here. Returns whether it does: the backfill leaves a key counted by
/// a newer line alone; a live redemption line takes the older line's count away; a live session
/// line that is counted already is a repeat and does not count again.
fn claim(
    ledger: &mut Ledger,
    key: String,
    day: NaiveDate,
    hour: u8,
    what: CountedAs,
    age: Age,
    days: &mut Days,
) -> bool {
    let prior = ledger.get(&key).cloned().flatten();
    match (prior, age) {
        (Some(_), Age::Oldest) => return false,
        (Some(prior), Age::Newest) => {
            if matches!(prior.what, CountedAs::Session) {
                return false;
            }
            uncount(&prior, days);
        }
        (None, _) => {}
    }
    ledger.insert(key, Some(Counted { day, hour, what }));
    true
}

fn uncount(prior: &Counted, days: &mut Days) {
    let record = days.entry(prior.day).or_default();
    let slot = record.hours.entry(prior.hour).or_default();
    match &prior.what {
        CountedAs::Paid { cost, viewer } => {
            slot.fulfilled = slot.fulfilled.saturating_sub(1);
            slot.points = slot.points.saturating_sub(*cost);
            if let Some(v) = viewer.as_ref().and_then(|id| record.viewers.get_mut(id)) {
                v.points = v.points.saturating_sub(*cost);
                v.redemptions = v.redemptions.saturating_sub(1);
            }
        }
        CountedAs::Refund { cost, reason } => {
            slot.refunded = slot.refunded.saturating_sub(1);
            slot.points_refunded = slot.points_refunded.saturating_sub(*cost);
            if let Some(n) = slot.refunds.get_mut(reason) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    slot.refunds.remove(reason);
                }
            }
        }
        CountedAs::Session => {}
    }
}
