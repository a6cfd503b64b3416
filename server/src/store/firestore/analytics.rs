//! The analytics counters: `analytics_days/{channel}_{day}`, `analytics_counted/{channel}_{key}`
//! (the ledger) and `analytics_markers/{channel}`, each holding its value as JSON text.
//!
//! An audit append counts its entry in the same optimistic transaction ([`count_written`]), so
//! the entry and its counts commit together or not at all. The backfill counts the log older
//! than the counters in steps of [`BACKFILL_STEP`] entries, newest first, each step one
//! transaction that also moves the marker's position: a racing step of another backfill fails
//! on the marker and runs again from the new position. An append of an entry older than the live
//! counters (a clock behind another instance's) writes the marker too, so it either lands before
//! a step (which then reads it from the log) or after it (and counts itself): never both.

use std::collections::BTreeMap;

use app::model::{AuditCursor, AuditEntry, AuditQuery, ChannelId};
use app::ssr::analytics::counters::{
    count, counts, days_touched, ledger_keys, on_write, Age, Backfill, CountersMarker, DayCounters,
    Days, Ledger, OnWrite,
};
use app::ssr::store::{AnalyticsStore, AuditStore, BACKFILL_STEP};
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::support::{backend, decode, key};
use super::tx::{transact, Tx, TxResult};
use super::FirestoreStore;

const DAYS: &str = "analytics_days";
const COUNTED: &str = "analytics_counted";
const MARKERS: &str = "analytics_markers";

/// `analytics_days/{channel}_{day}`.
#[derive(Clone, Serialize, Deserialize)]
struct DayDoc {
    channel_id: String,
    /// `YYYY-MM-DD` (UTC).
    day: String,
    /// `DayCounters` as JSON.
    counters: String,
}

/// `analytics_counted/{channel}_{key}`.
#[derive(Clone, Serialize, Deserialize)]
struct CountedDoc {
    channel_id: String,
    key: String,
    /// `Counted` as JSON.
    counted: String,
}

/// `analytics_markers/{channel}`.
#[derive(Clone, Serialize, Deserialize)]
struct MarkerDoc {
    channel_id: String,
    /// `CountersMarker` as JSON.
    marker: String,
    /// Raised by every write, so that a write that changes nothing else still changes the
    /// document (and fails a racing transaction that read it).
    writes: i64,
}

fn json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse<T: DeserializeOwned>(text: &str, what: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

async fn marker(tx: &mut Tx, channel: &str) -> TxResult<Option<(CountersMarker, i64)>> {
    match tx.get::<MarkerDoc>(MARKERS, &key(&[channel])).await? {
        Some(doc) => Ok(Some((parse(&doc.marker, "analytics marker")?, doc.writes))),
        None => Ok(None),
    }
}

fn put_marker(tx: &mut Tx, channel: &str, marker: &CountersMarker, writes: i64) -> TxResult<()> {
    let doc = MarkerDoc {
        channel_id: channel.to_owned(),
        marker: json(marker)?,
        writes: writes + 1,
    };
    tx.set(MARKERS, &key(&[channel]), &doc)
}

/// Adds the stored records for `keys` and `wanted` days missing from `ledger` and `days`.
async fn load(tx: &mut Tx, channel: &str, keys: Vec<String>, ledger: &mut Ledger) -> TxResult<()> {
    for k in keys {
        if ledger.contains_key(&k) {
            continue;
        }
        let doc = tx.get::<CountedDoc>(COUNTED, &key(&[channel, &k])).await?;
        let counted = doc
            .map(|d| parse(&d.counted, "analytics ledger"))
            .transpose()?;
        ledger.insert(k, counted);
    }
    Ok(())
}

async fn load_days(
    tx: &mut Tx,
    channel: &str,
    wanted: Vec<NaiveDate>,
    days: &mut Days,
) -> TxResult<()> {
    for day in wanted {
        if days.contains_key(&day) {
            continue;
        }
        let doc = tx
            .get::<DayDoc>(DAYS, &key(&[channel, &day_text(day)]))
            .await?;
        let record: DayCounters = match doc {
            Some(d) => parse(&d.counters, "analytics day")?,
            None => DayCounters::default(),
        };
        days.insert(day, record);
    }
    Ok(())
}

fn save(tx: &mut Tx, channel: &str, days: &Days, ledger: &Ledger) -> TxResult<()> {
    for (day, record) in days {
        let day = day_text(*day);
        let doc = DayDoc {
            channel_id: channel.to_owned(),
            counters: json(record)?,
            day: day.clone(),
        };
        tx.set(DAYS, &key(&[channel, &day]), &doc)?;
    }
    for (k, counted) in ledger {
        let Some(counted) = counted else { continue };
        let doc = CountedDoc {
            channel_id: channel.to_owned(),
            key: k.clone(),
            counted: json(counted)?,
        };
        tx.set(COUNTED, &key(&[channel, k]), &doc)?;
    }
    Ok(())
}

/// The append's hook, in its transaction: counts `entry` as [`on_write`] decides.
pub(super) async fn count_written(tx: &mut Tx, entry: &AuditEntry) -> TxResult<()> {
    if !counts(entry) {
        return Ok(());
    }
    let channel = entry.channel_id.as_str();
    let found = marker(tx, channel).await?;
    let decision = on_write(found.as_ref().map(|(m, _)| m), entry);
    match (&decision, &found) {
        (OnWrite::Skip, _) => return Ok(()),
        (OnWrite::Start(new), _) => put_marker(tx, channel, new, 0)?,
        // Older than the live counters: the marker is written, so a backfill step racing this
        // append fails and reads the log again.
        (_, Some((m, writes))) if is_older(entry, &m.live_from) => {
            put_marker(tx, channel, m, *writes)?;
        }
        _ => {}
    }
    if decision == OnWrite::LeaveToBackfill {
        return Ok(());
    }
    let (mut days, mut ledger) = (Days::new(), Ledger::new());
    load(tx, channel, ledger_keys(entry), &mut ledger).await?;
    load_days(tx, channel, days_touched(entry, &ledger), &mut days).await?;
    count(entry, Age::Newest, &mut days, &mut ledger);
    save(tx, channel, &days, &ledger)
}

fn is_older(entry: &AuditEntry, than: &AuditCursor) -> bool {
    (entry.at, entry.id.as_str()) < (than.at, than.id.as_str())
}

impl FirestoreStore {
    /// One backfill step; returns whether the backfill is done.
    async fn backfill_step(&self, channel: &ChannelId, now: DateTime<Utc>) -> StoreResult<bool> {
        transact(&self.db, "analytics_backfill", |tx| {
            let (store, channel) = (self.clone(), channel.clone());
            Box::pin(async move {
                let (marker, writes) = marker(tx, channel.as_str()).await?.unwrap_or((
                    CountersMarker {
                        live_from: AuditCursor {
                            at: now,
                            id: String::new(),
                        },
                        backfill: Backfill::NotStarted,
                    },
                    -1,
                ));
                let before = match &marker.backfill {
                    Backfill::Done => return Ok(true),
                    Backfill::NotStarted => marker.live_from.clone(),
                    Backfill::Reached { oldest } => oldest.clone(),
                };
                let query = AuditQuery {
                    action: None,
                    viewer_id: None,
                    before: Some(before),
                    limit: BACKFILL_STEP,
                };
                let page = store.audit_page(&channel, &query).await?;
                let (mut days, mut ledger) = (Days::new(), Ledger::new());
                for entry in page.entries.iter().filter(|e| counts(e)) {
                    load(tx, channel.as_str(), ledger_keys(entry), &mut ledger).await?;
                    let day = vec![entry.at.date_naive()];
                    load_days(tx, channel.as_str(), day, &mut days).await?;
                    count(entry, Age::Oldest, &mut days, &mut ledger);
                }
                save(tx, channel.as_str(), &days, &ledger)?;
                let backfill = match (&page.next, page.entries.last()) {
                    (Some(_), Some(last)) => Backfill::Reached {
                        oldest: AuditCursor {
                            at: last.at,
                            id: last.id.clone(),
                        },
                    },
                    _ => Backfill::Done,
                };
                let done = backfill == Backfill::Done;
                let next = CountersMarker {
                    live_from: marker.live_from,
                    backfill,
                };
                put_marker(tx, channel.as_str(), &next, writes)?;
                Ok(done)
            })
        })
        .await
    }
}

#[async_trait]
impl AnalyticsStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn analytics_backfill(&self, channel: &ChannelId, now: DateTime<Utc>) -> StoreResult<()> {
        let doc = self
            .get_doc::<MarkerDoc>(MARKERS, &key(&[channel.as_str()]))
            .await?;
        if let Some(doc) = doc {
            let marker: CountersMarker = parse(&doc.marker, "analytics marker")?;
            if marker.backfill == Backfill::Done {
                return Ok(());
            }
        }
        while !self.backfill_step(channel, now).await? {}
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn analytics_days(
        &self,
        channel: &ChannelId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Days> {
        let wanted: BTreeMap<String, NaiveDate> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| (key(&[channel.as_str(), &day_text(d)]), d))
            .collect();
        let select = self.db.fluent().select().by_id_in(DAYS);
        let mut docs = select
            .batch_with_errors(wanted.keys().cloned().collect::<Vec<_>>())
            .await
            .map_err(backend)?;
        let mut out = Days::new();
        while let Some(found) = docs.next().await {
            let (id, doc) = found.map_err(backend)?;
            let Some(doc) = doc else { continue };
            let day = wanted
                .get(&id)
                .ok_or_else(|| StoreError::Corrupt(format!("unasked analytics day {id}")))?;
            let record: DayDoc = decode(&doc)?;
            out.insert(*day, parse(&record.counters, "analytics day")?);
        }
        Ok(out)
    }
}
