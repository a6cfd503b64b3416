//! Where a benchmark's data lives: a fresh SQLite file, or a fresh project on the Firestore
//! emulator, which the benchmark starts itself.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use app::ssr::Store;

use crate::options::Backend;

/// Where the emulator is installed by Google's `google-cloud-cli-firestore-emulator` package.
const EMULATOR_BIN: &str =
    "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator";
const READY_LINE: &str = "Dev App Server is now running";

/// A running Firestore emulator, stopped (with its Java child) when dropped.
pub struct Emulator {
    child: Child,
    /// `host:port`, as `FIRESTORE_EMULATOR_HOST` wants it.
    pub host: String,
}

impl Emulator {
    /// Starts the emulator (`$FIRESTORE_EMULATOR_BIN` or the packaged one) on a free port in a
    /// process group of its own, and waits until it says it is ready.
    ///
    /// # Errors
    /// When it is not installed or does not become ready within a minute.
    pub fn start() -> anyhow::Result<Self> {
        let bin = std::env::var_os("FIRESTORE_EMULATOR_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(EMULATOR_BIN));
        if !bin.is_file() {
            bail!(
                "the Firestore emulator is not installed ({}); install \
                 google-cloud-cli-firestore-emulator or set FIRESTORE_EMULATOR_BIN",
                bin.display()
            );
        }
        let port = free_port()?;
        let mut child = Command::new(&bin)
            .args(["start", "--host=127.0.0.1", &format!("--port={port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("emulator stdout")?;
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Keeps reading until the emulator exits, so that it never blocks on a full pipe.
            let mut told = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !told && line.contains(READY_LINE) {
                    told = true;
                    let _ = ready_tx.send(());
                }
            }
        });
        let emulator = Self {
            child,
            host: format!("127.0.0.1:{port}"),
        };
        ready_rx
            .recv_timeout(Duration::from_secs(60))
            .context("the Firestore emulator did not become ready within a minute")?;
        Ok(emulator)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The wrapper script and its Java child share the group this process leads.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A fresh, empty database on one backend, and a scratch folder for the server's files (deleted
/// when this is dropped, unless `VIP_BENCH_KEEP` is set: then its path is printed).
pub struct Database {
    pub backend: Backend,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Drop for Database {
    fn drop(&mut self) {
        if std::env::var_os("VIP_BENCH_KEEP").is_some() {
            let dir = std::mem::replace(
                &mut self.dir,
                tempfile::TempDir::new().expect("a scratch folder"),
            );
            eprintln!("kept {}", dir.keep().display());
        }
    }
}

impl Database {
    /// # Errors
    /// When the scratch folder cannot be made.
    pub fn fresh(backend: Backend) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new().prefix("vip-bench-").tempdir()?;
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}/vip.db", dir.path().display()),
            Backend::Firestore => {
                format!(
                    "firestore://bench-{}",
                    &uuid::Uuid::new_v4().simple().to_string()[..12]
                )
            }
        };
        Ok(Self { backend, url, dir })
    }

    /// The scratch folder (the server's working directory and logs; the SQLite file).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A connection of this process to the database, to seed it or time its queries.
    ///
    /// # Errors
    /// When the backend cannot be reached.
    pub async fn store(&self) -> anyhow::Result<Arc<dyn Store>> {
        Ok(match self.backend {
            Backend::Sqlite => Arc::new(server::store::SqliteStore::connect(&self.url).await?),
            Backend::Firestore => {
                let project = self.url.trim_start_matches("firestore://");
                Arc::new(server::store::FirestoreStore::connect(project, None).await?)
            }
        })
    }

    /// The server's `DATABASE_URL` (and the emulator's address).
    pub fn env(&self) -> Vec<(String, String)> {
        let mut vars = vec![("DATABASE_URL".to_owned(), self.url.clone())];
        if let Ok(host) = std::env::var("FIRESTORE_EMULATOR_HOST") {
            vars.push(("FIRESTORE_EMULATOR_HOST".to_owned(), host));
        }
        vars
    }
}
