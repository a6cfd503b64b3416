//! The store's read connections (rusqlite): opened when first needed, kept for reuse, and lent to
//! one read at a time, which runs its statements itself.
//!
//! Why on the caller's thread: a connection driven through an async driver lives on a thread of
//! the driver's, so each statement is a hand-off to that thread and back (and each row a message).
//! A one-row lookup from the SQLite file in the page cache costs microseconds, much less than the
//! wake-ups around it. A [`Readers::read`] runs on the thread that asks, with no hand-off; a read
//! that may walk many rows goes through [`Readers::read_long`] to tokio's blocking pool instead, so
//! that no runtime worker waits on it.
//!
//! Each connection is `query_only`: a read can never write (writes go through `writer.rs`). SQLite's
//! WAL, set on the file, lets the readers read side by side while the writer writes. A connection
//! goes back to the idle set when its read ends, unless the read panicked or left a transaction
//! open: that connection is closed instead, and the next read opens another.
//!
//! In a page render, the reads share one connection and one read transaction ([`Snapshot`]): the
//! page is read from one state of the database, and the transaction is begun and ended once
//! rather than once a statement.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use app::ssr::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Params, Row};

use super::codec::sql_error;
use super::snapshot::Snapshot;

/// Read connections to one database file (rusqlite), kept for reuse.
pub(super) struct Readers {
    path: PathBuf,
    busy_timeout: Duration,
    /// Open connections no read holds.
    idle: Mutex<Vec<Connection>>,
    /// The most connections kept idle; a read that finds none opens one.
    kept: usize,
    /// Connections opened, for the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    opened: AtomicUsize,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("idle", &self.lock_idle().len())
            .field("kept", &self.kept)
            .finish_non_exhaustive()
    }
}

impl Readers {
    /// Read connections to the database file at `path` (already created and migrated), at most
    /// `kept` of them kept between reads. One is opened now, so that a file that cannot be read
    /// fails at start.
    ///
    /// # Errors
    /// When the file cannot be opened as a database.
    pub(super) fn open(path: &Path, busy_timeout: Duration, kept: usize) -> anyhow::Result<Self> {
        let readers = Self {
            path: path.to_owned(),
            busy_timeout,
            idle: Mutex::new(Vec::with_capacity(kept)),
            kept,
            opened: AtomicUsize::new(0),
        };
        let first = readers.connect()?;
        first.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        readers.lock_idle().push(first);
        Ok(readers)
    }

    /// A short read (a lookup by key, or a walk bounded by a small LIMIT or one channel's rows):
    /// runs on the calling thread, no hand-off.
    ///
    /// # Errors
    /// What `work` returns, or [`StoreError::Backend`] when no connection can be opened.
    pub(super) fn read<T, W>(self: &Arc<Self>, work: W) -> StoreResult<T>
    where
        W: FnOnce(&Connection) -> StoreResult<T>,
    {
        // In a page render, in its snapshot; on a connection of its own when another read of the
        // render holds the snapshot at this moment.
        let work = match Snapshot::of_render(self) {
            Some(snapshot) => match snapshot.read(work) {
                Ok(result) => return result,
                Err(work) => work,
            },
            None => work,
        };
        let lent = self.lend()?;
        work(lent.conn())
    }

    /// A read that may walk many rows: on tokio's blocking pool, so that no runtime worker is
    /// held. A panic in `work` goes on in the caller.
    ///
    /// # Errors
    /// As [`Self::read`]; [`StoreError::Backend`] when the runtime is shutting down.
    pub(super) async fn read_long<T, W>(self: &Arc<Self>, work: W) -> StoreResult<T>
    where
        T: Send + 'static,
        W: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let readers = Arc::clone(self);
        match tokio::task::spawn_blocking(move || readers.read(work)).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(StoreError::Backend(format!(
                "sqlite: a read was stopped: {e}"
            ))),
        }
    }

    /// An idle connection, or a new one, lent until dropped.
    fn lend(&self) -> StoreResult<Lent<'_>> {
        Ok(Lent {
            conn: Some(self.take()?),
            home: self,
        })
    }

    /// An idle connection, or a new one; the caller gives it back ([`Self::give_back`]) or closes
    /// it.
    pub(super) fn take(&self) -> StoreResult<Connection> {
        let idle = self.lock_idle().pop();
        match idle {
            Some(conn) => Ok(conn),
            None => self.connect().map_err(sql_error),
        }
    }

    /// Keeps `conn` for the next read, unless enough are kept or it is in a transaction (which
    /// would keep its snapshot, and the WAL, for ever): then it is closed.
    pub(super) fn give_back(&self, conn: Connection) {
        if !conn.is_autocommit() {
            return;
        }
        let mut idle = self.lock_idle();
        if idle.len() < self.kept {
            idle.push(conn);
        }
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        // Without CREATE: a reader never makes an empty database where the migrated file was.
        let flags = OpenFlags::default().difference(OpenFlags::SQLITE_OPEN_CREATE);
        let conn = Connection::open_with_flags(&self.path, flags)?;
        super::set_up(&conn, self.busy_timeout)?;
        conn.execute_batch("PRAGMA query_only = ON")?;
        self.opened.fetch_add(1, Ordering::SeqCst);
        Ok(conn)
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // The list is only pushed to and popped from: a panic elsewhere cannot leave it half done.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many connections have been opened.
    #[cfg(test)]
    pub(super) fn opened(&self) -> usize {
        self.opened.load(Ordering::SeqCst)
    }

    /// How many connections are kept idle.
    #[cfg(test)]
    pub(super) fn idle(&self) -> usize {
        self.lock_idle().len()
    }
}

/// A connection lent to one read; back in the idle set when dropped, or closed.
struct Lent<'a> {
    conn: Option<Connection>,
    home: &'a Readers,
}

impl Lent<'_> {
    fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("lent until dropped")
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // A read that panicked may have stopped anywhere: its connection is closed, not kept.
        if !std::thread::panicking() {
            self.home.give_back(conn);
        }
    }
}

/// The first row of `sql` with `params`, mapped by `map`, or `None`.
pub(super) fn one<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> StoreResult<Option<T>> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| statement.query_row(params, map).optional())
        .map_err(sql_error)
}

/// Every row of `sql` with `params`, mapped by `map`, in the order SQLite returns them.
pub(super) fn all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> StoreResult<Vec<T>> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| statement.query_map(params, map)?.collect())
        .map_err(sql_error)
}

#[cfg(test)]
mod tests;
