//! Live-update fan-out: many open `GET /api/ws` streams of one channel (one login shared by all,
//! as many tabs would), one change (a VIP granted through the JSON API), and the time until every
//! stream has received it; server memory with the streams open.
//!
//! The streams are plain HTTP/1.1 connections read by this process, so a stream's "received" time
//! includes this process getting to read it on the same two cores.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::dashboard::signed_in;
use super::Run;
use crate::report::Verdict;
use crate::server_process::own_cpu;
use crate::stats::{kib, ms, opt_ms, Sample};

const FAN_OUT_TARGET: Duration = Duration::from_millis(250);
const MEMORY_TARGET_KIB: u64 = 200 * 1024;
/// Streams being opened at once.
const OPENING: usize = 256;

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let clients = run.sizes().sse_clients.max(1);
    let setup = signed_in(run, 0).await?;
    let addr = setup.server.addr;
    let baseline = setup.server.memory()?;
    eprintln!("sse: opening {clients} streams");
    let opening = Arc::new(Semaphore::new(OPENING));
    let open = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut streams = JoinSet::new();
    let opened_at = Instant::now();
    for _ in 0..clients {
        let (opening, open, failed) = (opening.clone(), open.clone(), failed.clone());
        let cookie = setup.cookie.clone();
        streams.spawn(async move {
            let result = watch(addr, &cookie, &opening, &open).await;
            if result.is_err() {
                failed.fetch_add(1, Ordering::SeqCst);
            }
            result
        });
    }
    let limit = Instant::now() + Duration::from_secs(600);
    while open.load(Ordering::SeqCst) + failed.load(Ordering::SeqCst) < clients {
        if Instant::now() > limit {
            bail!("streams still opening after ten minutes");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let opening_took = opened_at.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let with_streams = setup.server.memory()?;
    let connected = open.load(Ordering::SeqCst);

    let http = reqwest::Client::new();
    let viewer = &setup.fleet.viewers[0].login;
    let cpu_before = (setup.server.cpu()?, own_cpu()?);
    let changed_at = Instant::now();
    let res = http
        .post(setup.server.url("/api/vip"))
        .header(reqwest::header::COOKIE, &setup.cookie)
        .json(&serde_json::json!({ "user_login": viewer, "duration_secs": 3600 }))
        .send()
        .await?;
    if !res.status().is_success() {
        bail!("granting a VIP answered {}", res.status());
    }
    let answered = changed_at.elapsed();
    let mut arrivals = Vec::with_capacity(connected);
    let wait = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(done) = streams.join_next().await {
            if let Ok(Ok(at)) = done {
                arrivals.push(at.saturating_duration_since(changed_at));
            }
        }
    })
    .await;
    streams.abort_all();
    let cpu = (
        setup.server.cpu()? - cpu_before.0,
        own_cpu()? - cpu_before.1,
    );
    let after = setup.server.memory()?;
    setup.server.stop().await?;

    let reached = arrivals.len();
    let sample = Sample::new(arrivals);
    let all = sample.max().filter(|_| reached == clients && wait.is_ok());
    let backend = run.backend.name();
    run.report.row(
        "sse",
        backend,
        format!(
            "one change to {clients} open streams ({connected} opened in {}, {reached} reached): \
             time until all / p50 / first (the API answered in {})",
            ms(opening_took),
            ms(answered)
        ),
        "≤ 250 ms",
        format!(
            "{} / {} / {}",
            opt_ms(all),
            opt_ms(sample.percentile(50.0)),
            opt_ms(sample.percentile(0.0))
        ),
        Verdict::of(all.is_some_and(|t| t <= FAN_OUT_TARGET)),
    );
    run.report.row(
        "sse",
        backend,
        "CPU used from the change until every stream had it: server / benchmark reading the streams",
        "",
        format!("{} / {}", ms(cpu.0), ms(cpu.1)),
        Verdict::Info,
    );
    let per_stream =
        with_streams.rss_kib.saturating_sub(baseline.rss_kib) * 1024 / connected.max(1) as u64;
    run.report.row(
        "sse",
        backend,
        format!(
            "server memory with {connected} streams open: VmRSS (VmHWM after the change; {} before \
             opening, {:.1} KB per stream)",
            kib(baseline.rss_kib),
            per_stream as f64 / 1024.0
        ),
        "< 200 MB",
        format!("{} ({})", kib(with_streams.rss_kib), kib(after.peak_kib)),
        Verdict::of(with_streams.rss_kib.max(after.rss_kib) < MEMORY_TARGET_KIB),
    );
    Ok(())
}

/// Opens one stream (at most [`OPENING`] at a time), waits for `ready`, counts itself in `open`,
/// then returns when a `granted` event arrives.
async fn watch(
    addr: SocketAddr,
    cookie: &str,
    opening: &Semaphore,
    open: &AtomicUsize,
) -> anyhow::Result<Instant> {
    let permit = opening.acquire().await?;
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!(
        "GET /api/ws HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut seen = Vec::with_capacity(1024);
    read_until(&mut stream, &mut seen, b"\r\n\r\n").await?;
    if !seen.starts_with(b"HTTP/1.1 200") {
        let head = String::from_utf8_lossy(&seen);
        bail!(
            "the stream was refused: {}",
            head.lines().next().unwrap_or_default()
        );
    }
    read_until(&mut stream, &mut seen, b"event: ready").await?;
    drop(permit);
    open.fetch_add(1, Ordering::SeqCst);
    seen.clear();
    read_until(&mut stream, &mut seen, b"event: granted").await?;
    Ok(Instant::now())
}

/// Reads into `seen` until it contains `needle`.
async fn read_until(
    stream: &mut TcpStream,
    seen: &mut Vec<u8>,
    needle: &[u8],
) -> anyhow::Result<()> {
    let mut buf = [0u8; 2048];
    loop {
        if seen.windows(needle.len()).any(|w| w == needle) {
            return Ok(());
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(anyhow::anyhow!("the stream ended"))
                .context(String::from_utf8_lossy(seen).into_owned());
        }
        seen.extend_from_slice(&buf[..n]);
    }
}
