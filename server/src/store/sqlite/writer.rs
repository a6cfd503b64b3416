//! The store's one writer, with group commit. Every write of this process is a job sent to one
//! thread, which owns the writer's connection and runs the jobs waiting at that moment in one
//! transaction, each in a savepoint of its own, and answers each caller after the commit.
//!
//! Why one writer: SQLite runs one writer at a time. With writes spread over several connections,
//! a write that finds another one running sleeps in SQLite's busy handler (1, 2, 5, 10 ms…)
//! instead of being woken, and every one-row write commits on its own. One writer never waits for
//! another writer of this process, and a busy moment's writes share one commit.
//!
//! Why a thread that runs the statements itself: a connection driven through an async driver
//! lives on a thread of the driver's, so each statement (`BEGIN` and `COMMIT` included) is a
//! hand-off to that thread and back. On two busy cores those hand-offs, not SQLite, were most of
//! what a write cost (BENCHMARKS.md). Here a job is a closure run on the connection's own thread:
//! one hand-off there and one back, however many statements it runs.
//!
//! Each job still succeeds or fails alone: a job that fails is rolled back to its savepoint, and
//! the others in the batch commit. A failure that ended the whole transaction (SQLite rolls back
//! by itself on, for example, a full disk) ends the batch there, and the jobs that ran before it
//! in that transaction are answered with the failure. A job runs to its end even when its caller
//! has gone, and a job that panics is answered with an error, its savepoint rolled back. Other
//! processes sharing the file take SQLite's write lock in turn (`BEGIN IMMEDIATE`, with the busy
//! timeout). The writer ends when the last handle to it is dropped, after the jobs already sent.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::ssr::{StoreError, StoreResult};
use rusqlite::{Connection, ToSql};
use tokio::sync::{mpsc, oneshot};

use super::codec::{owned_values, sql_error};

/// The most jobs one transaction takes.
const BATCH: usize = 64;
/// Jobs queued before a caller waits to send its own.
const QUEUE: usize = 4_096;
/// The savepoint each job runs in: opened, kept, undone.
const SAVEPOINT: &str = "SAVEPOINT job";
const RELEASE: &str = "RELEASE job";
const UNDO: &str = "ROLLBACK TO job; RELEASE job";

/// Sends the answer of a job once its transaction has ended (`None`: committed).
type Deliver = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// A job: run on the writer's connection inside the open transaction, or refused with the error
/// that kept the transaction from starting.
type Job = Box<dyn FnOnce(Turn<'_>) -> Deliver + Send>;

enum Turn<'c> {
    Run(&'c Connection),
    Refused(StoreError),
}

/// The handle callers write through; clones share the one writer, which ends when the last
/// handle is dropped.
#[derive(Debug, Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Job>,
    /// Transactions begun (or tried), for the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    batches: Arc<AtomicUsize>,
}

impl Writer {
    /// Opens the writer's connection to the database file at `path` (already created and
    /// migrated) and starts the writer on a thread of its own.
    ///
    /// # Errors
    /// When the file cannot be opened or the thread cannot be started.
    pub(super) fn start(path: &Path, busy_timeout: Duration) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        super::set_up(&conn, busy_timeout)?;
        // Per connection: the others are set by the file (WAL) or are SQLite's defaults. The
        // checkpoints run on a thread of their own ([`super::checkpointer`]), never in a commit.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;",
        )?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        let batches = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&batches);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(&conn, queue, &counted))?;
        Ok(Self { jobs, batches })
    }

    /// Runs `work` in the next transaction, in a savepoint of its own, and gives its result once
    /// the transaction has committed (or the error that ended it). In a page render, the render's
    /// next read begins a new snapshot ([`super::snapshot::wrote`]).
    pub(super) async fn run<T, W>(&self, work: W) -> StoreResult<T>
    where
        T: Send + 'static,
        W: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |turn| {
            let result = match turn {
                Turn::Run(conn) => in_savepoint(conn, work),
                Turn::Refused(e) => Err(e),
            };
            Box::new(move |ended: Option<&StoreError>| {
                let answer = match (result, ended) {
                    (Ok(_), Some(e)) => Err(e.clone()),
                    (result, _) => result,
                };
                // A caller that stopped waiting does not need the answer.
                let _ = reply.send(answer);
            })
        });
        let stopped = || StoreError::Backend("the SQLite writer has stopped".into());
        self.jobs.send(job).await.map_err(|_| stopped())?;
        let answer = answer.await.map_err(|_| stopped())?;
        // A page render that wrote reads what it wrote from here on.
        super::snapshot::wrote();
        answer
    }

    /// Runs one statement with `values` for its parameters `?1`, `?2`… as a job; gives the number
    /// of rows it changed. The values are copied before the future is made, so it borrows nothing.
    pub(super) fn execute(
        &self,
        sql: &'static str,
        values: &[&(dyn ToSql + Sync)],
    ) -> impl Future<Output = StoreResult<u64>> + Send + 'static {
        let values = owned_values(values);
        let writer = self.clone();
        async move {
            let values = values?;
            writer
                .run(move |conn| {
                    conn.prepare_cached(sql)
                        .and_then(|mut statement| {
                            statement.execute(rusqlite::params_from_iter(values))
                        })
                        .map(|changed| u64::try_from(changed).unwrap_or(u64::MAX))
                        .map_err(sql_error)
                })
                .await
        }
    }

    /// How many transactions the writer has begun or tried.
    #[cfg(test)]
    pub(super) fn batches(&self) -> usize {
        self.batches.load(Ordering::SeqCst)
    }

    /// How many jobs wait to be taken.
    #[cfg(test)]
    pub(super) fn queued(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }
}

fn write_loop(conn: &Connection, mut queue: mpsc::Receiver<Job>, batches: &AtomicUsize) {
    while let Some(first) = queue.blocking_recv() {
        // The jobs waiting now share `first`'s transaction; those sent later wait for the next.
        let behind = queue.len().min(BATCH - 1);
        batches.fetch_add(1, Ordering::SeqCst);
        commit_batch(conn, first, behind, &mut queue);
    }
}

/// Runs `first` and the `behind` jobs waiting behind it in one transaction, until they run out or
/// one ended the transaction, then commits and answers them. Jobs sent meanwhile wait for the
/// next transaction: a busy writer's transactions do not grow without end, so neither does the
/// wait of their first job.
fn commit_batch(conn: &Connection, first: Job, behind: usize, queue: &mut mpsc::Receiver<Job>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let e = sql_error(e);
        tracing::warn!(error = %e, "cannot start a SQLite write transaction");
        first(Turn::Refused(e.clone()))(None);
        for _ in 0..behind {
            let Ok(job) = queue.try_recv() else { break };
            job(Turn::Refused(e.clone()))(None);
        }
        return;
    }
    let mut answers = Vec::with_capacity(behind + 1);
    answers.push(first(Turn::Run(conn)));
    // A job's failure that rolled the transaction back leaves the connection in autocommit.
    let mut left = behind;
    while left > 0 && !conn.is_autocommit() {
        let Ok(job) = queue.try_recv() else { break };
        left -= 1;
        answers.push(job(Turn::Run(conn)));
    }
    let ended = if conn.is_autocommit() {
        Some(StoreError::Backend(
            "sqlite: the write transaction was rolled back".into(),
        ))
    } else {
        conn.execute_batch("COMMIT").err().map(|e| {
            if let Err(undo) = conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %undo, "cannot roll back a failed SQLite commit");
            }
            sql_error(e)
        })
    };
    if let Some(e) = &ended {
        tracing::warn!(error = %e, jobs = answers.len(), "a SQLite write transaction failed");
    }
    for deliver in answers {
        deliver(ended.as_ref());
    }
}

/// Runs `work` in a savepoint of the open transaction: kept on success, undone on failure or
/// panic.
fn in_savepoint<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.execute_batch(SAVEPOINT).map_err(sql_error)?;
    let result = catch_unwind(AssertUnwindSafe(|| work(conn))).unwrap_or_else(|_| {
        Err(StoreError::Backend(
            "sqlite: a write job panicked; its changes were undone".into(),
        ))
    });
    if conn.is_autocommit() {
        // The failure ended the transaction, and the savepoint with it.
        return result;
    }
    let end = if result.is_ok() { RELEASE } else { UNDO };
    match (conn.execute_batch(end), result) {
        (Ok(()), result) => result,
        (Err(e), Ok(_)) => Err(sql_error(e)),
        (Err(e), Err(failed)) => {
            tracing::warn!(error = %e, "cannot roll a SQLite write back to its savepoint");
            Err(failed)
        }
    }
}

#[cfg(test)]
mod tests;
