//! One read transaction for the reads of a page render.
//!
//! Outside a transaction, SQLite begins and ends one around every statement: it takes a read mark
//! in the WAL index, locks the file's shared memory, and gives both back. A signed-in dashboard
//! makes nine reads, and beginning and ending their transactions cost more than the reads
//! themselves (BENCHMARKS.md). In a page render the reads of the SQLite store share one
//! connection, which begins a transaction at the first read and ends it with the render, so each
//! page is also read from one state of the database rather than nine.
//!
//! The render keeps the snapshot ([`app::ssr::page_reads::kept_by_store`]), so it exists only for a
//! `GET` page render. Two reads of a render that run at the same moment (its resources run side by
//! side) do not wait for each other: the second reads on a connection of its own. A write made in
//! the render ([`wrote`]) ends the transaction, so that its later reads see what it wrote.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

use app::ssr::page_reads;
use app::ssr::StoreResult;
use rusqlite::Connection;

use super::codec::sql_error;
use super::readers::Readers;

/// The connection of one render's reads, in its transaction once a read has begun it.
pub(super) struct Snapshot {
    readers: Arc<Readers>,
    pinned: Mutex<Option<Connection>>,
    /// Set when the render wrote: the next read begins a new transaction.
    wrote: AtomicBool,
}

impl Snapshot {
    /// The snapshot of the page render being run, for reads through `readers`; `None` outside a
    /// page render, and for another store's readers.
    pub(super) fn of_render(readers: &Arc<Readers>) -> Option<Arc<Self>> {
        let snapshot = page_reads::kept_by_store(|| Self {
            readers: Arc::clone(readers),
            pinned: Mutex::new(None),
            wrote: AtomicBool::new(false),
        })?;
        Arc::ptr_eq(&snapshot.readers, readers).then_some(snapshot)
    }

    /// Runs `work` in the render's transaction, begun now when no read has begun it yet. Gives
    /// `work` back, not run, when another read of the render holds the connection, or a read that
    /// held it panicked.
    pub(super) fn read<T, W>(&self, work: W) -> Result<StoreResult<T>, W>
    where
        W: FnOnce(&Connection) -> StoreResult<T>,
    {
        let mut pinned = match self.pinned.try_lock() {
            Ok(pinned) => pinned,
            Err(TryLockError::WouldBlock | TryLockError::Poisoned(_)) => return Err(work),
        };
        if self.wrote.swap(false, Ordering::SeqCst) {
            if let Some(conn) = pinned.as_ref() {
                if let Err(e) = end(conn) {
                    return Ok(Err(e));
                }
            }
        }
        let conn = match pinned.take() {
            Some(conn) => conn,
            None => match self.readers.take() {
                Ok(conn) => conn,
                Err(e) => return Ok(Err(e)),
            },
        };
        // `BEGIN` is deferred: the first statement takes the snapshot.
        if conn.is_autocommit() {
            if let Err(e) = run(&conn, "BEGIN") {
                self.readers.give_back(conn);
                return Ok(Err(e));
            }
        }
        let conn = pinned.insert(conn);
        Ok(work(conn))
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        // A read that panicked holding the connection may have stopped anywhere: closed, not kept.
        let Ok(pinned) = self.pinned.get_mut() else {
            return;
        };
        let Some(conn) = pinned.take() else { return };
        match end(&conn) {
            Ok(()) => self.readers.give_back(conn),
            Err(e) => tracing::warn!(error = %e, "cannot end a page's SQLite read transaction"),
        }
    }
}

/// Marks the snapshot of the page render being run, if it has one: the render wrote, and its next
/// read begins a new transaction, which sees the write.
pub(super) fn wrote() {
    if let Some(snapshot) = page_reads::kept_by_store_so_far::<Snapshot>() {
        snapshot.wrote.store(true, Ordering::SeqCst);
    }
}

/// Ends `conn`'s read transaction, if one is open.
fn end(conn: &Connection) -> StoreResult<()> {
    if conn.is_autocommit() {
        return Ok(());
    }
    run(conn, "COMMIT")
}

fn run(conn: &Connection, sql: &str) -> StoreResult<()> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| statement.execute([]))
        .map(drop)
        .map_err(sql_error)
}

#[cfg(test)]
mod tests;
