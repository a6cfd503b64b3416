//! The server binary as an operator runs it, started again and again on the same database: the
//! configuration in the environment, JSON logs collected in one file (each line tagged with its run),
//! SIGKILL to crash it.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

/// Starting the binary (migrations included) never takes this long unless it hangs.
const START_LIMIT: Duration = Duration::from_secs(120);

/// Starts the server binary with a fixed environment.
pub struct Launcher {
    dir: PathBuf,
    vars: Vec<(String, String)>,
    log: Arc<Mutex<std::fs::File>>,
    log_path: PathBuf,
    runs: u32,
}

/// A running server process. Dropping it kills the process.
pub struct Running {
    child: Child,
    pub addr: SocketAddr,
}

impl Launcher {
    /// Runs in `dir` (no `.env` file is found there) with only `vars`, `PATH` and the log settings.
    pub fn new(dir: &Path, vars: Vec<(String, String)>) -> Self {
        let log_path = dir.join("server.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        Self {
            dir: dir.to_owned(),
            vars,
            log: Arc::new(Mutex::new(log)),
            log_path,
            runs: 0,
        }
    }

    /// How many times the binary was started.
    pub fn runs(&self) -> u32 {
        self.runs
    }

    /// Starts the binary and waits for the log line that says where it listens.
    pub async fn start(&mut self) -> Running {
        self.runs += 1;
        let run = self.runs;
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        let (found, addr) = oneshot::channel::<SocketAddr>();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = self.log.clone();
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if found.is_some() {
                    if let Some(addr) = listening_addr(&line) {
                        let _ = found.take().map(|tx| tx.send(addr));
                    }
                }
                append(&log, run, &line);
            }
        });
        let log = self.log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                append(&log, run, &line);
            }
        });
        match tokio::time::timeout(START_LIMIT, addr).await {
            Ok(Ok(addr)) => Running { child, addr },
            _ => {
                let _ = child.kill();
                panic!(
                    "run {run} of the server did not start:\n{}",
                    self.log_tail(60)
                );
            }
        }
    }

    /// The last `lines` lines of every run's output.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Running {
    /// SIGKILL: no shutdown, no lease released, no request finished.
    pub fn kill(mut self) {
        self.kill_now();
    }

    fn kill_now(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The server's base URL.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill_now();
    }
}

fn append(log: &Mutex<std::fs::File>, run: u32, line: &str) {
    if let Ok(mut file) = log.lock() {
        let _ = writeln!(file, "[run {run}] {line}");
    }
}

/// The address in the first log line that carries one (`listening`).
fn listening_addr(line: &str) -> Option<SocketAddr> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    v.get("addr")?.as_str()?.parse().ok()
}
