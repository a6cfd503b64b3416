//! The analytics counters (`analytics_days`, `analytics_counted`, `analytics_markers`): counted
//! in the writer job that appends each audit entry ([`append_counted`]), and backfilled from the
//! log in one writer job (a savepoint of the writer's `BEGIN IMMEDIATE` transaction). SQLite runs
//! one writer at a time, and this process writes through one writer, so every entry is
//! either committed before the backfill (which reads it) or after it (when the marker says the
//! counters are complete and the append counts it): never both, never neither.

use app::model::{AuditCursor, AuditEntry, AuditQuery, ChannelId};
use app::ssr::analytics::counters::{
    count, days_touched, ledger_keys, on_write, Age, Backfill, Counted, CountersMarker,
    DayCounters, Days, Ledger, OnWrite,
};
use app::ssr::store::AnalyticsStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::audit::{page_query, AuditRow};
use super::codec::{db_error, from_json, to_json};
use super::script::Script;
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

async fn marker(conn: &mut SqliteConnection, channel: &str) -> StoreResult<Option<CountersMarker>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT marker FROM analytics_markers WHERE channel_id = ?1")
            .bind(channel)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?;
    row.map(|(m,)| from_json(&m, "analytics marker"))
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

async fn put_marker(
    conn: &mut SqliteConnection,
    channel: &str,
    marker: &CountersMarker,
) -> StoreResult<()> {
    sqlx::query(UPSERT_MARKER)
        .bind(channel)
        .bind(to_json(marker, "analytics marker")?)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Adds the stored records for `keys` missing from `ledger`.
async fn load_ledger(
    conn: &mut SqliteConnection,
    channel: &str,
    keys: Vec<String>,
    ledger: &mut Ledger,
) -> StoreResult<()> {
    for key in keys {
        if ledger.contains_key(&key) {
            continue;
        }
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT counted FROM analytics_counted WHERE channel_id = ?1 AND key = ?2",
        )
        .bind(channel)
        .bind(&key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        let counted: Option<Counted> = row
            .map(|(c,)| from_json(&c, "analytics ledger"))
            .transpose()?;
        ledger.insert(key, counted);
    }
    Ok(())
}

/// Adds the stored records of `wanted` days missing from `days`.
async fn load_days(
    conn: &mut SqliteConnection,
    channel: &str,
    wanted: Vec<NaiveDate>,
    days: &mut Days,
) -> StoreResult<()> {
    for day in wanted {
        if days.contains_key(&day) {
            continue;
        }
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT counters FROM analytics_days WHERE channel_id = ?1 AND day = ?2",
        )
        .bind(channel)
        .bind(day_text(day))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        let record: DayCounters = match row {
            Some((c,)) => from_json(&c, "analytics day")?,
            None => DayCounters::default(),
        };
        days.insert(day, record);
    }
    Ok(())
}

/// Writes every record of `days` and `ledger` (a backfill's: as many statements as records).
async fn save(
    conn: &mut SqliteConnection,
    channel: &str,
    days: &Days,
    ledger: &Ledger,
) -> StoreResult<()> {
    for (day, record) in days {
        sqlx::query(UPSERT_DAY)
            .bind(channel)
            .bind(day_text(*day))
            .bind(to_json(record, "analytics day")?)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    for (key, counted) in ledger {
        let Some(counted) = counted else { continue };
        sqlx::query(UPSERT_COUNTED)
            .bind(channel)
            .bind(key)
            .bind(to_json(counted, "analytics ledger")?)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// What counting one entry reads, in one query: the channel's marker, the entry's ledger records
/// and the record of its day. A requested record that is not stored is `None` in the ledger and
/// empty in the days.
async fn read_for_entry(
    conn: &mut SqliteConnection,
    entry: &AuditEntry,
) -> StoreResult<(Option<CountersMarker>, Ledger, Days)> {
    let keys = ledger_keys(entry);
    debug_assert!(
        keys.len() <= 2,
        "an entry has at most a session and a redemption key"
    );
    let day = entry.at.date_naive();
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT 0, '', marker FROM analytics_markers WHERE channel_id = ?1
         UNION ALL
         SELECT 1, key, counted FROM analytics_counted WHERE channel_id = ?1 AND key IN (?2, ?3)
         UNION ALL
         SELECT 2, day, counters FROM analytics_days WHERE channel_id = ?1 AND day = ?4",
    )
    .bind(entry.channel_id.as_str())
    .bind(keys.first())
    .bind(keys.get(1))
    .bind(day_text(day))
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
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

/// Appends an entry: `script` (which inserts it) with the analytics counters it changes, as
/// [`on_write`] decides. The counters' records are read in one query (two when a live write
/// takes a redemption's older count from another day), and everything is written as one script.
pub(super) async fn append_counted(
    conn: &mut SqliteConnection,
    entry: &AuditEntry,
    mut script: Script,
) -> StoreResult<()> {
    if app::ssr::analytics::counters::counts(entry) {
        let channel = entry.channel_id.as_str();
        let (marker, mut ledger, mut days) = read_for_entry(conn, entry).await?;
        let counting = match on_write(marker.as_ref(), entry) {
            OnWrite::Skip | OnWrite::LeaveToBackfill => false,
            OnWrite::Start(new) => {
                script
                    .statement(UPSERT_MARKER)
                    .bind(channel)
                    .bind(to_json(&new, "analytics marker")?);
                true
            }
            OnWrite::Count => true,
        };
        if counting {
            load_days(conn, channel, days_touched(entry, &ledger), &mut days).await?;
            count(entry, Age::Newest, &mut days, &mut ledger);
            for (day, record) in &days {
                script
                    .statement(UPSERT_DAY)
                    .bind(channel)
                    .bind(day_text(*day))
                    .bind(to_json(record, "analytics day")?);
            }
            for (key, counted) in &ledger {
                let Some(counted) = counted else { continue };
                script
                    .statement(UPSERT_COUNTED)
                    .bind(channel)
                    .bind(key)
                    .bind(to_json(counted, "analytics ledger")?);
            }
        }
    }
    script.run(conn).await
}

/// Counts every entry of `channel` older than `live_from` (every entry when `None`), newest
/// first, into the stored counters.
async fn backfill(
    conn: &mut SqliteConnection,
    channel: &ChannelId,
    live_from: Option<AuditCursor>,
) -> StoreResult<()> {
    let (mut days, mut ledger) = (Days::new(), Ledger::new());
    let mut query = AuditQuery {
        action: None,
        viewer_id: None,
        before: live_from,
        limit: BACKFILL_PAGE,
    };
    loop {
        let rows = page_query(channel, &query)
            .build_query_as::<AuditRow>()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
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
            load_ledger(conn, channel.as_str(), ledger_keys(entry), &mut ledger).await?;
            load_days(
                conn,
                channel.as_str(),
                vec![entry.at.date_naive()],
                &mut days,
            )
            .await?;
            count(entry, Age::Oldest, &mut days, &mut ledger);
        }
        match entries.last() {
            Some(last) if more => {
                query.before = Some(AuditCursor {
                    at: last.at,
                    id: last.id.clone(),
                });
            }
            _ => break,
        }
    }
    save(conn, channel.as_str(), &days, &ledger).await
}

/// Counts the channel's entries older than its counters, and marks the backfill done.
async fn backfill_in(
    conn: &mut SqliteConnection,
    channel: &ChannelId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let (live_from, older_than) = match marker(conn, channel.as_str()).await? {
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
    backfill(conn, channel, older_than).await?;
    let done = CountersMarker {
        live_from,
        backfill: Backfill::Done,
    };
    put_marker(conn, channel.as_str(), &done).await
}

#[async_trait]
impl AnalyticsStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn analytics_backfill(&self, channel: &ChannelId, now: DateTime<Utc>) -> StoreResult<()> {
        let found = marker(&mut *self.reads.hold().await?, channel.as_str()).await?;
        if found.is_some_and(|m| m.backfill == Backfill::Done) {
            return Ok(());
        }
        // The writer's transaction: no append commits between reading the marker and writing
        // it back.
        let channel = channel.clone();
        self.writer
            .run(move |conn| Box::pin(async move { backfill_in(conn, &channel, now).await }))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn analytics_days(
        &self,
        channel: &ChannelId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Days> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT day, counters FROM analytics_days
             WHERE channel_id = ?1 AND day BETWEEN ?2 AND ?3",
        )
        .bind(channel.as_str())
        .bind(day_text(from))
        .bind(day_text(to))
        .fetch_all(&mut *self.reads.hold().await?)
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(day, counters)| Ok((parse_day(&day)?, from_json(&counters, "analytics day")?)))
            .collect()
    }
}
