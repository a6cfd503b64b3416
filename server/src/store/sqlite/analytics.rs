//! The analytics counters (`analytics_days`, `analytics_counted`, `analytics_markers`): counted
//! in the writer job that appends each audit entry ([`count_appended`]), and backfilled from the
//! log in one writer job (a savepoint of the writer's `BEGIN IMMEDIATE` transaction). SQLite runs
//! one writer at a time, and this process writes through one writer, so every entry is
//! either committed before the backfill (which reads it) or after it (when the marker says the
//! counters are complete and the append counts it): never both, never neither.

use app::model::{AuditCursor, AuditEntry, ChannelId};
use app::ssr::analytics::counters::{
    count, days_touched, ledger_keys, on_write, Age, Backfill, Counted, CountersMarker,
    DayCounters, Days, Ledger, OnWrite,
};
use app::ssr::store::AnalyticsStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::audit::{audit_columns, AuditRow};
use super::codec::{from_json, micros, sql_error, to_json};
use super::readers::{all, one};
use super::SqliteStore;

/// Log entries read per query while backfilling.
const BACKFILL_PAGE: u32 = 500;

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn parse_day(text: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| app::ssr::StoreError::Corrupt(format!("analytics day {text}: {e}")))
}

/// A channel's marker: read by the writer in its jobs, and by a reader to skip a finished backfill.
const SELECT_MARKER: &str = "SELECT marker FROM analytics_markers WHERE channel_id = ?1";

fn marker(conn: &Connection, channel: &str) -> StoreResult<Option<CountersMarker>> {
    let marker: Option<String> = conn
        .prepare_cached(SELECT_MARKER)
        .and_then(|mut s| s.query_row([channel], |row| row.get(0)).optional())
        .map_err(sql_error)?;
    marker
        .map(|m| from_json(&m, "analytics marker"))
        .transpose()
}

const UPSERT_MARKER: &str = "INSERT INTO analytics_markers (channel_id, marker) VALUES (?1, ?2)
     ON CONFLICT (channel_id) DO UPDATE SET marker = excluded.marker";
const UPSERT_DAY: &str =
    "INSERT INTO analytics_days (channel_id, day, counters) VALUES (?1, ?2, ?3)
     ON CONFLICT (channel_id, day) DO UPDATE SET counters = excluded.counters";
const UPSERT_COUNTED: &str = "INSERT INTO analytics_counted (channel_id, key, counted)
     VALUES (?1, ?2, ?3)
     ON CONFLICT (channel_id, key) DO UPDATE SET counted = excluded.counted";

/// Runs one of the upserts above.
fn upsert(conn: &Connection, sql: &str, values: [&str; 3]) -> StoreResult<()> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(values))
        .map_err(sql_error)?;
    Ok(())
}

fn put_marker(conn: &Connection, channel: &str, marker: &CountersMarker) -> StoreResult<()> {
    let marker = to_json(marker, "analytics marker")?;
    conn.prepare_cached(UPSERT_MARKER)
        .and_then(|mut s| s.execute([channel, marker.as_str()]))
        .map_err(sql_error)?;
    Ok(())
}

/// One stored JSON text by its key, or `None`.
fn stored(conn: &Connection, sql: &str, channel: &str, key: &str) -> StoreResult<Option<String>> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.query_row([channel, key], |row| row.get(0)).optional())
        .map_err(sql_error)
}

/// Adds the stored records for `keys` missing from `ledger`.
fn load_ledger(
    conn: &Connection,
    channel: &str,
    keys: Vec<String>,
    ledger: &mut Ledger,
) -> StoreResult<()> {
    for key in keys {
        if ledger.contains_key(&key) {
            continue;
        }
        let counted: Option<Counted> = stored(
            conn,
            "SELECT counted FROM analytics_counted WHERE channel_id = ?1 AND key = ?2",
            channel,
            &key,
        )?
        .map(|c| from_json(&c, "analytics ledger"))
        .transpose()?;
        ledger.insert(key, counted);
    }
    Ok(())
}

/// Adds the stored records of `wanted` days missing from `days`.
fn load_days(
    conn: &Connection,
    channel: &str,
    wanted: Vec<NaiveDate>,
    days: &mut Days,
) -> StoreResult<()> {
    for day in wanted {
        if days.contains_key(&day) {
            continue;
        }
        let record: DayCounters = match stored(
            conn,
            "SELECT counters FROM analytics_days WHERE channel_id = ?1 AND day = ?2",
            channel,
            &day_text(day),
        )? {
            Some(c) => from_json(&c, "analytics day")?,
            None => DayCounters::default(),
        };
        days.insert(day, record);
    }
    Ok(())
}

/// Writes every record of `days` and `ledger`.
fn save(conn: &Connection, channel: &str, days: &Days, ledger: &Ledger) -> StoreResult<()> {
    for (day, record) in days {
        let record = to_json(record, "analytics day")?;
        upsert(conn, UPSERT_DAY, [channel, &day_text(*day), &record])?;
    }
    for (key, counted) in ledger {
        let Some(counted) = counted else { continue };
        let counted = to_json(counted, "analytics ledger")?;
        upsert(conn, UPSERT_COUNTED, [channel, key, &counted])?;
    }
    Ok(())
}

/// What counting one entry reads, in one query: the channel's marker, the entry's ledger records
/// and the record of its day. A requested record that is not stored is `None` in the ledger and
/// empty in the days.
fn read_for_entry(
    conn: &Connection,
    entry: &AuditEntry,
) -> StoreResult<(Option<CountersMarker>, Ledger, Days)> {
    let keys = ledger_keys(entry);
    debug_assert!(
        keys.len() <= 2,
        "an entry has at most a session and a redemption key"
    );
    let day = entry.at.date_naive();
    let rows: Vec<(i64, String, String)> = conn
        .prepare_cached(
            "SELECT 0, '', marker FROM analytics_markers WHERE channel_id = ?1
             UNION ALL
             SELECT 1, key, counted FROM analytics_counted WHERE channel_id = ?1 AND key IN (?2, ?3)
             UNION ALL
             SELECT 2, day, counters FROM analytics_days WHERE channel_id = ?1 AND day = ?4",
        )
        .and_then(|mut s| {
            s.query_map(
                params![
                    entry.channel_id.as_str(),
                    keys.first(),
                    keys.get(1),
                    day_text(day)
                ],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?
            .collect()
        })
        .map_err(sql_error)?;
    let mut marker = None;
    let mut ledger: Ledger = keys.into_iter().map(|k| (k, None)).collect();
    let mut days = Days::from([(day, DayCounters::default())]);
    for (kind, key, value) in rows {
        match kind {
            0 => marker = Some(from_json(&value, "analytics marker")?),
            1 => {
                ledger.insert(key, Some(from_json(&value, "analytics ledger")?));
            }
            _ => {
                days.insert(parse_day(&key)?, from_json(&value, "analytics day")?);
            }
        }
    }
    Ok((marker, ledger, days))
}

/// Counts an entry just appended on `conn` (in the same job) into the analytics counters, as
/// [`on_write`] decides. The counters' records are read in one query (two when a live write
/// takes a redemption's older count from another day).
pub(super) fn count_appended(conn: &Connection, entry: &AuditEntry) -> StoreResult<()> {
    if !app::ssr::analytics::counters::counts(entry) {
        return Ok(());
    }
    let channel = entry.channel_id.as_str();
    let (marker, mut ledger, mut days) = read_for_entry(conn, entry)?;
    match on_write(marker.as_ref(), entry) {
        OnWrite::Skip | OnWrite::LeaveToBackfill => return Ok(()),
        OnWrite::Start(new) => put_marker(conn, channel, &new)?,
        OnWrite::Count => {}
    }
    load_days(conn, channel, days_touched(entry, &ledger), &mut days)?;
    count(entry, Age::Newest, &mut days, &mut ledger);
    save(conn, channel, &days, &ledger)
}

/// Counts every entry of `channel` older than `live_from` (every entry when `None`), newest
/// first, into the stored counters.
fn backfill(
    conn: &Connection,
    channel: &ChannelId,
    live_from: Option<AuditCursor>,
) -> StoreResult<()> {
    let (mut days, mut ledger) = (Days::new(), Ledger::new());
    let mut before = live_from;
    loop {
        let rows = older_entries(conn, channel, before.as_ref(), BACKFILL_PAGE + 1)?;
        let more = rows.len() > BACKFILL_PAGE as usize;
        let entries = rows
            .into_iter()
            .take(BACKFILL_PAGE as usize)
            .map(AuditEntry::try_from)
            .collect::<StoreResult<Vec<_>>>()?;
        for entry in entries
            .iter()
            .filter(|e| app::ssr::analytics::counters::counts(e))
        {
            load_ledger(conn, channel.as_str(), ledger_keys(entry), &mut ledger)?;
            load_days(
                conn,
                channel.as_str(),
                vec![entry.at.date_naive()],
                &mut days,
            )?;
            count(entry, Age::Oldest, &mut days, &mut ledger);
        }
        match entries.last() {
            Some(last) if more => {
                before = Some(AuditCursor {
                    at: last.at,
                    id: last.id.clone(),
                });
            }
            _ => break,
        }
    }
    save(conn, channel.as_str(), &days, &ledger)
}

/// The channel's log entries older than `before` (all when `None`), newest first, at most
/// `limit`: a walk of the index `audit_by_channel`.
fn older_entries(
    conn: &Connection,
    channel: &ChannelId,
    before: Option<&AuditCursor>,
    limit: u32,
) -> StoreResult<Vec<AuditRow>> {
    let (at, id) = before.map_or((i64::MAX, ""), |b| (micros(b.at), b.id.as_str()));
    conn.prepare_cached(OLDER_ENTRIES)
        .and_then(|mut s| {
            s.query_map(
                params![channel.as_str(), at, id, i64::from(limit)],
                AuditRow::from_row,
            )?
            .collect()
        })
        .map_err(sql_error)
}

/// [`older_entries`]' query: `?1` the channel, `(?2, ?3)` the cursor, `?4` the limit.
pub(super) const OLDER_ENTRIES: &str = concat!(
    "SELECT ",
    audit_columns!(),
    " FROM audit_log WHERE channel_id = ?1 AND (at, id) < (?2, ?3)
     ORDER BY at DESC, id DESC LIMIT ?4"
);

/// Counts the channel's entries older than its counters, and marks the backfill done.
fn backfill_in(conn: &Connection, channel: &ChannelId, now: DateTime<Utc>) -> StoreResult<()> {
    let (live_from, older_than) = match marker(conn, channel.as_str())? {
        Some(m) => match m.backfill {
            Backfill::Done => return Ok(()),
            Backfill::NotStarted => (m.live_from.clone(), Some(m.live_from)),
            Backfill::Reached { oldest } => (m.live_from, Some(oldest)),
        },
        // Nothing is counted yet: every entry is the backfill's.
        None => (
            AuditCursor {
                at: now,
                id: String::new(),
            },
            None,
        ),
    };
    backfill(conn, channel, older_than)?;
    let done = CountersMarker {
        live_from,
        backfill: Backfill::Done,
    };
    put_marker(conn, channel.as_str(), &done)
}

#[async_trait]
impl AnalyticsStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn analytics_backfill(&self, channel: &ChannelId, now: DateTime<Utc>) -> StoreResult<()> {
        let found: Option<String> = self
            .reads
            .read(|c| one(c, SELECT_MARKER, [channel.as_str()], |row| row.get(0)))?;
        let found: Option<CountersMarker> = found
            .map(|m| from_json(&m, "analytics marker"))
            .transpose()?;
        if found.is_some_and(|m| m.backfill == Backfill::Done) {
            return Ok(());
        }
        // The writer's transaction: no append commits between reading the marker and writing
        // it back.
        let channel = channel.clone();
        self.writer
            .run(move |conn| backfill_in(conn, &channel, now))
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn analytics_days(
        &self,
        channel: &ChannelId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Days> {
        let (from, to) = (day_text(from), day_text(to));
        let rows: Vec<(String, String)> = self.reads.read(|c| {
            all(
                c,
                "SELECT day, counters FROM analytics_days
                 WHERE channel_id = ?1 AND day BETWEEN ?2 AND ?3",
                [channel.as_str(), from.as_str(), to.as_str()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })?;
        rows.into_iter()
            .map(|(day, counters)| Ok((parse_day(&day)?, from_json(&counters, "analytics day")?)))
            .collect()
    }
}
