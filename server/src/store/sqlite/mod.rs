//! The SQLite backend (`sqlite://path/to/file.db`): the embedded default for a single instance.
//! Owns the connections and the schema (`migrations/sqlite`). It serves both ports: each area
//! of [`app::ssr::Store`] in the file named as the port's (`channels.rs` implements
//! `ChannelStore`, …), and tower-sessions' [`SessionStore`](tower_sessions::SessionStore) in
//! `login_sessions.rs`.
//!
//! Both sides use rusqlite and run their statements themselves. Reads take one of the store's
//! [`readers`] and run on the calling thread (a read that may walk many rows on tokio's blocking
//! pool). Every write goes through the one [`writer`]: a thread that owns a connection of its own
//! and runs each job's statements itself, committing the jobs waiting together in one
//! transaction, each in a savepoint of its own (group commit). sqlx only runs the migrations, on
//! a connection of its own that is closed before the store starts.
//!
//! Every operation that must be atomic is a single statement (an upsert or a conditional
//! `UPDATE`/`DELETE` whose `rows_affected` tells whether this call won): SQLite runs one writer at a
//! time, so racing callers, on this or another process sharing the file, see exactly one winner.
//! The exceptions (an audit append with its analytics counters, a channel saved with its login
//! given up by a renamed one, the analytics backfill) are one writer job each, so one savepoint.

mod analytics;
mod api_tokens;
mod audit;
#[cfg(test)]
mod backfill_tests;
mod channels;
mod checkpointer;
mod codec;
mod coordination;
mod inbox;
mod live_events;
mod login_sessions;
mod overlay_keys;
#[cfg(test)]
mod query_plans;
mod readers;
mod redemption_attempts;
mod redemptions;
mod rewards;
mod roster;
mod snapshot;
mod tokens;
mod vip_sessions;
mod waitlist;
mod writer;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::ssr::{Store, StoreResult};
use async_trait::async_trait;
use readers::Readers;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

/// How long a statement waits for another writer before failing with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Prepared statements kept per connection: more than the store's distinct statements.
const STATEMENTS_KEPT: usize = 64;

/// What every rusqlite connection of the store (the writer's and the readers') is set up with:
/// how long a statement waits for the write lock, the prepared statements kept, and one plan per
/// statement whatever values are bound (SQLite's query planner stability guarantee).
///
/// Without that last one SQLite plans some statements for the values bound the first time, a
/// `LIMIT ?` among them, and prepares the statement again whenever another value is bound: the
/// activity log's two reads on the dashboard, one statement with two limits, were prepared anew
/// on every page (4 % of the server's time). The store's query-plan tests check the plans it then
/// keeps.
///
/// # Errors
/// When SQLite refuses a setting.
fn set_up(conn: &rusqlite::Connection, busy_timeout: Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(busy_timeout)?;
    conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Read connections kept between reads (SQLite's WAL lets them read side by side while the
/// writer writes).
const READERS: usize = 8;

/// The SQLite store. Cloning is cheap: clones share its connections.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Reads ([`readers`]).
    reads: Arc<Readers>,
    /// Every write of this process goes through it ([`writer`]).
    writer: writer::Writer,
    /// Copies the write-ahead log back into the file, off the writer's thread ([`checkpointer`]);
    /// stops with the last clone.
    _checkpoints: Arc<checkpointer::Checkpointer>,
    /// Seals the Discord webhook URL in channel settings ([`Self::with_cipher`]).
    seal: crate::store::SettingsSeal,
    /// The private file behind an in-memory URL, removed when the last clone is dropped.
    _private: Option<Arc<tempfile::TempDir>>,
}

impl SqliteStore {
    /// Opens (creating the file and its parent directories on first start) and migrates the
    /// database at `url`, e.g. `sqlite://data/vip.db`. `sqlite::memory:` gives a private database
    /// that is lost when the store is dropped (for experiments): a file in a temporary directory
    /// of its own, since the writer's connection and the readers' must open the same database.
    ///
    /// # Errors
    /// When the URL is not a SQLite URL, the file cannot be created or opened, or a migration fails.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let (options, private) = if url.contains(":memory:") || url.contains("mode=memory") {
            let dir = tempfile::Builder::new()
                .prefix("vip-private-")
                .tempdir()
                .context("cannot create a directory for the private database")?;
            let options = SqliteConnectOptions::new().filename(dir.path().join("vip.db"));
            (options, Some(Arc::new(dir)))
        } else {
            let options = SqliteConnectOptions::from_str(url)
                .context("DATABASE_URL is not a valid sqlite:// URL")?;
            (options, None)
        };
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let file = options.get_filename().to_owned();
        if let Some(dir) = file.parent() {
            if !dir.as_os_str().is_empty() {
                tokio::fs::create_dir_all(dir).await.with_context(|| {
                    format!("cannot create the database directory {}", dir.display())
                })?;
            }
        }
        // sqlx runs the migrations (and sets WAL on the file), then its connection is closed: the
        // writer and the readers open their own.
        let mut migrating = options
            .connect()
            .await
            .context("cannot open the SQLite database")?;
        sqlx::migrate!("./migrations/sqlite")
            .run_direct(None, &mut migrating, false)
            .await
            .context("cannot migrate the SQLite database")?;
        migrating
            .close()
            .await
            .context("cannot close the SQLite migration connection")?;
        Ok(Self {
            writer: writer::Writer::start(&file, BUSY_TIMEOUT)
                .context("cannot start the SQLite writer")?,
            _checkpoints: Arc::new(
                checkpointer::Checkpointer::start(&file, BUSY_TIMEOUT, checkpointer::EVERY)
                    .context("cannot start the SQLite checkpoints")?,
            ),
            reads: Arc::new(
                Readers::open(&file, BUSY_TIMEOUT, READERS)
                    .context("cannot open the SQLite readers")?,
            ),
            seal: crate::store::SettingsSeal::default(),
            _private: private,
        })
    }

    /// A store on a file of its own, with the table `create` makes: for the tests of the writer.
    #[cfg(test)]
    async fn scratch(create: &'static str) -> (tempfile::TempDir, Self) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/scratch.db", dir.path().display());
        let store = Self::connect(&url).await.unwrap();
        store
            .writer
            .run(move |conn| conn.execute_batch(create).map_err(codec::sql_error))
            .await
            .unwrap();
        (dir, store)
    }

    /// Seals the secrets in channel settings (the Discord webhook URL) with `cipher`.
    #[must_use]
    pub fn with_cipher(mut self, cipher: crate::crypto::TokenCipher) -> Self {
        self.seal = crate::store::SettingsSeal::new(cipher);
        self
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn ping(&self) -> StoreResult<()> {
        self.reads
            .read(|conn| readers::one(conn, "SELECT 1", [], |row| row.get::<_, i64>(0)))?;
        Ok(())
    }
}
