//! Many channels on one instance over the EventSub conduit: the server started on a store of
//! channels that all authorised the app, and the time until every channel subscription is enabled
//! on the conduit (made with the app token), with the server's memory then. Twitch's floor is its
//! app rate limit: one Create EventSub Subscription per subscription at 800 points a minute. The
//! simulator's limit is raised here, so the row shows what the server itself needs.

use std::time::{Duration, Instant};

use anyhow::bail;
use app::model::VipDuration;
use server::eventsub::parse::CHANNEL_TYPES;

use super::Run;
use crate::backend::Database;
use crate::fleet::Fleet;
use crate::report::Verdict;
use crate::stats::{kib, ms};

/// Twitch's app rate limit, points a minute (each subscription made costs one).
const TWITCH_POINTS_PER_MINUTE: u64 = 800;
/// A failing run's guard against waiting forever.
const LIMIT: Duration = Duration::from_secs(3_600);

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let channels = run.sizes().conduit_channels.max(1);
    eprintln!("conduit: {channels} channels");
    let fleet = Fleet::start(channels, 1, 10).await?;
    let db = Database::fresh(run.backend)?;
    let store = db.store().await?;
    fleet
        .seed_store(&store, VipDuration::from_secs(3_600)?, run.concurrency())
        .await?;
    let wanted = channels * CHANNEL_TYPES.len();
    let started = Instant::now();
    let server = fleet
        .start_server_with(run.options, &db, &[("EVENTSUB_TRANSPORT", "conduit")])
        .await?;
    let healthy = started.elapsed();
    loop {
        let enabled = fleet.enabled_channel_subscriptions();
        if enabled >= wanted {
            break;
        }
        if started.elapsed() > LIMIT {
            bail!("{enabled} of {wanted} subscriptions enabled after {LIMIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let all_enabled = started.elapsed();
    let memory = server.memory()?;
    server.stop().await?;
    let floor = Duration::from_secs(wanted as u64 * 60 / TWITCH_POINTS_PER_MINUTE);
    let backend = run.backend.name();
    run.report.row(
        "conduit",
        backend,
        format!(
            "{channels} channels on one instance (conduit): start to all {wanted} subscriptions \
             enabled (healthy after {}); Twitch's floor at 800 points a minute: {}",
            ms(healthy),
            ms(floor)
        ),
        "",
        ms(all_enabled),
        Verdict::Info,
    );
    run.report.row(
        "conduit",
        backend,
        format!("server memory with {channels} channels subscribed: VmRSS"),
        "",
        kib(memory.rss_kib),
        Verdict::Info,
    );
    Ok(())
}
