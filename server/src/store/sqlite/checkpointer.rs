//! The WAL's checkpoints, on a thread and a connection of their own.
//!
//! A checkpoint copies the pages committed to the write-ahead log back into the database file and
//! syncs both files; then the next write starts the log again from its beginning. SQLite runs one
//! by itself in the connection that commits once the log passes 1,000 pages, so on the writer's
//! thread: every second or so one write waited for two `fsync`s, and with it every job queued
//! behind it. That was most of the time from a redemption to its Add VIP at 500 redemptions a
//! second (BENCHMARKS.md, "Checkpoints off the writer's thread").
//!
//! So the writer's connection never checkpoints (`wal_autocheckpoint = 0`), and this thread runs a
//! passive checkpoint every [`EVERY`]: it copies what no reader still needs and never waits for
//! the writer or the readers, which go on meanwhile. It stops when the store's last handle is
//! dropped; closing its connection then checkpoints one last time when it is the file's last.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied back. Often enough that the log stays short (a reader looks a page up
/// in it before the file) and that each checkpoint has little to copy.
pub(super) const EVERY: Duration = Duration::from_millis(250);

/// The running checkpoint thread; it ends when this is dropped.
#[derive(Debug)]
pub(super) struct Checkpointer {
    _stop: mpsc::Sender<()>,
    /// Log frames copied into the database file so far, for the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    copied: Arc<AtomicU64>,
}

impl Checkpointer {
    /// Opens a connection to the database file at `path` (already created, in WAL mode) and
    /// starts checkpointing it every `every`.
    ///
    /// # Errors
    /// When the file cannot be opened or the thread cannot be started.
    pub(super) fn start(
        path: &Path,
        busy_timeout: Duration,
        every: Duration,
    ) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        super::set_up(&conn, busy_timeout)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let copied = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&copied);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                // Nothing is ever sent: the channel only tells when the store has gone.
                let mut failing = false;
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    failing = checkpoint(&conn, &counted, failing);
                }
            })?;
        Ok(Self {
            _stop: stop,
            copied,
        })
    }

    /// Log frames copied into the database file so far.
    #[cfg(test)]
    pub(super) fn copied(&self) -> u64 {
        self.copied.load(Ordering::SeqCst)
    }
}

/// One passive checkpoint; whether it failed. SQLite answers `(busy, frames in the log, frames
/// copied)`; busy means another connection (another process on the same file) was checkpointing,
/// which is as good. A failure is logged once until a checkpoint succeeds again (`failing`: the
/// last one failed), not four times a second.
fn checkpoint(conn: &Connection, copied: &AtomicU64, failing: bool) -> bool {
    let answer = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(2)?))
    });
    match answer {
        Ok((busy, frames)) => {
            if busy == 0 {
                copied.fetch_add(u64::try_from(frames).unwrap_or(0), Ordering::SeqCst);
            }
            if failing {
                tracing::info!("the SQLite write-ahead log is checkpointed again");
            }
            false
        }
        Err(e) => {
            if !failing {
                tracing::warn!(error = %e, "cannot checkpoint the SQLite write-ahead log");
            }
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// A database file in WAL mode with a table `t`, and a writer connection that never
    /// checkpoints.
    fn database_in_wal() -> (tempfile::TempDir, PathBuf, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ckpt.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
                 CREATE TABLE t (x INTEGER);",
            )
            .unwrap();
        (dir, path, writer)
    }

    #[test]
    fn the_log_is_copied_into_the_database_file_while_a_writer_without_checkpoints_writes() {
        let (_dir, path, writer) = database_in_wal();
        let checkpoints =
            Checkpointer::start(&path, Duration::from_secs(5), Duration::from_millis(10)).unwrap();
        let size = || std::fs::metadata(&path).unwrap().len();
        let before = size();
        // Bounded: the thread gets a turn however loaded the machine is.
        for i in 0..2_000 {
            writer
                .execute("INSERT INTO t (x) VALUES (?1)", [i])
                .unwrap();
            if checkpoints.copied() > 0 && size() > before {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("nothing was copied into the database file");
    }

    #[test]
    fn a_failed_checkpoint_is_reported_until_one_succeeds() {
        let (_dir, path, writer) = database_in_wal();
        writer.execute("INSERT INTO t (x) VALUES (1)", []).unwrap();
        let copied = AtomicU64::new(0);
        // A read-only connection cannot write the file back.
        let read_only =
            Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        assert!(checkpoint(&read_only, &copied, false));
        assert!(checkpoint(&read_only, &copied, true));
        assert_eq!(copied.load(Ordering::SeqCst), 0);
        assert!(!checkpoint(&writer, &copied, true));
        assert!(copied.load(Ordering::SeqCst) > 0);
    }
}
