//! Server-side rendered pages per second, signed in: `GET /dashboard` (the streamer's VIPs) and
//! `GET /`, each loaded in a loop by concurrent clients that accept compressed answers as browsers
//! do.

use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::dashboard::signed_in;
use super::Run;
use crate::report::Verdict;
use crate::stats::{opt_ms, Sample};

/// Timed VIPs on the dashboard.
const VIPS: usize = 20;

pub async fn run(run: &mut Run<'_>) -> anyhow::Result<()> {
    let sizes = run.sizes().clone();
    let setup = signed_in(run, VIPS).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?;
    for path in ["/dashboard", "/"] {
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
                        .header(reqwest::header::ACCEPT_ENCODING, "gzip, deflate, br")
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
        let sample = Sample::new(times);
        run.report.row(
            "ssr",
            run.backend.name(),
            format!(
                "signed-in GET {path}, {} concurrent clients: pages/s (latency p50 / p99)",
                sizes.ssr_clients
            ),
            "",
            format!(
                "{:.0}/s ({} / {}){}",
                pages as f64 / elapsed.as_secs_f64(),
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
            } else {
                Verdict::Info
            },
        );
    }
    setup.server.stop().await?;
    Ok(())
}
