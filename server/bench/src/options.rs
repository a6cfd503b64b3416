//! Command-line options: which scenarios, on which backends, at which sizes.

use std::path::PathBuf;

use anyhow::{bail, Context};

/// One benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Redemption → Add VIP request latency under a steady redemption rate.
    Latency,
    /// Deadline → Remove VIP lag with many tracked sessions, across a restart.
    Expiry,
    /// One change reaching many open live-update streams; server memory.
    Sse,
    /// A change on one instance reaching a dashboard on another.
    Relay,
    /// Many channels on one instance over the conduit: start to every subscription enabled.
    Conduit,
    /// Signed-in server-side rendered pages per second.
    Ssr,
    /// One expiry sweep query over many stored sessions, none due.
    Sweep,
    /// Spawn → first healthy answer; idle memory.
    Startup,
    /// Size of the release WASM bundle.
    Wasm,
    /// Webhook acknowledgement while Twitch is slow, a burst in one channel, a crash restart.
    Intake,
    /// The analytics page's reads for a channel with a long activity log.
    Analytics,
}

impl Scenario {
    pub const ALL: [Self; 11] = [
        Self::Startup,
        Self::Wasm,
        Self::Sweep,
        Self::Analytics,
        Self::Latency,
        Self::Intake,
        Self::Expiry,
        Self::Ssr,
        Self::Sse,
        Self::Relay,
        Self::Conduit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Latency => "latency",
            Self::Expiry => "expiry",
            Self::Sse => "sse",
            Self::Relay => "relay",
            Self::Conduit => "conduit",
            Self::Ssr => "ssr",
            Self::Sweep => "sweep",
            Self::Startup => "startup",
            Self::Wasm => "wasm",
            Self::Intake => "intake",
            Self::Analytics => "analytics",
        }
    }

    fn parse(name: &str) -> anyhow::Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .with_context(|| format!("unknown scenario `{name}`"))
    }
}

/// A storage backend the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    /// Google's Firestore emulator, started by the benchmark.
    Firestore,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Firestore => "firestore (emulator)",
        }
    }
}

/// How big each scenario is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sizes {
    /// Channels redeemed in (latency).
    pub channels: usize,
    /// Redemptions per second, spread evenly over the channels.
    pub rate: u32,
    /// Seconds of redemptions measured (after one second of warm-up).
    pub secs: u64,
    /// Active sessions the server tracks (expiry).
    pub tracked: usize,
    /// Of those, sessions whose deadline falls inside the expiry window.
    pub due: usize,
    /// Seconds of the expiry window (the server restarts in its middle).
    pub expiry_secs: u64,
    /// Open live-update streams (SSE).
    pub sse_clients: usize,
    /// Open live-update streams of the many-streams row (as many as the open-file limit allows;
    /// 0 skips it).
    pub sse_many: usize,
    /// Concurrent clients loading pages (SSR).
    pub ssr_clients: usize,
    /// Seconds each SSR page is loaded for.
    pub ssr_secs: u64,
    /// Stored sessions, none due (sweep).
    pub sweep_sessions: usize,
    /// Starts measured (startup).
    pub starts: usize,
    /// Activity-log entries of the one channel whose analytics are read (analytics).
    pub analytics_entries: usize,
    /// Channels of the one instance on the conduit (conduit).
    pub conduit_channels: usize,
}

/// `(option name, setter)`: every size has `--NAME N` (SQLite) and `--firestore-NAME N`.
type Setter = fn(&mut Sizes, u64);
const SIZE_OPTIONS: [(&str, Setter); 14] = [
    ("channels", |s, v| s.channels = v as usize),
    ("rate", |s, v| s.rate = v as u32),
    ("secs", |s, v| s.secs = v),
    ("tracked", |s, v| s.tracked = v as usize),
    ("due", |s, v| s.due = v as usize),
    ("expiry-secs", |s, v| s.expiry_secs = v),
    ("sse-clients", |s, v| s.sse_clients = v as usize),
    ("sse-many", |s, v| s.sse_many = v as usize),
    ("ssr-clients", |s, v| s.ssr_clients = v as usize),
    ("ssr-secs", |s, v| s.ssr_secs = v),
    ("sweep-sessions", |s, v| s.sweep_sessions = v as usize),
    ("starts", |s, v| s.starts = v as usize),
    ("analytics-entries", |s, v| s.analytics_entries = v as usize),
    ("conduit-channels", |s, v| s.conduit_channels = v as usize),
];

impl Sizes {
    /// The sizes the targets are stated for.
    pub fn full_sqlite() -> Self {
        Self {
            channels: 1_000,
            rate: 500,
            secs: 20,
            tracked: 100_000,
            due: 1_000,
            expiry_secs: 40,
            sse_clients: 10_000,
            sse_many: 50_000,
            ssr_clients: 8,
            ssr_secs: 10,
            sweep_sessions: 1_000_000,
            starts: 5,
            analytics_entries: 20_000,
            conduit_channels: 10_000,
        }
    }

    /// What the emulator (one Java process, in memory) loads in reasonable time.
    pub fn full_firestore() -> Self {
        Self {
            channels: 100,
            rate: 50,
            secs: 20,
            tracked: 5_000,
            due: 200,
            expiry_secs: 40,
            sse_clients: 1_000,
            sse_many: 0,
            ssr_clients: 8,
            ssr_secs: 10,
            sweep_sessions: 20_000,
            starts: 3,
            analytics_entries: 2_000,
            conduit_channels: 500,
        }
    }

    /// A run of a few minutes to try the benchmark out.
    pub fn quick() -> Self {
        Self {
            channels: 50,
            rate: 50,
            secs: 5,
            tracked: 2_000,
            due: 50,
            expiry_secs: 12,
            sse_clients: 300,
            sse_many: 0,
            ssr_clients: 4,
            ssr_secs: 3,
            sweep_sessions: 5_000,
            starts: 2,
            analytics_entries: 2_000,
            conduit_channels: 200,
        }
    }
}

/// Everything the command line says.
#[derive(Debug, Clone)]
pub struct Options {
    pub scenarios: Vec<Scenario>,
    pub backends: Vec<Backend>,
    pub sqlite: Sizes,
    pub firestore: Sizes,
    pub quick: bool,
    /// The release server binary.
    pub server_bin: PathBuf,
    /// `scripts/bundle-size.sh`, whose output gives the WASM sizes.
    pub bundle_size_script: PathBuf,
    /// Extra environment for every server start (`--server-env KEY=VALUE`).
    pub server_env: Vec<(String, String)>,
    pub help: bool,
}

pub const USAGE: &str = "\
vip-bench: benchmarks of the release server against the Twitch simulator on loopback.

  --only LIST          scenarios, comma-separated: startup, wasm, sweep, analytics, latency,
                       intake, expiry, ssr, sse, relay, conduit
                       (default: all)
  --backend B          sqlite, firestore or both (default: sqlite)
  --quick              small sizes (a run of a few minutes)
  --server-bin PATH    the release server (default: target/release/server)
  --bundle-size PATH   the bundle-size script (default: scripts/bundle-size.sh)
  --server-env K=V     extra environment for the server (repeatable), e.g. RUST_LOG=warn
  --NAME N             a size on SQLite; --firestore-NAME N on the Firestore emulator. NAME:
                       channels, rate, secs, tracked, due, expiry-secs, sse-clients, sse-many, ssr-clients,
                       ssr-secs, sweep-sessions, starts, analytics-entries

The results table (Markdown) goes to standard output, progress to standard error.
";

impl Options {
    /// Parses the arguments after the program name.
    ///
    /// # Errors
    /// An unknown option, scenario or backend, or a size that is not a number.
    pub fn parse(args: impl IntoIterator<Item = String>) -> anyhow::Result<Self> {
        let args: Vec<String> = args.into_iter().collect();
        let quick = args.iter().any(|a| a == "--quick");
        let (sqlite, firestore) = if quick {
            (Sizes::quick(), Sizes::quick())
        } else {
            (Sizes::full_sqlite(), Sizes::full_firestore())
        };
        let mut options = Self {
            scenarios: Scenario::ALL.to_vec(),
            backends: vec![Backend::Sqlite],
            sqlite,
            firestore,
            quick,
            server_bin: PathBuf::from("target/release/server"),
            bundle_size_script: PathBuf::from("scripts/bundle-size.sh"),
            server_env: Vec::new(),
            help: false,
        };
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--quick" => {}
                "-h" | "--help" => options.help = true,
                "--only" => {
                    options.scenarios = value("--only")?
                        .split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| Scenario::parse(s.trim()))
                        .collect::<anyhow::Result<_>>()?;
                }
                "--backend" => {
                    options.backends = match value("--backend")?.as_str() {
                        "sqlite" => vec![Backend::Sqlite],
                        "firestore" => vec![Backend::Firestore],
                        "both" => vec![Backend::Sqlite, Backend::Firestore],
                        other => bail!("unknown backend `{other}` (sqlite, firestore or both)"),
                    };
                }
                "--server-bin" => options.server_bin = value("--server-bin")?.into(),
                "--bundle-size" => options.bundle_size_script = value("--bundle-size")?.into(),
                "--server-env" => {
                    let pair = value("--server-env")?;
                    let (k, v) = pair
                        .split_once('=')
                        .with_context(|| format!("--server-env needs KEY=VALUE, not `{pair}`"))?;
                    options.server_env.push((k.to_owned(), v.to_owned()));
                }
                other => {
                    let Some(name) = other.strip_prefix("--") else {
                        bail!("unexpected argument `{other}`");
                    };
                    let (sizes, name) = match name.strip_prefix("firestore-") {
                        Some(rest) => (&mut options.firestore, rest),
                        None => (&mut options.sqlite, name),
                    };
                    let Some((_, set)) = SIZE_OPTIONS.iter().find(|(n, _)| *n == name) else {
                        bail!("unknown option `{other}`");
                    };
                    let text = value(other)?;
                    let n: u64 = text
                        .replace('_', "")
                        .parse()
                        .with_context(|| format!("{other} needs a number, not `{text}`"))?;
                    set(sizes, n);
                }
            }
        }
        Ok(options)
    }

    /// The sizes for `backend`.
    pub fn sizes(&self, backend: Backend) -> &Sizes {
        match backend {
            Backend::Sqlite => &self.sqlite,
            Backend::Firestore => &self.firestore,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Options> {
        Options::parse(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn defaults_run_everything_on_sqlite_at_full_size() {
        let o = parse(&[]).unwrap();
        assert_eq!(o.scenarios, Scenario::ALL.to_vec());
        assert_eq!(o.backends, [Backend::Sqlite]);
        assert_eq!(o.sqlite, Sizes::full_sqlite());
        assert_eq!(o.sqlite.sse_clients, 10_000);
    }

    #[test]
    fn picks_scenarios_backends_and_sizes() {
        let o = parse(&[
            "--only",
            "latency,sse",
            "--backend",
            "both",
            "--quick",
            "--rate",
            "1_000",
            "--firestore-channels",
            "7",
            "--server-env",
            "RUST_LOG=warn",
        ])
        .unwrap();
        assert_eq!(o.scenarios, [Scenario::Latency, Scenario::Sse]);
        assert_eq!(o.backends, [Backend::Sqlite, Backend::Firestore]);
        assert_eq!(o.sqlite.rate, 1_000);
        assert_eq!(o.sqlite.channels, Sizes::quick().channels);
        assert_eq!(o.firestore.channels, 7);
        assert_eq!(o.sizes(Backend::Firestore).rate, Sizes::quick().rate);
        assert_eq!(o.server_env, [("RUST_LOG".to_owned(), "warn".to_owned())]);
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        assert!(parse(&["--only", "nope"]).is_err());
        assert!(parse(&["--backend", "postgres"]).is_err());
        assert!(parse(&["--channels", "many"]).is_err());
        assert!(parse(&["--colour"]).is_err());
        assert!(parse(&["--rate"]).is_err());
        assert!(parse(&["stray"]).is_err());
        assert!(parse(&["--server-env", "NOVALUE"]).is_err());
    }
}
