//! Event intake as Twitch sees it: how long the server's webhook keeps Twitch waiting for its
//! acknowledgement (Helix at its normal pace, and with Add VIP taking 8 s), how long a burst of
//! 30 redemptions in one channel takes to be granted beside Twitch's own floor (10 VIP adds per
//! 10 s: the 30th can be added 20 s after the first at the earliest), and how soon EventSub is live
//! again after the server is killed (SIGKILL) and restarted.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use app::model::VipDuration;

use super::Run;
use crate::backend::Database;
use crate::fleet::Fleet;
use crate::report::Verdict;
use crate::stats::{ms, opt_ms, Sample};

const ADD_VIP: &str = "POST /helix/channels/vips";
const ACK_TARGET: Duration = Duration::from_millis(50);
const LIVE_AGAIN_TARGET: Duration = Duration::from_secs(2);
/// Twitch lets a channel add 10 VIPs per 10 s: 30 need at least 20 s.
const BURST: usize = 30;
const BURST_FLOOR: Duration = Duration::from_secs(20);
const ACK_CHANNELS: usize = 20;
const ACK_REDEMPTIONS: usize = 300;
const ACK_RATE: f64 = 50.0;
const CRASH_CHANNELS: usize = 50;

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    acknowledgements(run).await?;
    burst(run).await?;
    crash_restart(run).await
}

async fn seeded(run: &Run<'_>, fleet: &Fleet) -> anyhow::Result<Database> {
    let db = Database::fresh(run.backend)?;
    let store = db.store().await?;
    fleet
        .seed_store(&store, VipDuration::from_secs(86_400)?, run.concurrency())
        .await?;
    Ok(db)
}

/// Webhook acknowledgement times of notifications, as the simulator timed them.
fn acks(fleet: &Fleet) -> (Sample, usize) {
    let log = fleet.sim.webhook_log();
    let notifications: Vec<_> = log
        .iter()
        .filter(|a| a.message_type == "notification")
        .collect();
    let failed = notifications
        .iter()
        .filter(|a| a.retry > 0 || a.late)
        .count();
    (
        Sample::new(notifications.iter().map(|a| a.took).collect()),
        failed,
    )
}

async fn acknowledgements(run: &mut Run<'_>) -> anyhow::Result<()> {
    let per_channel = (2 * ACK_REDEMPTIONS).div_ceil(ACK_CHANNELS);
    let fleet = Fleet::start(ACK_CHANNELS, per_channel, per_channel + 10).await?;
    let db = seeded(run, &fleet).await?;
    let server = fleet.start_server(run.options, &db).await?;
    fleet
        .settle(Duration::from_secs(2), Duration::from_secs(300))
        .await?;
    for (phase, delay) in [
        ("Helix at its normal pace", Duration::ZERO),
        ("Add VIP taking 8 s", Duration::from_secs(8)),
    ] {
        fleet.sim.set_delay(ADD_VIP, delay);
        fleet.sim.with_world(|w| w.webhook_log.clear());
        let offset = if delay.is_zero() { 0 } else { ACK_REDEMPTIONS };
        let started = Instant::now();
        for i in 0..ACK_REDEMPTIONS {
            let due = Duration::from_secs_f64(i as f64 / ACK_RATE);
            tokio::time::sleep_until((started + due).into()).await;
            let n = offset + i;
            let channel = &fleet.channels[n % ACK_CHANNELS];
            let viewer = &fleet.viewers[n / ACK_CHANNELS];
            fleet
                .sim
                .redeem(&channel.user.id, &viewer.id, &channel.reward_id, "")?;
        }
        // Every notification acknowledged (or failed): bounded wait.
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline && acks(&fleet).0.len() < ACK_REDEMPTIONS {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (sample, failed) = acks(&fleet);
        let p99 = sample.percentile(99.0);
        run.report.row(
            "intake",
            run.backend.name(),
            format!(
                "webhook acknowledged, {phase}: p50 / p99 ({} notifications at {ACK_RATE}/s over {ACK_CHANNELS} channels)",
                sample.len()
            ),
            "p99 ≤ 50 ms",
            format!("{} / {} (max {})", opt_ms(sample.percentile(50.0)), opt_ms(p99), opt_ms(sample.max())),
            Verdict::of(
                p99.is_some_and(|p| p <= ACK_TARGET) && failed == 0 && sample.len() >= ACK_REDEMPTIONS,
            ),
        );
        if failed > 0 {
            run.report.note(format!(
                "intake ({phase}): {failed} webhook attempts late or redelivered"
            ));
        }
    }
    fleet.sim.set_delay(ADD_VIP, Duration::ZERO);
    server.stop().await
}

async fn burst(run: &mut Run<'_>) -> anyhow::Result<()> {
    let fleet = Fleet::start(1, BURST, BURST + 10).await?;
    let db = seeded(run, &fleet).await?;
    let server = fleet.start_server(run.options, &db).await?;
    fleet
        .settle(Duration::from_secs(2), Duration::from_secs(120))
        .await?;
    let channel = &fleet.channels[0];
    let started = Instant::now();
    for viewer in &fleet.viewers {
        fleet
            .sim
            .redeem(&channel.user.id, &viewer.id, &channel.reward_id, "")?;
    }
    let deadline = started + Duration::from_secs(180);
    let took = loop {
        if fleet.sim.vips(&channel.user.id).len() >= BURST {
            break Some(started.elapsed());
        }
        if Instant::now() > deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    server.stop().await?;
    let value = match took {
        Some(t) => format!(
            "{} ({:.2}× Twitch's floor of {})",
            ms(t),
            t.as_secs_f64() / BURST_FLOOR.as_secs_f64(),
            ms(BURST_FLOOR)
        ),
        None => "not all granted within 180 s".into(),
    };
    run.report.row(
        "intake",
        run.backend.name(),
        format!("a burst of {BURST} redemptions in one channel: all granted"),
        "near the floor (10 adds per 10 s)",
        value,
        Verdict::Info,
    );
    Ok(())
}

async fn crash_restart(run: &mut Run<'_>) -> anyhow::Result<()> {
    let fleet = Fleet::start(CRASH_CHANNELS, 1, 10).await?;
    let db = seeded(run, &fleet).await?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], crate::backend::free_port()?));
    let websocket = [("EVENTSUB_TRANSPORT", "websocket")];
    let server = fleet
        .restart_server_with(run.options, &db, addr, &websocket)
        .await?;
    fleet
        .settle(Duration::from_secs(2), Duration::from_secs(300))
        .await?;
    let wanted = fleet.enabled_channel_subscriptions();
    let before: HashSet<String> = fleet.sim.ws_sessions().into_iter().collect();
    server.kill().await?;
    // Twitch notices the dead sockets and disables their subscriptions.
    let deadline = Instant::now() + Duration::from_secs(30);
    while fleet.enabled_channel_subscriptions() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let server = fleet
        .restart_server_with(run.options, &db, addr, &websocket)
        .await?;
    let healthy = Instant::now();
    let restart_took = server.healthy_after;
    let deadline = healthy + Duration::from_secs(120);
    let live = loop {
        let fresh = fleet
            .sim
            .ws_sessions()
            .iter()
            .filter(|s| !before.contains(*s))
            .count();
        if fleet.enabled_channel_subscriptions() >= wanted && fresh >= CRASH_CHANNELS {
            break Some(healthy.elapsed());
        }
        if Instant::now() > deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    server.stop().await?;
    run.report.row(
        "intake",
        run.backend.name(),
        format!(
            "EventSub live again after SIGKILL and a restart ({CRASH_CHANNELS} channels, WebSocket): healthy → every subscription enabled (start to healthy {})",
            ms(restart_took)
        ),
        "≤ 2 s",
        opt_ms(live),
        Verdict::of(live.is_some_and(|l| l <= LIVE_AGAIN_TARGET)),
    );
    Ok(())
}
