//! Server-side rendered pages per second, signed in: `GET /dashboard` (the streamer's VIPs) and
//! `GET /`, each loaded in a loop by concurrent clients that accept compressed answers as browsers
//! do: as Chrome, Edge and Firefox (zstd), and the dashboard once more as Safari (no zstd).

use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::dashboard::signed_in;
use super::Run;
use crate::report::Verdict;
use crate::stats::{opt_ms, Sample};

/// Timed VIPs on the dashboard.
const VIPS: usize = 20;

/// What Chrome (since 123), Edge and Firefox (since 126) send, and what Safari sends.
const CHROME: (&str, &str) = ("Chrome", "gzip, deflate, br, zstd");
const SAFARI: (&str, &str) = ("Safari", "gzip, deflate, br");

/// The target for the signed-in dashboard, in pages per second.
const DASHBOARD_TARGET: f64 = 3000.0;

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let sizes = run.sizes().clone();
    let setup = signed_in(run, VIPS).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?;
    for (path, (browser, accept)) in [
        ("/dashboard", CHROME),
        ("/dashboard", SAFARI),
        ("/", CHROME),
    ] {
        let url = setup.server.url(path);
        let duration = Duration::from_secs(sizes.ssr_secs.max(1));
        // Warm-up: one page.
        http.get(&url)
            .header(reqwest::header::COOKIE, &setup.cookie)
            .send()
            .await?
            .error_for_status()?;
        let started = Instant::now();
        let mut clients = JoinSet::new();
        for _ in 0..sizes.ssr_clients.max(1) {
            let (http, url, cookie) = (http.clone(), url.clone(), setup.cookie.clone());
            clients.spawn(async move {
                let mut times = Vec::new();
                let mut failed = 0usize;
                while started.elapsed() < duration {
                    let t = Instant::now();
                    let res = http
                        .get(&url)
                        .header(reqwest::header::COOKIE, &cookie)
                        .header(reqwest::header::ACCEPT_ENCODING, accept)
                        .send()
                        .await;
                    let ok = match res {
                        Ok(r) if r.status() == reqwest::StatusCode::OK => r.bytes().await.is_ok(),
                        _ => false,
                    };
                    if ok {
                        times.push(t.elapsed());
                    } else {
                        failed += 1;
                    }
                }
                (times, failed)
            });
        }
        let (mut times, mut failed) = (Vec::new(), 0);
        while let Some(done) = clients.join_next().await {
            let (t, f) = done?;
            times.extend(t);
            failed += f;
        }
        let elapsed = started.elapsed();
        let pages = times.len();
        let rate = pages as f64 / elapsed.as_secs_f64();
        let sample = Sample::new(times);
        let dashboard = path == "/dashboard";
        run.report.row(
            "ssr",
            run.backend.name(),
            format!(
                "signed-in GET {path}, {} concurrent clients accepting what {browser} does: pages/s (latency p50 / p99)",
                sizes.ssr_clients
            ),
            if dashboard { "≥ 3,000/s" } else { "" },
            format!(
                "{rate:.0}/s ({} / {}){}",
                opt_ms(sample.percentile(50.0)),
                opt_ms(sample.percentile(99.0)),
                if failed > 0 {
                    format!(", {failed} failed")
                } else {
                    String::new()
                }
            ),
            if failed > 0 {
                Verdict::Missed
            } else if dashboard {
                Verdict::of(rate >= DASHBOARD_TARGET)
            } else {
                Verdict::Info
            },
        );
    }
    setup.server.stop().await?;
    Ok(())
}
