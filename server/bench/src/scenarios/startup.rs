//! Start to healthy (spawn → first `200` from `/api/health`) on a new database and on an existing
//! one, and the memory of the idle server: pointed at the simulator with the webhook transport,
//! no channel yet, ten seconds after it became healthy.

use std::time::Duration;

use super::Run;
use crate::backend::Database;
use crate::fleet::Fleet;
use crate::options::Backend;
use crate::report::Verdict;
use crate::stats::{kib, ms, opt_ms, Sample};

const HEALTHY_TARGET: Duration = Duration::from_millis(200);
const IDLE_TARGET_KIB: u64 = 40 * 1024;
const IDLE_AFTER: Duration = Duration::from_secs(10);

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let starts = run.sizes().starts.max(1);
    let fleet = Fleet::start(0, 0, 0).await?;
    // One untimed start first: the binary into the page cache, the emulator warmed up.
    let db = Database::fresh(run.backend)?;
    fleet.start_server(run.options, &db).await?.stop().await?;
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    let mut idle = None;
    for round in 0..starts {
        let db = Database::fresh(run.backend)?;
        let server = fleet.start_server(run.options, &db).await?;
        cold.push(server.healthy_after);
        server.stop().await?;
        let server = fleet.start_server(run.options, &db).await?;
        warm.push(server.healthy_after);
        if round + 1 == starts {
            tokio::time::sleep(IDLE_AFTER).await;
            idle = Some(server.memory()?);
        }
        server.stop().await?;
    }
    let backend = run.backend.name();
    let new = match run.backend {
        Backend::Sqlite => "new database (created and migrated)",
        Backend::Firestore => "new, empty project",
    };
    for (label, sample) in [
        (new, Sample::new(cold)),
        ("existing database", Sample::new(warm)),
    ] {
        let worst = sample.max();
        run.report.row(
            "startup",
            backend,
            format!(
                "start to healthy, {label}: median / max of {}",
                sample.len()
            ),
            "≤ 200 ms",
            format!("{} / {}", opt_ms(sample.percentile(50.0)), opt_ms(worst)),
            Verdict::of(worst.is_some_and(|w| w <= HEALTHY_TARGET)),
        );
    }
    if let Some(idle) = idle {
        run.report.row(
            "startup",
            backend,
            format!(
                "idle server, {} after healthy: VmRSS (VmHWM)",
                ms(IDLE_AFTER)
            ),
            "≤ 40 MB",
            format!("{} ({})", kib(idle.rss_kib), kib(idle.peak_kib)),
            Verdict::of(idle.rss_kib <= IDLE_TARGET_KIB),
        );
    }
    Ok(())
}
