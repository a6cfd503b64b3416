//! The analytics page's cost for a channel with a long log: the 90-day analytics computed the way
//! a render does now (the day counters: one record per day, kept by each audit append) and the
//! way it did before (walking the log newest first, up to 20,000 entries), both through the
//! `Store` port on the same database, plus the append's cost with its counters.

use std::sync::Arc;
use std::time::Instant;

use app::model::{Actor, Analytics, AuditAction, AuditEntry, ChannelId, Viewer};
use app::ssr::analytics::compose::from_counters;
use app::ssr::analytics::walk_log;
use app::ssr::Store;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::Run;
use crate::backend::Database;
use crate::report::Verdict;
use crate::stats::{ms, opt_ms, Sample};

const DAYS: u32 = 90;
const REPEATS: usize = 20;

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let count = run.sizes().analytics_entries;
    let db = Database::fresh(run.backend)?;
    let store = db.store().await?;
    let channel = ChannelId::from("41000000");
    let now = Utc::now();
    eprintln!("analytics: appending {count} log entries");
    let started = Instant::now();
    // One by one, as the engine appends them (a channel's appends share its day records).
    for i in 0..count {
        store.append_audit(&entry(&channel, i, count, now)).await?;
    }
    let appending = started.elapsed();
    let (before, after) = time_renders(&store, &channel, now).await?;
    let backend = run.backend.name();
    let per_append = appending / u32::try_from(count.max(1)).unwrap_or(u32::MAX);
    run.report.row(
        "analytics",
        backend,
        format!("analytics page, {DAYS} days, channel with {count} log entries: median / p99 per render, day counters (now)"),
        "",
        format!("{} / {}", opt_ms(after.percentile(50.0)), opt_ms(after.percentile(99.0))),
        Verdict::Info,
    );
    run.report.row(
        "analytics",
        backend,
        "the same, walking the log (before the counters)",
        "",
        format!(
            "{} / {}",
            opt_ms(before.percentile(50.0)),
            opt_ms(before.percentile(99.0))
        ),
        Verdict::Info,
    );
    run.report.row(
        "analytics",
        backend,
        "one audit append with its counters (mean while seeding)",
        "",
        ms(per_append),
        Verdict::Info,
    );
    Ok(())
}

/// `REPEATS` timed renders each way after one untimed; both must give the same analytics.
async fn time_renders(
    store: &Arc<dyn Store>,
    channel: &ChannelId,
    now: DateTime<Utc>,
) -> anyhow::Result<(Sample, Sample)> {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for round in 0..=REPEATS {
        let t0 = Instant::now();
        let active = active_now(store, channel).await?;
        let walked = walk_log(&**store, channel, DAYS, now, active).await?;
        let t1 = Instant::now();
        let counted = counted(store, channel, now).await?;
        let t2 = Instant::now();
        anyhow::ensure!(walked == counted, "the two ways disagree");
        if round > 0 {
            before.push(t1 - t0);
            after.push(t2 - t1);
        }
    }
    Ok((Sample::new(before), Sample::new(after)))
}

async fn active_now(store: &Arc<dyn Store>, channel: &ChannelId) -> anyhow::Result<u32> {
    Ok(u32::try_from(store.active_sessions(channel).await?.len())?)
}

/// What the analytics use case reads: the backfill check, the active sessions, the day records.
async fn counted(
    store: &Arc<dyn Store>,
    channel: &ChannelId,
    now: DateTime<Utc>,
) -> anyhow::Result<Analytics> {
    store.analytics_backfill(channel, now).await?;
    let active = active_now(store, channel).await?;
    let to = now.date_naive();
    let records = store
        .analytics_days(channel, to - Duration::days(i64::from(DAYS) - 1), to)
        .await?;
    Ok(from_counters(DAYS, now, active, &records))
}

/// Entry `i` of `count`, spread evenly over the last `DAYS` days: paid grants, refunds,
/// extensions and expiries of 200 viewers.
fn entry(channel: &ChannelId, i: usize, count: usize, now: DateTime<Utc>) -> AuditEntry {
    let span = Duration::days(i64::from(DAYS)).num_seconds() - 60;
    let step = span / i64::try_from(count.max(1)).unwrap_or(1);
    let at = now - Duration::days(i64::from(DAYS)) + Duration::seconds(30 + step * i as i64);
    let who = format!("{}", 60_000_000 + i % 200);
    let (action, metadata) = match i % 4 {
        0 => (
            AuditAction::Grant,
            json!({ "session_id": format!("s{i}"), "redemption_id": format!("r{i}"), "cost": 500 }),
        ),
        1 => (
            AuditAction::Refund,
            json!({ "reason": "slots_full", "redemption_id": format!("r{i}"), "cost": 500 }),
        ),
        2 => (
            AuditAction::Extend,
            json!({ "session_id": format!("s{}", i - 2), "redemption_id": format!("r{i}"), "cost": 300 }),
        ),
        _ => (
            AuditAction::Expire,
            json!({ "session_id": format!("s{}", i - 3) }),
        ),
    };
    AuditEntry {
        id: format!("bench-{i:08}"),
        channel_id: channel.clone(),
        at,
        action,
        actor: Actor::System,
        target: Some(Viewer {
            login: format!("viewer_{who}"),
            display_name: format!("Viewer_{who}"),
            id: who,
        }),
        metadata,
    }
}
