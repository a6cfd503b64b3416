//! The release server as a separate process: started with an environment, timed until its first
//! healthy answer, measured through `/proc`, stopped with SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tokio::process::{Child, Command};

/// How long a start may take before the benchmark gives up.
const START_LIMIT: Duration = Duration::from_secs(120);
/// How often `/api/health` is asked while the server starts.
const HEALTH_POLL: Duration = Duration::from_millis(2);

/// Resident memory of a process, from `/proc/PID/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS`: resident now, in KiB.
    pub rss_kib: u64,
    /// `VmHWM`: the most that was ever resident, in KiB.
    pub peak_kib: u64,
}

/// What to start and how.
pub struct Launch<'a> {
    pub bin: &'a Path,
    /// Working directory (no `.env` there) and home of the log files.
    pub dir: &'a Path,
    pub addr: SocketAddr,
    /// The whole environment besides `PATH`.
    pub env: Vec<(String, String)>,
}

/// A running server.
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    /// Spawn → first `200` from `/api/health`.
    pub healthy_after: Duration,
    pub log: PathBuf,
}

impl ServerProcess {
    /// Spawns the server and waits for its first healthy answer.
    ///
    /// # Errors
    /// When it cannot be spawned, exits, or is not healthy within two minutes (the end of its log
    /// is in the message).
    pub async fn start(launch: &Launch<'_>) -> anyhow::Result<Self> {
        let log = unused_log_path(launch.dir);
        let out = std::fs::File::create(&log)?;
        let err = out.try_clone()?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()?;
        let health = format!("http://{}/api/health", launch.addr);
        let started = Instant::now();
        let mut child = Command::new(launch.bin)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(launch.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(launch.dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", launch.bin.display()))?;
        loop {
            if let Some(status) = child.try_wait()? {
                bail!("the server exited ({status}):\n{}", tail(&log));
            }
            if started.elapsed() > START_LIMIT {
                bail!(
                    "the server was not healthy within {START_LIMIT:?}:\n{}",
                    tail(&log)
                );
            }
            if let Ok(res) = http.get(&health).send().await {
                if res.status() == reqwest::StatusCode::OK {
                    break;
                }
            }
            tokio::time::sleep(HEALTH_POLL).await;
        }
        Ok(Self {
            healthy_after: started.elapsed(),
            child,
            addr: launch.addr,
            log,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// # Errors
    /// When `/proc/PID/status` cannot be read (the process is gone).
    pub fn memory(&self) -> anyhow::Result<Memory> {
        memory_of(self.child.id().context("the server has exited")?)
    }

    /// CPU time (user + system) the server has used so far.
    ///
    /// # Errors
    /// When `/proc/PID/stat` cannot be read.
    pub fn cpu(&self) -> anyhow::Result<Duration> {
        let pid = self.child.id().context("the server has exited")?;
        cpu_of(&format!("/proc/{pid}/stat"))
    }

    /// SIGKILL, as a crash or an out-of-memory kill ends it: no shutdown, nothing released.
    ///
    /// # Errors
    /// When the process cannot be signalled.
    pub async fn kill(mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    /// SIGTERM, then waits for the exit (SIGKILL after 15 s).
    ///
    /// # Errors
    /// When the server exits with a failure status.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
        }
        match tokio::time::timeout(Duration::from_secs(15), self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                if !status.success() {
                    bail!("the server exited with {status}:\n{}", tail(&self.log));
                }
                Ok(())
            }
            Err(_) => {
                self.child.start_kill()?;
                self.child.wait().await?;
                bail!("the server did not stop within 15 s of SIGTERM")
            }
        }
    }
}

fn unused_log_path(dir: &Path) -> PathBuf {
    (1..)
        .map(|n| dir.join(format!("server-{n}.log")))
        .find(|p| !p.exists())
        .expect("some number is free")
}

/// The last lines of a log, for error messages.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// `VmRSS` and `VmHWM` of process `pid`.
///
/// # Errors
/// When `/proc/PID/status` cannot be read (the process is gone).
pub fn memory_of(pid: u32) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = |key: &str| -> anyhow::Result<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .with_context(|| format!("no {key} in /proc/{pid}/status"))
    };
    Ok(Memory {
        rss_kib: kib("VmRSS:")?,
        peak_kib: kib("VmHWM:")?,
    })
}

/// CPU time used by this process (the benchmark and the simulator it serves).
///
/// # Errors
/// When `/proc/self/stat` cannot be read.
pub fn own_cpu() -> anyhow::Result<Duration> {
    cpu_of("/proc/self/stat")
}

/// `utime + stime` of a `/proc/PID/stat` file, at Linux's usual 100 ticks per second.
fn cpu_of(path: &str) -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string(path)?;
    // The command name may hold spaces; the fields after it are numbered from "state" (3).
    let rest = stat.rsplit_once(')').context("malformed stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> anyhow::Result<u64> {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .context("malformed stat")
    };
    // utime and stime are fields 14 and 15; `rest` starts at field 3.
    Ok(Duration::from_millis((ticks(11)? + ticks(12)?) * 10))
}
