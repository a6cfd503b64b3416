//! Redemption → Add VIP: viewers redeem at a steady rate, spread evenly over the channels; each
//! latency is the arrival of the server's Add Channel VIP request at the simulator minus the moment
//! the simulator sent the redemption's webhook notification.

use std::time::{Duration, Instant};

use app::model::VipDuration;
use tokio::time::MissedTickBehavior;

use super::traffic::Traffic;
use super::Run;
use crate::backend::Database;
use crate::fleet::Fleet;
use crate::floor::FloorHandler;
use crate::options::Sizes;
use crate::report::Verdict;
use crate::server_process::own_cpu;
use crate::stats::{kib, ms, Sample};

/// Redemptions of the first second are not counted (connections warming up).
const WARMUP: Duration = Duration::from_secs(1);
const P50_TARGET: Duration = Duration::from_millis(2);
const P99_TARGET: Duration = Duration::from_millis(20);

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let sizes = run.sizes().clone();
    let channels = sizes.channels.max(1);
    let total = sizes.rate as usize * (sizes.secs + WARMUP.as_secs()) as usize;
    let per_channel = total.div_ceil(channels);
    eprintln!(
        "latency: {channels} channels, {total} redemptions at {}/s",
        sizes.rate
    );
    // The floor first, on a fleet of its own: nothing of it is left when the server starts.
    let floor = floor(&sizes, per_channel, total).await?;
    let fleet = Fleet::start(channels, per_channel, per_channel + 10).await?;
    let db = Database::fresh(run.backend)?;
    let store = db.store().await?;
    fleet
        .seed_store(&store, VipDuration::from_secs(86_400)?, run.concurrency())
        .await?;
    let server = fleet.start_server(run.options, &db).await?;
    let settled = fleet
        .settle(Duration::from_secs(3), Duration::from_secs(600))
        .await?;
    eprintln!("latency: server settled after {}", ms(settled));

    let recorder = fleet.sim.recorder();
    recorder.take();
    recorder.start();
    let cpu_before = (server.cpu()?, own_cpu()?);
    let started = Instant::now();
    let (sent, refused) = redeem_steadily(&fleet, sizes.rate, total).await;
    let sending = started.elapsed();
    // Every redemption turns into an Add VIP unless something failed: wait for them, bounded.
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && vips(&fleet) < total - refused {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    recorder.stop();
    let wall = started.elapsed();
    let cpu = (server.cpu()? - cpu_before.0, own_cpu()? - cpu_before.1);
    let memory = server.memory()?;
    server.stop().await?;

    let traffic = Traffic::read(&recorder.take());
    let counted_from = started + WARMUP;
    let (latencies, counted) = latencies(&traffic, counted_from);
    let sample = Sample::new(latencies);
    let (p50, p99) = (sample.percentile(50.0), sample.percentile(99.0));
    let backend = run.backend.name();
    let achieved = sent as f64 / sending.as_secs_f64();
    let what = format!(
        "redemption → Add VIP at {achieved:.0}/s over {channels} channels ({} redemptions counted)",
        sample.len()
    );
    let verdict = match (p50, p99) {
        (Some(p50), Some(p99)) => {
            Verdict::of(p50 <= P50_TARGET && p99 <= P99_TARGET && sample.len() == counted)
        }
        _ => Verdict::Missed,
    };
    run.report.row(
        "latency",
        backend,
        format!("{what}: p50 / p99"),
        "≤ 2 ms / ≤ 20 ms",
        format!(
            "{} / {} (max {})",
            crate::stats::opt_ms(p50),
            crate::stats::opt_ms(p99),
            crate::stats::opt_ms(sample.max())
        ),
        verdict,
    );
    run.report.row(
        "latency",
        backend,
        format!(
            "the floor: the same redemptions to a minimal handler (no store, no checks) that sends \
             Add VIP ({} counted): p50 / p99",
            floor.len()
        ),
        "",
        format!(
            "{} / {}",
            crate::stats::opt_ms(floor.percentile(50.0)),
            crate::stats::opt_ms(floor.percentile(99.0))
        ),
        Verdict::Info,
    );
    run.report.row(
        "latency",
        backend,
        "**redemption → Add VIP as a multiple of the floor: p50 / p99**",
        "",
        format!(
            "{} / {}",
            ratio(p50, floor.percentile(50.0)),
            ratio(p99, floor.percentile(99.0))
        ),
        Verdict::Info,
    );
    if sample.len() < counted || refused > 0 || traffic.webhook_retries > 0 {
        run.report.row(
            "latency",
            backend,
            "redemptions without an Add VIP / refused by the simulator / webhook redeliveries",
            "0 / 0 / 0",
            format!(
                "{} / {refused} / {}",
                counted - sample.len(),
                traffic.webhook_retries
            ),
            Verdict::Missed,
        );
    }
    run.report.row(
        "latency",
        backend,
        format!(
            "CPU used during the {} run: server / benchmark with simulator",
            ms(wall)
        ),
        "",
        format!("{} / {}", ms(cpu.0), ms(cpu.1)),
        Verdict::Info,
    );
    run.report.row(
        "latency",
        backend,
        "server memory after the run: VmRSS (VmHWM)",
        "",
        format!("{} ({})", kib(memory.rss_kib), kib(memory.peak_kib)),
        Verdict::Info,
    );
    Ok(())
}

/// VIPs on Twitch's side over every fleet channel.
fn vips(fleet: &Fleet) -> usize {
    fleet.sim.with_world(|w| {
        fleet
            .channels
            .iter()
            .filter_map(|c| w.channels.get(&c.user.id))
            .map(|c| c.vips.len())
            .sum()
    })
}

/// Redeems `total` times at `rate` per second, spread evenly over the fleet's channels (channel
/// first, then viewer); returns how many were sent and how many the simulator refused.
async fn redeem_steadily(fleet: &Fleet, rate: u32, total: usize) -> (usize, usize) {
    let channels = fleet.channels.len();
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let (mut sent, mut refused) = (0, 0);
    while sent < total {
        tick.tick().await;
        let due = ((started.elapsed().as_secs_f64() * f64::from(rate)) as usize).min(total);
        while sent < due {
            let channel = &fleet.channels[sent % channels];
            let viewer = &fleet.viewers[sent / channels];
            if fleet
                .sim
                .redeem(&channel.user.id, &viewer.id, &channel.reward_id, "")
                .is_err()
            {
                refused += 1;
            }
            sent += 1;
        }
    }
    (sent, refused)
}

/// Redemption → Add VIP of every redemption sent from `counted_from` on that has its Add VIP, and
/// how many were sent from then.
fn latencies(traffic: &Traffic, counted_from: Instant) -> (Vec<Duration>, usize) {
    let latencies = traffic
        .redemptions
        .iter()
        .filter(|(_, sent)| sent.instant >= counted_from)
        .filter_map(|(pair, sent)| {
            let add = traffic.adds.get(pair)?;
            Some(add.instant.saturating_duration_since(sent.instant))
        })
        .collect();
    let counted = traffic
        .redemptions
        .values()
        .filter(|s| s.instant >= counted_from)
        .count();
    (latencies, counted)
}

/// The same redemptions against [`FloorHandler`] on a fleet of the same size: the floor's sample.
async fn floor(sizes: &Sizes, per_channel: usize, total: usize) -> anyhow::Result<Sample> {
    let fleet = Fleet::start(sizes.channels.max(1), per_channel, per_channel + 10).await?;
    let handler = FloorHandler::start(&fleet).await?;
    eprintln!("latency: floor handler on {}", handler.addr);
    let recorder = fleet.sim.recorder();
    recorder.take();
    recorder.start();
    let started = Instant::now();
    let (_, refused) = redeem_steadily(&fleet, sizes.rate, total).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && vips(&fleet) < total - refused {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    recorder.stop();
    drop(handler);
    let traffic = Traffic::read(&recorder.take());
    Ok(Sample::new(latencies(&traffic, started + WARMUP).0))
}

/// `product / floor` of two optional durations, as `12.3×`.
pub fn ratio(product: Option<Duration>, floor: Option<Duration>) -> String {
    match (product, floor) {
        (Some(p), Some(f)) if !f.is_zero() => format!("{:.1}×", p.as_secs_f64() / f.as_secs_f64()),
        _ => "–".into(),
    }
}
