//! Live updates across instances: two server processes on one store, a dashboard's stream
//! (`GET /api/ws`) open on instance B, and a series of changes (a setting saved through the JSON
//! API) on instance A; the time from sending each change to its event on B's stream. On SQLite
//! the relay is switched on and polls the shared file; on Firestore it is on by default and the
//! store pushes (listen).

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::json;

use super::dashboard::signed_in_with;
use super::Run;
use crate::options::Backend;
use crate::report::Verdict;
use crate::stats::{opt_ms, Sample};

/// Changes sent at full size (a quick run sends a fifth).
const CHANGES: usize = 100;
/// The pause unit between changes: pauses of 0 to 10 units, so that changes fall at every point
/// of a poll interval.
const GAP: Duration = Duration::from_millis(37);
/// How long one change may take to arrive before the run is called failed.
const PATIENCE: Duration = Duration::from_secs(10);

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let changes = if run.options.quick {
        CHANGES / 5
    } else {
        CHANGES
    };
    // The relay is on by default with Firestore only. (Each process gets an instance name of its
    // own without help: the second on one SQLite file cannot lock the first one's name.)
    let relay = match run.backend {
        Backend::Sqlite => "on",
        Backend::Firestore => "auto",
    };
    let env = [("LIVE_RELAY", relay)];
    let setup = signed_in_with(run, 0, &env).await?;
    let b = setup
        .fleet
        .start_server_with(run.options, &setup.db, &env)
        .await?;
    // No total timeout: the stream stays open for the whole run (each read has its own limit).
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()?;
    let mut stream = http
        .get(b.url("/api/ws"))
        .header(reqwest::header::COOKIE, &setup.cookie)
        .send()
        .await?
        .error_for_status()
        .context("B's live stream")?;
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, "event: ready").await?;

    let mut took = Vec::with_capacity(changes);
    for i in 0..changes {
        tokio::time::sleep(GAP * (i % 11) as u32).await;
        let sent = Instant::now();
        http.put(setup.server.url("/api/settings"))
            .header(reqwest::header::COOKIE, &setup.cookie)
            .json(&json!({ "default_duration": 3_600 + 60 * i }))
            .timeout(PATIENCE)
            .send()
            .await?
            .error_for_status()
            .context("a change on A")?;
        read_until(&mut stream, &mut seen, "event: settings_changed").await?;
        took.push(sent.elapsed());
    }
    drop(stream);
    b.stop().await?;
    let sample = Sample::new(took);
    let how = match run.backend {
        Backend::Sqlite => "relay polling the shared SQLite file",
        Backend::Firestore => "relay pushed by Firestore listen",
    };
    run.report.row(
        "relay",
        run.backend.name(),
        format!(
            "a change on instance A reaches a dashboard on instance B ({how}; {changes} changes): \
             p50 / p99"
        ),
        "",
        format!(
            "{} / {}",
            opt_ms(sample.percentile(50.0)),
            opt_ms(sample.percentile(99.0))
        ),
        Verdict::Info,
    );
    Ok(())
}

/// Reads `stream` until a frame with `line` has come after what `seen` held; keeps what follows.
async fn read_until(
    stream: &mut reqwest::Response,
    seen: &mut String,
    line: &str,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(at) = seen.find(line) {
            seen.drain(..at + line.len());
            return Ok(());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.chunk()).await {
            Ok(Ok(Some(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(Ok(None)) => bail!("B's live stream ended"),
            Ok(Err(e)) => return Err(e).context("reading B's live stream"),
            Err(_) => bail!("`{line}` did not reach B within {PATIENCE:?}"),
        }
    }
}
