//! Deadline → Remove VIP with many tracked sessions, across a restart.
//!
//! Every tracked session is a real VIP on Twitch's side. Most end days later; `due` of them end
//! one after another during a window, in the middle of which the server is stopped (SIGTERM) and
//! started again. A first start beforehand creates the webhook subscriptions and reconciles, so the
//! window sees a server as it runs day to day. The lag of a session is the arrival of the Remove
//! VIP request at the simulator minus the session's deadline (both on this machine's wall clock).
//! Deadlines that fell while the server was down are measured from when it was healthy again.

use std::time::Duration;

use app::model::VipDuration;
use chrono::{DateTime, Utc};

use super::latency::ratio;
use super::traffic::{Pair, Traffic};
use super::Run;
use crate::backend::Database;
use crate::fleet::Fleet;
use crate::floor::bare_removals;
use crate::report::Verdict;
use crate::stats::{ms, opt_ms, Sample};

const LAG_TARGET: Duration = Duration::from_millis(100);
/// Time from the second start until the first deadline (the start itself takes well under it).
const LEAD: Duration = Duration::from_secs(5);

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let sizes = run.sizes().clone();
    let channels = sizes.channels.max(1);
    let tracked = sizes.tracked.max(sizes.due).max(1);
    let per_channel = tracked.div_ceil(channels);
    let window = Duration::from_secs(sizes.expiry_secs.max(2));
    eprintln!(
        "expiry: {tracked} tracked sessions over {channels} channels, {} due in {}",
        sizes.due,
        ms(window)
    );
    let fleet = Fleet::start(channels, per_channel, per_channel + 10).await?;
    let db = Database::fresh(run.backend)?;
    let store = db.store().await?;
    fleet
        .seed_store(&store, VipDuration::from_secs(86_400)?, run.concurrency())
        .await?;

    // Pairs: channel c, viewer k, channel first, so that the first `due` pairs fall on different
    // channels (Twitch allows ten VIP removals per channel in ten seconds).
    let pairs: Vec<(usize, usize)> = (0..tracked).map(|i| (i % channels, i / channels)).collect();
    let (due, filler) = pairs.split_at(sizes.due.min(tracked));
    let (due, filler) = (due.to_vec(), filler.to_vec());
    let later = Utc::now() + chrono::Duration::days(2);
    fleet.quietly_add_vips(&filler);
    fleet
        .insert_sessions(
            &store,
            &filler,
            |i| later + secs(i as f64),
            run.concurrency(),
        )
        .await?;

    let server = fleet.start_server(run.options, &db).await?;
    let addr = server.addr;
    let settled = fleet
        .settle(Duration::from_secs(3), Duration::from_secs(900))
        .await?;
    eprintln!("expiry: first start settled after {}", ms(settled));
    server.stop().await?;

    // The due sessions, with deadlines spread over the window that starts LEAD from now.
    let first = Utc::now() + chrono::Duration::from_std(LEAD)?;
    let spacing = window.as_secs_f64() / due.len().max(1) as f64;
    let deadline_of = |i: usize| first + secs(i as f64 * spacing);
    fleet.quietly_add_vips(&due);
    fleet
        .insert_sessions(&store, &due, deadline_of, run.concurrency())
        .await?;

    let recorder = fleet.sim.recorder();
    recorder.take();
    recorder.start();
    let server = fleet.restart_server(run.options, &db, addr).await?;
    sleep_until(first + chrono::Duration::from_std(window / 2)?).await;
    let down_at = Utc::now();
    server.stop().await?;
    let server = fleet.restart_server(run.options, &db, addr).await?;
    let up_at = Utc::now();
    let restart_took = server.healthy_after;
    sleep_until(first + chrono::Duration::from_std(window)? + chrono::Duration::seconds(5)).await;
    // Stragglers, bounded.
    let wanted: Vec<Pair> = due.iter().map(|p| pair(&fleet, *p)).collect();
    for _ in 0..100 {
        let removed = fleet.sim.with_world(|w| {
            wanted
                .iter()
                .filter(|(b, u)| !w.channels[b].vips.contains(u))
                .count()
        });
        if removed == wanted.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    recorder.stop();
    let memory = server.memory()?;
    server.stop().await?;

    let traffic = Traffic::read(&recorder.take());
    let floor = floor(&fleet, &due, spacing).await?;
    let (mut before, mut after, mut down) = (Vec::new(), Vec::new(), Vec::new());
    let mut missing = 0;
    for (i, p) in due.iter().enumerate() {
        let deadline = deadline_of(i);
        let Some(removed) = traffic.removes.get(&pair(&fleet, *p)) else {
            missing += 1;
            continue;
        };
        let lag = |from: DateTime<Utc>| (removed.at - from).to_std().unwrap_or(Duration::ZERO);
        if deadline < down_at {
            before.push(lag(deadline));
        } else if deadline <= up_at {
            down.push(lag(up_at));
        } else {
            after.push(lag(deadline));
        }
    }
    let backend = run.backend.name();
    let mut lag_row = |label: &str, sample: Sample, extra: String| {
        let p99 = sample.percentile(99.0);
        run.report.row(
            "expiry",
            backend,
            format!(
                "deadline → Remove VIP with {tracked} tracked sessions, {label} ({} sessions): \
                 p50 / p99 / max{extra}",
                sample.len()
            ),
            "p99 ≤ 100 ms",
            format!(
                "{} / {} / {}",
                opt_ms(sample.percentile(50.0)),
                opt_ms(p99),
                opt_ms(sample.max())
            ),
            if sample.is_empty() {
                Verdict::Info
            } else {
                Verdict::of(p99.is_some_and(|p| p <= LAG_TARGET))
            },
        );
    };
    let (before, after) = (Sample::new(before), Sample::new(after));
    let ratios = |s: &Sample| {
        format!(
            "{} / {}",
            ratio(s.percentile(50.0), floor.percentile(50.0)),
            ratio(s.percentile(99.0), floor.percentile(99.0))
        )
    };
    let (before_ratio, after_ratio) = (ratios(&before), ratios(&after));
    lag_row("before the restart", before, String::new());
    lag_row(
        "after the restart",
        after,
        format!(" (start to healthy {})", ms(restart_took)),
    );
    run.report.row(
        "expiry",
        backend,
        format!(
            "the floor: the same deadlines removed by a bare timer each (tokio `sleep_until`, then \
             Remove VIP; {} removals): p50 / p99 / max",
            floor.len()
        ),
        "",
        format!(
            "{} / {} / {}",
            opt_ms(floor.percentile(50.0)),
            opt_ms(floor.percentile(99.0)),
            opt_ms(floor.max())
        ),
        Verdict::Info,
    );
    run.report.row(
        "expiry",
        backend,
        "**deadline → Remove VIP as a multiple of the floor, p50 / p99: before the restart; after it**",
        "",
        format!("{before_ratio}; {after_ratio}"),
        Verdict::Info,
    );
    let down = Sample::new(down);
    if !down.is_empty() {
        run.report.row(
            "expiry",
            backend,
            format!(
                "deadlines that passed while the server was down ({}): removed after healthy, max",
                down.len()
            ),
            "",
            opt_ms(down.max()),
            Verdict::Info,
        );
    }
    if missing > 0 {
        run.report.row(
            "expiry",
            backend,
            "due sessions never removed",
            "0",
            missing.to_string(),
            Verdict::Missed,
        );
    }
    run.report.row(
        "expiry",
        backend,
        format!("server memory with {tracked} tracked sessions: VmRSS (VmHWM)"),
        "",
        format!(
            "{} ({})",
            crate::stats::kib(memory.rss_kib),
            crate::stats::kib(memory.peak_kib)
        ),
        Verdict::Info,
    );
    Ok(())
}

fn secs(s: f64) -> chrono::Duration {
    chrono::Duration::microseconds((s * 1e6) as i64)
}

fn pair(fleet: &Fleet, (c, v): (usize, usize)) -> Pair {
    (
        fleet.channels[c].user.id.clone(),
        fleet.viewers[v].id.clone(),
    )
}

async fn sleep_until(at: DateTime<Utc>) {
    if let Ok(wait) = (at - Utc::now()).to_std() {
        tokio::time::sleep(wait).await;
    }
}

/// The same due pairs made VIPs again, with deadlines `spacing` seconds apart from a few seconds
/// from now, removed by [`bare_removals`]: the lag of each, measured as the product's is.
async fn floor(fleet: &Fleet, due: &[(usize, usize)], spacing: f64) -> anyhow::Result<Sample> {
    // The stopped server's subscriptions go: their deliveries would fail and be retried meanwhile.
    for sub in fleet.sim.subscriptions() {
        if let Some(id) = sub["id"].as_str() {
            fleet.sim.delete_subscription(id);
        }
    }
    fleet.quietly_add_vips(due);
    let first = Utc::now() + chrono::Duration::seconds(2);
    let deadlines: Vec<(Pair, DateTime<Utc>)> = due
        .iter()
        .enumerate()
        .map(|(i, p)| (pair(fleet, *p), first + secs(i as f64 * spacing)))
        .collect();
    let recorder = fleet.sim.recorder();
    recorder.take();
    recorder.start();
    bare_removals(fleet, deadlines.clone()).await?;
    recorder.stop();
    let traffic = Traffic::read(&recorder.take());
    Ok(Sample::new(
        deadlines
            .iter()
            .filter_map(|(p, deadline)| {
                let removed = traffic.removes.get(p)?;
                Some((removed.at - *deadline).to_std().unwrap_or(Duration::ZERO))
            })
            .collect(),
    ))
}
