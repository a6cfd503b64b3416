//! A signed-in streamer with a running server: the setting of the page and live-update benchmarks.

use std::time::Duration;

use app::model::VipDuration;
use chrono::Utc;

use super::Run;
use crate::backend::Database;
use crate::fleet::Fleet;
use crate::server_process::ServerProcess;

/// One channel with `vips` timed VIPs, its streamer logged in.
pub struct SignedIn {
    pub fleet: Fleet,
    /// The server's files, deleted when this is dropped.
    pub db: Database,
    pub server: ServerProcess,
    /// The `Cookie` header of the login.
    pub cookie: String,
}

pub async fn signed_in(run: &Run<'_>, vips: usize) -> anyhow::Result<SignedIn> {
    signed_in_with(run, vips, &[]).await
}

/// [`signed_in`] with `extra` server environment.
pub async fn signed_in_with(
    run: &Run<'_>,
    vips: usize,
    extra: &[(&str, &str)],
) -> anyhow::Result<SignedIn> {
    let fleet = Fleet::start(1, vips + 1, vips + 10).await?;
    let db = Database::fresh(run.backend)?;
    let store = db.store().await?;
    fleet
        .seed_store(&store, VipDuration::from_secs(86_400)?, run.concurrency())
        .await?;
    // Viewer 0 stays free for a grant; the others are VIP for a day.
    let pairs: Vec<(usize, usize)> = (1..=vips).map(|v| (0, v)).collect();
    fleet.quietly_add_vips(&pairs);
    let until = Utc::now() + chrono::Duration::days(1);
    fleet
        .insert_sessions(
            &store,
            &pairs,
            |i| until + chrono::Duration::seconds(i as i64),
            4,
        )
        .await?;
    let server = fleet.start_server_with(run.options, &db, extra).await?;
    fleet
        .settle(Duration::from_secs(2), Duration::from_secs(120))
        .await?;
    let cookie = fleet.log_in(&server, 0).await?;
    Ok(SignedIn {
        fleet,
        db,
        server,
        cookie,
    })
}
