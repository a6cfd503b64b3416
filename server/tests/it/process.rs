//! The built binary as an operator runs it: configuration from the environment, JSON logs, SIGTERM,
//! and no error logged by a start and a stop that went well (each would reach Error Reporting).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn binary_serves_health_and_exits_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/vip.db", dir.path().display()),
        )
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();

    // The first log line with an address says where it listens.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            seen.push(line.clone());
            let v: serde_json::Value = serde_json::from_str(&line).ok()?;
            assert!(
                v.get("severity").is_some(),
                "Cloud Logging needs severity: {line}"
            );
            v.get("addr").and_then(|a| a.as_str()).map(str::to_owned)
        })
        .expect("a log line with the listening address");

    let body: serde_json::Value = reqwest::blocking::get(format!("http://{addr}/api/health"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["status"], "ok");

    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let asked = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(8),
            "still running 8 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    seen.extend(lines.map_while(Result::ok));
    assert!(
        seen.iter().any(|l| l.contains("SIGTERM received")),
        "the shutdown is logged"
    );
    let errors: Vec<_> = seen
        .iter()
        .filter(|l| l.contains(r#""severity":"ERROR""#))
        .collect();
    assert!(errors.is_empty(), "errors logged: {errors:#?}");
}
