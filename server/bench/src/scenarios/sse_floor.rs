//! The floor of the live-update fan-out: the same streams and the same change against
//! [`FloorSse`], a minimal axum server of its own process; its rows and the product's multiples
//! of it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::latency::ratio;
use super::sse::{watch, FanOut, OPENING};
use super::Run;
use crate::floor_sse::FloorSse;
use crate::report::Verdict;
use crate::stats::{kib, opt_ms, Sample};

/// The same fan-out to [`FloorSse`]: the rows of the floor and the product's multiples of it.
pub async fn run(run: &mut Run<'_>, product: &FanOut) -> anyhow::Result<()> {
    let clients = product.clients;
    let server = FloorSse::start().await?;
    let addr = server.addr;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let baseline = server.memory()?;
    let opening = Arc::new(Semaphore::new(OPENING));
    let open = Arc::new(AtomicUsize::new(0));
    let mut streams = JoinSet::new();
    for _ in 0..clients {
        let (opening, open) = (opening.clone(), open.clone());
        let transport = product.transport;
        streams.spawn(async move { watch(addr, "", transport, &opening, &open).await });
    }
    let limit = Instant::now() + Duration::from_secs(600);
    while open.load(Ordering::SeqCst) < clients && Instant::now() < limit {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let with_streams = server.memory()?;
    let connected = open.load(Ordering::SeqCst);
    let changed_at = Instant::now();
    server.change().await?;
    let mut arrivals = Vec::with_capacity(connected);
    let mut reached = Vec::with_capacity(connected);
    let _ = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(done) = streams.join_next().await {
            if let Ok(Ok((at, stream))) = done {
                arrivals.push(at.saturating_duration_since(changed_at));
                reached.push(stream);
            }
        }
    })
    .await;
    drop(reached);
    streams.abort_all();
    drop(server);
    let sample = Sample::new(arrivals);
    let per_stream =
        with_streams.rss_kib.saturating_sub(baseline.rss_kib) * 1024 / connected.max(1) as u64;
    let backend = run.backend.name();
    run.report.row(
        "sse",
        backend,
        format!(
            "{}, the floor: a minimal axum server of its own (no login, store, caps or \
             re-checks), {connected} streams: time until all / p50; memory per stream ({} before \
             opening)",
            product.transport.name(),
            kib(baseline.rss_kib)
        ),
        "",
        format!(
            "{} / {}; {:.1} KB ({} in all)",
            opt_ms(sample.max()),
            opt_ms(sample.percentile(50.0)),
            per_stream as f64 / 1024.0,
            kib(with_streams.rss_kib)
        ),
        Verdict::Info,
    );
    run.report.row(
        "sse",
        backend,
        format!(
            "**{}: the product as a multiple of the floor: time until all / p50; memory per \
             stream**",
            product.transport.name()
        ),
        "",
        format!(
            "{} / {}; {:.1}×",
            ratio(product.sample.max(), sample.max()),
            ratio(product.sample.percentile(50.0), sample.percentile(50.0)),
            product.per_stream_bytes() as f64 / per_stream.max(1) as f64
        ),
        Verdict::Info,
    );
    Ok(())
}
