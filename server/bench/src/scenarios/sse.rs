//! Live-update fan-out: many open `GET /api/ws` streams of one channel (one login shared by all,
//! as many tabs would), one change (a VIP granted through the JSON API), and the time until every
//! stream has received it; server memory with the streams open. Measured for each transport: the
//! WebSocket a dashboard opens (the targets' rows) and the Server-Sent Events scripts read.
//!
//! The streams are plain TCP connections read by this process (a WebSocket's server frames are
//! unmasked, so its events are read as text too), so a stream's "received" time includes this
//! process getting to read it on the same two cores.

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
use crate::server_process::{own_cpu, Memory};
use crate::stats::{kib, ms, opt_ms, Sample};

const FAN_OUT_TARGET: Duration = Duration::from_millis(100);
const MEMORY_TARGET_KIB: u64 = 120 * 1024;
/// Streams being opened at once.
pub(super) const OPENING: usize = 256;

/// What carries a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transport {
    /// What a dashboard opens.
    WebSocket,
    /// What a script reads.
    EventStream,
}

impl Transport {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::WebSocket => "WebSocket (dashboards)",
            Self::EventStream => "Server-Sent Events (scripts)",
        }
    }
}

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let sizes = run.sizes().clone();
    for transport in [Transport::WebSocket, Transport::EventStream] {
        let measured = fan_out(run, sizes.sse_clients.max(1), transport).await?;
        report_fan_out(run, &measured);
        super::sse_floor::run(run, &measured).await?;
    }
    if sizes.sse_many > 0 {
        many(run, sizes.sse_many).await?;
    }
    Ok(())
}

/// The many-streams row: as many as wanted, or as many as this process and the server may each
/// hold open (both inherit this process's open-file limit), with the memory of the wanted number
/// extrapolated from the measured per-stream cost when the limit is lower.
async fn many(run: &mut Run<'_>, wanted: usize) -> anyhow::Result<()> {
    let limit = open_file_limit().unwrap_or(u64::MAX);
    let possible = usize::try_from(limit.saturating_sub(FILES_KEPT_FREE)).unwrap_or(usize::MAX);
    let clients = wanted.min(possible);
    if clients < wanted {
        eprintln!("sse: {wanted} streams wanted, the open-file limit ({limit}) allows {clients}");
    }
    let m = fan_out(run, clients, Transport::WebSocket).await?;
    let backend = run.backend.name();
    let all = m
        .sample
        .max()
        .filter(|_| m.reached == clients && m.complete);
    run.report.row(
        "sse",
        backend,
        format!(
            "{wanted} open streams on one instance, {}{}: one change, time until all / p50 ({} \
             opened in {})",
            m.transport.name(),
            if clients < wanted {
                format!(
                    " (measured with {clients}: this machine allows {limit} open files per process)"
                )
            } else {
                String::new()
            },
            m.connected,
            ms(m.opening_took)
        ),
        "",
        format!("{} / {}", opt_ms(all), opt_ms(m.sample.percentile(50.0))),
        Verdict::Info,
    );
    let per_stream = m.per_stream_bytes();
    let extrapolated = m.baseline.rss_kib + per_stream * wanted as u64 / 1024;
    run.report.row(
        "sse",
        backend,
        format!(
            "server memory with {} streams open: VmRSS ({:.1} KB per stream{})",
            m.connected,
            per_stream as f64 / 1024.0,
            if clients < wanted {
                format!("; {wanted} streams at that rate: {}", kib(extrapolated))
            } else {
                String::new()
            }
        ),
        "",
        kib(m.with_streams.rss_kib),
        Verdict::Info,
    );
    Ok(())
}

/// Sockets this process keeps for everything but the streams (the simulator, the store, logs).
const FILES_KEPT_FREE: u64 = 500;

/// `Max open files` (soft) of this process.
fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// What one fan-out measured.
pub(super) struct FanOut {
    pub(super) transport: Transport,
    pub(super) clients: usize,
    pub(super) connected: usize,
    pub(super) reached: usize,
    /// Every stream reported within the wait.
    pub(super) complete: bool,
    pub(super) opening_took: Duration,
    pub(super) answered: Duration,
    pub(super) sample: Sample,
    /// Server CPU and this process's CPU from the change until every stream had it.
    pub(super) cpu: (Duration, Duration),
    pub(super) baseline: Memory,
    pub(super) with_streams: Memory,
    pub(super) after: Memory,
}

impl FanOut {
    pub(super) fn per_stream_bytes(&self) -> u64 {
        self.with_streams
            .rss_kib
            .saturating_sub(self.baseline.rss_kib)
            * 1024
            / self.connected.max(1) as u64
    }
}

/// A fresh signed-in server, `clients` open streams, one change: what it took.
async fn fan_out(run: &Run<'_>, clients: usize, transport: Transport) -> anyhow::Result<FanOut> {
    let setup = signed_in(run, 0).await?;
    let addr = setup.server.addr;
    let baseline = setup.server.memory()?;
    eprintln!("sse: opening {clients} streams ({})", transport.name());
    let opening = Arc::new(Semaphore::new(OPENING));
    let open = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut streams = JoinSet::new();
    let opened_at = Instant::now();
    for _ in 0..clients {
        let (opening, open, failed) = (opening.clone(), open.clone(), failed.clone());
        let cookie = setup.cookie.clone();
        streams.spawn(async move {
            let result = watch(addr, &cookie, transport, &opening, &open).await;
            if let Err(e) = &result {
                if failed.fetch_add(1, Ordering::SeqCst) == 0 {
                    eprintln!("sse: a stream failed: {e:#}");
                }
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
    let mut reached = Vec::with_capacity(connected);
    let wait = tokio::time::timeout(Duration::from_secs(120), async {
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
    let cpu = (
        setup.server.cpu()? - cpu_before.0,
        own_cpu()? - cpu_before.1,
    );
    let after = setup.server.memory()?;
    setup.server.stop().await?;
    Ok(FanOut {
        transport,
        clients,
        connected,
        reached: arrivals.len(),
        complete: wait.is_ok(),
        opening_took,
        answered,
        sample: Sample::new(arrivals),
        cpu,
        baseline,
        with_streams,
        after,
    })
}

/// The rows of the 10,000-stream fan-out; the targets are the dashboards'.
fn report_fan_out(run: &mut Run<'_>, m: &FanOut) {
    let backend = run.backend.name();
    let judged = |met: bool| match m.transport {
        Transport::WebSocket => Verdict::of(met),
        Transport::EventStream => Verdict::Info,
    };
    let target = |text: &'static str| match m.transport {
        Transport::WebSocket => text,
        Transport::EventStream => "",
    };
    let all = m
        .sample
        .max()
        .filter(|_| m.reached == m.clients && m.complete);
    run.report.row(
        "sse",
        backend,
        format!(
            "{}: one change to {} open streams ({} opened in {}, {} reached): time until all / \
             p50 / first (the API answered in {})",
            m.transport.name(),
            m.clients,
            m.connected,
            ms(m.opening_took),
            m.reached,
            ms(m.answered)
        ),
        target("≤ 100 ms"),
        format!(
            "{} / {} / {}",
            opt_ms(all),
            opt_ms(m.sample.percentile(50.0)),
            opt_ms(m.sample.percentile(0.0))
        ),
        judged(all.is_some_and(|t| t <= FAN_OUT_TARGET)),
    );
    run.report.row(
        "sse",
        backend,
        format!(
            "{}: CPU used from the change until every stream had it: server / benchmark reading \
             the streams",
            m.transport.name()
        ),
        "",
        format!("{} / {}", ms(m.cpu.0), ms(m.cpu.1)),
        Verdict::Info,
    );
    run.report.row(
        "sse",
        backend,
        format!(
            "{}: server memory with {} streams open: VmRSS (VmHWM after the change; {} before \
             opening, {:.1} KB per stream)",
            m.transport.name(),
            m.connected,
            kib(m.baseline.rss_kib),
            m.per_stream_bytes() as f64 / 1024.0
        ),
        target("≤ 120 MB"),
        format!(
            "{} ({})",
            kib(m.with_streams.rss_kib),
            kib(m.after.peak_kib)
        ),
        judged(m.with_streams.rss_kib.max(m.after.rss_kib) <= MEMORY_TARGET_KIB),
    );
}

/// Opens one stream (at most [`OPENING`] at a time), waits for `ready`, counts itself in `open`,
/// then returns when a `granted` event arrives: when, and the stream, still open (so that the
/// server closing the streams that have the event does not slow those still waiting).
pub(super) async fn watch(
    addr: SocketAddr,
    cookie: &str,
    transport: Transport,
    opening: &Semaphore,
    open: &AtomicUsize,
) -> anyhow::Result<(Instant, TcpStream)> {
    let permit = opening.acquire().await?;
    let mut stream = TcpStream::connect(addr).await?;
    let (asks, answered, ready, granted) = match transport {
        Transport::WebSocket => (
            format!(
                "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
                 Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://{addr}\r\n"
            ),
            &b"HTTP/1.1 101"[..],
            &br#""event":"ready""#[..],
            &br#""event":"granted""#[..],
        ),
        Transport::EventStream => (
            "Accept: text/event-stream\r\n".to_owned(),
            &b"HTTP/1.1 200"[..],
            &b"event: ready"[..],
            &b"event: granted"[..],
        ),
    };
    let request = format!("GET /api/ws HTTP/1.1\r\nHost: {addr}\r\n{asks}Cookie: {cookie}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut seen = Vec::with_capacity(1024);
    read_until(&mut stream, &mut seen, b"\r\n\r\n").await?;
    if !seen.starts_with(answered) {
        let head = String::from_utf8_lossy(&seen);
        bail!(
            "the stream was refused: {}",
            head.lines().next().unwrap_or_default()
        );
    }
    read_until(&mut stream, &mut seen, ready).await?;
    drop(permit);
    open.fetch_add(1, Ordering::SeqCst);
    seen.clear();
    read_until(&mut stream, &mut seen, granted).await?;
    Ok((Instant::now(), stream))
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
