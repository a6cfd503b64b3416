//! The cost of one expiry sweep when nothing is due, over many stored sessions: the queries an
//! expiry pass makes then (`due_sessions` with the pass's batch size, then `next_deadline`), timed
//! through the `Store` port on a database holding half ended sessions and half active ones whose
//! deadlines are hours away.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::{Actor, ChannelId, SessionState, Viewer, VipSession, VipSource};
use app::ssr::Store;
use chrono::Utc;

use super::Run;
use crate::backend::Database;
use crate::report::Verdict;
use crate::stats::{ms, opt_ms, Sample};
use crate::work::bounded;

/// What an expiry pass asks for at once.
const BATCH: u32 = 200;
const REPEATS: usize = 30;
/// Sessions generated and stored per round (keeps memory flat for a million).
const CHUNK: usize = 20_000;
const CHANNELS: usize = 1_000;

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let count = run.sizes().sweep_sessions;
    let db = Database::fresh(run.backend)?;
    let store = db.store().await?;
    eprintln!("sweep: storing {count} sessions");
    let started = Instant::now();
    let mut stored = 0;
    while stored < count {
        let chunk: Vec<VipSession> = (stored..(stored + CHUNK).min(count)).map(session).collect();
        stored += chunk.len();
        bounded(chunk, run.concurrency(), |s| {
            let store = store.clone();
            async move { Ok(store.insert_session(&s).await?) }
        })
        .await?;
        if stored % 100_000 == 0 {
            eprintln!("sweep: {stored} stored ({})", ms(started.elapsed()));
        }
    }
    let loading = started.elapsed();

    let (due, next, pass) = time_sweeps(&store).await?;
    let backend = run.backend.name();
    run.report.row(
        "sweep",
        backend,
        format!("one expiry pass with {count} stored sessions, 0 due: median / p99 (due_sessions + next_deadline)"),
        "",
        format!(
            "{} / {}",
            opt_ms(pass.percentile(50.0)),
            opt_ms(pass.percentile(99.0))
        ),
        Verdict::Info,
    );
    run.report.row(
        "sweep",
        backend,
        "of which due_sessions / next_deadline (median)",
        "",
        format!(
            "{} / {}",
            opt_ms(due.percentile(50.0)),
            opt_ms(next.percentile(50.0))
        ),
        Verdict::Info,
    );
    let size = std::fs::metadata(db.dir().join("vip.db"))
        .map(|m| format!(", file {} MB", m.len() / 1_000_000))
        .unwrap_or_default();
    run.report.row(
        "sweep",
        backend,
        "time to store them one by one through the Store port",
        "",
        format!("{}{size}", ms(loading)),
        Verdict::Info,
    );
    Ok(())
}

/// `REPEATS` timed passes after two untimed ones: (due_sessions, next_deadline, both).
async fn time_sweeps(store: &Arc<dyn Store>) -> anyhow::Result<(Sample, Sample, Sample)> {
    let (mut due, mut next, mut pass) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..REPEATS + 2 {
        let t0 = Instant::now();
        let found = store.due_sessions(Utc::now(), BATCH).await?;
        let t1 = Instant::now();
        let deadline = store.next_deadline().await?;
        let t2 = Instant::now();
        anyhow::ensure!(found.is_empty(), "{} sessions were due", found.len());
        anyhow::ensure!(deadline.is_some(), "no next deadline");
        if round >= 2 {
            due.push(t1 - t0);
            next.push(t2 - t1);
            pass.push(t2 - t0);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok((Sample::new(due), Sample::new(next), Sample::new(pass)))
}

/// The `i`-th session: even ones ended a day ago, odd ones active until hours from now. Channel
/// `i % 1000` and a viewer unique in it, so at most one active session per viewer and channel.
fn session(i: usize) -> VipSession {
    let now = Utc::now();
    let viewer = format!("{}", 50_000_000 + i / CHANNELS);
    let active = i % 2 == 1;
    let deadline = if active {
        now + chrono::Duration::hours(2) + chrono::Duration::seconds((i % 86_400) as i64)
    } else {
        now - chrono::Duration::days(1)
    };
    VipSession {
        id: uuid::Uuid::now_v7().to_string(),
        channel_id: ChannelId(format!("{}", 40_000_000 + i % CHANNELS)),
        viewer: Viewer {
            id: viewer.clone(),
            login: format!("viewer_{viewer}"),
            display_name: format!("Viewer_{viewer}"),
        },
        source: VipSource::ChannelPoints,
        granted_by: Actor::Viewer {
            id: viewer.clone(),
            login: format!("viewer_{viewer}"),
        },
        granted_at: now - chrono::Duration::days(2),
        expires_at: Some(deadline),
        state: if active {
            SessionState::Active
        } else {
            SessionState::Expired
        },
        ended_at: (!active).then_some(deadline),
        redemption_id: None,
        metadata: serde_json::Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_sessions_never_share_a_viewer_in_a_channel() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000 {
            let s = session(i);
            if s.state == SessionState::Active {
                assert!(s.expires_at.unwrap() > Utc::now());
                assert!(seen.insert((s.channel_id.0.clone(), s.viewer.id.clone())));
            } else {
                assert!(s.ended_at.is_some());
            }
        }
    }
}
