//! The store's one writer, with group commit. Every write of this process is a job sent to one
//! task (on a thread of its own), which runs the jobs waiting at that moment in one transaction,
//! a job of several statements in a savepoint of its own, and answers each caller after the
//! commit. A lone one-statement job, with nothing waiting behind it, runs as SQLite's own
//! transaction: no `BEGIN` and `COMMIT`, each a hand-off to the connection's thread that costs
//! about as much as a write on two busy cores.
//!
//! Why: SQLite runs one writer at a time. With writes spread over the pool's connections, a write
//! that finds another one running sleeps in SQLite's busy handler (1, 2, 5, 10 ms…) instead of
//! being woken, and every one-row write commits on its own (appending its pages to the WAL). Under
//! load the waits and commits, not the statements, were where a redemption's time went
//! (BENCHMARKS.md). One writer never waits for another writer of this process, and a busy moment's
//! writes share one commit.
//!
//! Each job still succeeds or fails alone: a job that fails is rolled back to its savepoint (a
//! failed single statement is undone by SQLite itself), and the others in the batch commit. A failure that may have ended the whole transaction (anything
//! but a conflict or a decoding error) closes the batch there, so that no later job runs outside
//! it. A job runs to its end even when its caller has gone.
//! Other processes sharing the file still take SQLite's write lock in turn (`BEGIN IMMEDIATE`,
//! with the busy timeout). The writer ends when the last handle to it is dropped, after the jobs
//! already sent.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use app::ssr::{StoreError, StoreResult};
use futures_util::future::BoxFuture;
use sqlx::query::{Query, QueryAs};
use sqlx::sqlite::{SqliteArguments, SqliteQueryResult, SqliteRow};
use sqlx::{Connection, FromRow, Sqlite, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use super::codec::db_error;
use super::connections::Connections;

/// The most jobs one transaction takes.
const BATCH: usize = 64;
/// Jobs queued before a caller waits to send its own.
const QUEUE: usize = 4_096;

/// Sends the answer of a job once its transaction has ended (`None`: committed).
type Deliver = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// A job: run on the writer's connection (inside the open transaction, or alone), or refused
/// with the error that kept the transaction from starting.
struct Job {
    alone: Alone,
    run: Run,
}

type Run = Box<dyn for<'c> FnOnce(Turn<'c>) -> BoxFuture<'c, Ran> + Send>;

enum Turn<'c> {
    Run(&'c mut SqliteConnection),
    Refused(StoreError),
}

/// How a job's failure is kept from the others in its transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alone {
    /// Several statements: a savepoint, rolled back when the job fails.
    Savepoint,
    /// Reads, then one [`super::script::Script`] (which undoes itself): in the transaction, so
    /// that what was read is what the script changes, without a savepoint of the writer's.
    Script,
    /// One statement: SQLite undoes a failed statement's changes by itself (and a failure that
    /// may end the transaction ends the batch), so no savepoint and its two round trips. Alone
    /// in the queue, it needs no transaction of the writer's either.
    Statement,
}

/// What running a job left: its answer, waiting for the commit, and whether the transaction may
/// have ended with it.
struct Ran {
    deliver: Deliver,
    ends_batch: bool,
}

/// The handle callers write through; clones share the one writer, which ends when the last
/// handle is dropped.
#[derive(Debug, Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Job>,
    /// Transactions begun (or tried), for the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    batches: Arc<AtomicUsize>,
    /// Lone statements run as their own transaction, for the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    lone: Arc<AtomicUsize>,
}

impl Writer {
    /// Starts the writer on `connections` (one, of the writer's own), on a thread of its own: the
    /// writer is busy whenever the store is, and a job's next statement then never waits behind
    /// the server's other tasks for a worker thread.
    ///
    /// # Errors
    /// When the thread or its runtime cannot be started.
    pub(super) fn start(connections: Arc<Connections>) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let (batches, lone) = (Arc::default(), Arc::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let counted = Counted {
            batches: Arc::clone(&batches),
            lone: Arc::clone(&lone),
        };
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || runtime.block_on(write_loop(connections, queue, counted)))?;
        Ok(Self {
            jobs,
            batches,
            lone,
        })
    }

    /// Runs `work` in the next transaction, in a savepoint of its own, and gives its result once
    /// the transaction has committed (or the error that ended it).
    pub(super) async fn run<T, W>(&self, work: W) -> StoreResult<T>
    where
        T: Send + 'static,
        W: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        self.submit(work, Alone::Savepoint).await
    }

    /// Runs `work`, which must run exactly one statement, without a savepoint of its own (see
    /// [`Alone::Statement`]).
    pub(super) async fn statement<T, W>(&self, work: W) -> StoreResult<T>
    where
        T: Send + 'static,
        W: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        self.submit(work, Alone::Statement).await
    }

    /// Runs `work`, which reads and then writes with exactly one script, in the next transaction
    /// (see [`Alone::Script`]).
    pub(super) async fn script<T, W>(&self, work: W) -> StoreResult<T>
    where
        T: Send + 'static,
        W: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        self.submit(work, Alone::Script).await
    }

    /// Runs one statement (built with `sqlx::query`, whose binds are copied) as a job.
    pub(super) async fn execute(
        &self,
        query: Query<'static, Sqlite, SqliteArguments>,
    ) -> StoreResult<SqliteQueryResult> {
        self.statement(move |conn| {
            Box::pin(async move { query.execute(conn).await.map_err(db_error) })
        })
        .await
    }

    /// Runs one statement that returns at most one row (`… RETURNING`) as a job.
    pub(super) async fn fetch_optional<O>(
        &self,
        query: QueryAs<'static, Sqlite, O, SqliteArguments>,
    ) -> StoreResult<Option<O>>
    where
        O: for<'r> FromRow<'r, SqliteRow> + Send + Unpin + 'static,
    {
        self.statement(move |conn| {
            Box::pin(async move { query.fetch_optional(conn).await.map_err(db_error) })
        })
        .await
    }

    async fn submit<T, W>(&self, work: W, alone: Alone) -> StoreResult<T>
    where
        T: Send + 'static,
        W: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let run: Run = Box::new(move |turn| {
            Box::pin(async move {
                let result = match turn {
                    Turn::Run(conn) => match alone {
                        Alone::Savepoint => in_savepoint(conn, work).await,
                        Alone::Script | Alone::Statement => work(conn).await,
                    },
                    Turn::Refused(e) => Err(e),
                };
                let ends_batch = matches!(result, Err(StoreError::Backend(_)));
                let deliver: Deliver = Box::new(move |ended: Option<&StoreError>| {
                    let answer = match (result, ended) {
                        (Ok(_), Some(e)) => Err(e.clone()),
                        (result, _) => result,
                    };
                    // A caller that stopped waiting does not need the answer.
                    let _ = reply.send(answer);
                });
                Ran {
                    deliver,
                    ends_batch,
                }
            })
        });
        let job = Job { alone, run };
        let stopped = || StoreError::Backend("the SQLite writer has stopped".into());
        self.jobs.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// How many transactions the writer has begun or tried.
    #[cfg(test)]
    pub(super) fn batches(&self) -> usize {
        self.batches.load(Ordering::SeqCst)
    }

    /// How many lone statements ran as their own transaction.
    #[cfg(test)]
    pub(super) fn lone(&self) -> usize {
        self.lone.load(Ordering::SeqCst)
    }

    /// How many jobs wait to be taken.
    #[cfg(test)]
    pub(super) fn queued(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }
}

/// `sqlx::query(…).bind(…).write(&writer)`: a statement sent to the writer, where a read would
/// end in `.execute(&mut *held)`.
pub(super) trait Write {
    fn write(self, writer: &Writer) -> impl Future<Output = StoreResult<SqliteQueryResult>> + Send;
}

impl Write for Query<'static, Sqlite, SqliteArguments> {
    fn write(self, writer: &Writer) -> impl Future<Output = StoreResult<SqliteQueryResult>> + Send {
        writer.execute(self)
    }
}

/// The writer's counters, for the tests.
struct Counted {
    batches: Arc<AtomicUsize>,
    lone: Arc<AtomicUsize>,
}

async fn write_loop(
    connections: Arc<Connections>,
    mut queue: mpsc::Receiver<Job>,
    counted: Counted,
) {
    while let Some(first) = queue.recv().await {
        // The jobs waiting now share `first`'s transaction; those sent later wait for the next.
        let behind = queue.len().min(BATCH - 1);
        if first.alone == Alone::Statement && behind == 0 {
            counted.lone.fetch_add(1, Ordering::SeqCst);
            run_lone(&connections, first).await;
        } else {
            counted.batches.fetch_add(1, Ordering::SeqCst);
            commit_batch(&connections, first, behind, &mut queue).await;
        }
    }
}

/// Runs one statement as SQLite's own transaction and answers it.
async fn run_lone(connections: &Connections, job: Job) {
    let mut conn = match connections.hold().await {
        Ok(conn) => conn,
        Err(e) => return refuse(job, &e).await,
    };
    ((job.run)(Turn::Run(&mut conn)).await.deliver)(None);
}

/// Runs `first` and the `behind` jobs waiting behind it in one transaction, until they run out or
/// one may have ended the transaction, then commits and answers them. Jobs sent meanwhile wait
/// for the next transaction: a busy writer's transactions do not grow without end, so neither
/// does the wait of their first job.
async fn commit_batch(
    connections: &Connections,
    first: Job,
    mut behind: usize,
    queue: &mut mpsc::Receiver<Job>,
) {
    let mut conn = match connections.hold().await {
        Ok(conn) => conn,
        Err(e) => return refuse_waiting(first, behind, queue, &e).await,
    };
    let mut tx = match conn.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => return refuse_waiting(first, behind, queue, &db_error(e)).await,
    };
    let mut answers = Vec::with_capacity(BATCH);
    let mut next = Some(first);
    while let Some(job) = next {
        let ran = (job.run)(Turn::Run(&mut tx)).await;
        answers.push(ran.deliver);
        next = if ran.ends_batch || behind == 0 {
            None
        } else {
            behind -= 1;
            queue.try_recv().ok()
        };
    }
    let ended = tx.commit().await.err().map(db_error);
    if let Some(e) = &ended {
        tracing::warn!(error = %e, jobs = answers.len(), "a SQLite write transaction failed");
    }
    for deliver in answers {
        deliver(ended.as_ref());
    }
}

/// Answers `first` and the `behind` jobs waiting behind it with `error` without running them:
/// their transaction could not be started.
async fn refuse_waiting(
    first: Job,
    behind: usize,
    queue: &mut mpsc::Receiver<Job>,
    error: &StoreError,
) {
    tracing::warn!(%error, "cannot start a SQLite write transaction");
    refuse(first, error).await;
    for _ in 0..behind {
        let Ok(job) = queue.try_recv() else { break };
        refuse(job, error).await;
    }
}

async fn refuse(job: Job, error: &StoreError) {
    ((job.run)(Turn::Refused(error.clone())).await.deliver)(None);
}

/// Runs `work` in a savepoint of the open transaction: kept on success, undone on failure.
async fn in_savepoint<T, W>(conn: &mut SqliteConnection, work: W) -> StoreResult<T>
where
    W: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>,
{
    let mut savepoint = conn.begin().await.map_err(db_error)?;
    match work(&mut savepoint).await {
        Ok(value) => {
            savepoint.commit().await.map_err(db_error)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(undo) = savepoint.rollback().await {
                tracing::warn!(error = %undo, "cannot roll a SQLite write back to its savepoint");
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::sync::oneshot;
    use tokio::task::JoinHandle;

    use super::super::SqliteStore;
    use super::*;

    async fn scratch() -> (tempfile::TempDir, SqliteStore, Writer) {
        let (dir, store) =
            SqliteStore::scratch("CREATE TABLE scratch (id INTEGER PRIMARY KEY)").await;
        let writer = store.writer.clone();
        (dir, store, writer)
    }

    /// Holds the writer in a job until the returned sender is used (or dropped).
    async fn hold(writer: &Writer) -> (oneshot::Sender<()>, JoinHandle<StoreResult<()>>) {
        let (release, held) = oneshot::channel::<()>();
        let before = writer.batches();
        let w = writer.clone();
        let holder = tokio::spawn(async move {
            w.run(move |_| {
                Box::pin(async move {
                    let _ = held.await;
                    Ok(())
                })
            })
            .await
        });
        while writer.batches() == before {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        (release, holder)
    }

    fn insert(writer: &Writer, id: i64) -> JoinHandle<StoreResult<SqliteQueryResult>> {
        let w = writer.clone();
        tokio::spawn(async move {
            sqlx::query("INSERT INTO scratch (id) VALUES (?1)")
                .bind(id)
                .write(&w)
                .await
        })
    }

    async fn until_queued(writer: &Writer, jobs: usize) {
        while writer.queued() < jobs {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    async fn ids(store: &SqliteStore) -> Vec<i64> {
        sqlx::query_scalar("SELECT id FROM scratch ORDER BY id")
            .fetch_all(&mut *store.reads.hold().await.unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn writes_that_wait_together_share_one_transaction() {
        let (_dir, store, writer) = scratch().await;
        let (release, holder) = hold(&writer).await;
        let writes: Vec<_> = (1..=10).map(|id| insert(&writer, id)).collect();
        until_queued(&writer, 10).await;
        let before = writer.batches();
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        for write in writes {
            assert_eq!(write.await.unwrap().unwrap().rows_affected(), 1);
        }
        assert_eq!(
            writer.batches(),
            before + 1,
            "ten waiting writes, one transaction"
        );
        assert_eq!(ids(&store).await, (1..=10).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_refused_write_is_undone_alone_and_its_batch_commits() {
        let (_dir, store, writer) = scratch().await;
        let (release, holder) = hold(&writer).await;
        let first = insert(&writer, 1);
        until_queued(&writer, 1).await;
        // One statement whose second row breaks the key: its first row goes too.
        let w = writer.clone();
        let statement = tokio::spawn(async move {
            sqlx::query("INSERT INTO scratch (id) VALUES (5), (1)")
                .write(&w)
                .await
        });
        until_queued(&writer, 2).await;
        // Several statements, the job then failing: its savepoint is rolled back.
        let w = writer.clone();
        let job = tokio::spawn(async move {
            w.run(|conn| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO scratch (id) VALUES (6)")
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                    Err::<(), _>(StoreError::Conflict("refused after a write".into()))
                })
            })
            .await
        });
        until_queued(&writer, 3).await;
        let other = insert(&writer, 2);
        until_queued(&writer, 4).await;
        let before = writer.batches();
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        first.await.unwrap().unwrap();
        assert!(matches!(
            statement.await.unwrap(),
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(job.await.unwrap(), Err(StoreError::Conflict(_))));
        other.await.unwrap().unwrap();
        assert_eq!(writer.batches(), before + 1, "one transaction for all four");
        assert_eq!(ids(&store).await, vec![1, 2]);
    }

    #[tokio::test]
    async fn a_backend_failure_ends_its_batch_and_the_rest_commit_in_the_next() {
        let (_dir, store, writer) = scratch().await;
        let (release, holder) = hold(&writer).await;
        let first = insert(&writer, 1);
        until_queued(&writer, 1).await;
        let w = writer.clone();
        let failing = tokio::spawn(async move {
            w.run(|_| Box::pin(async { Err::<(), _>(StoreError::Backend("disk".into())) }))
                .await
        });
        until_queued(&writer, 2).await;
        let after = insert(&writer, 2);
        until_queued(&writer, 3).await;
        let (before, lone) = (writer.batches(), writer.lone());
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        first.await.unwrap().unwrap();
        assert!(matches!(
            failing.await.unwrap(),
            Err(StoreError::Backend(_))
        ));
        after.await.unwrap().unwrap();
        assert_eq!(
            (writer.batches(), writer.lone()),
            (before + 1, lone + 1),
            "the failure closed the first transaction; the write after it ran alone"
        );
        assert_eq!(ids(&store).await, vec![1, 2]);
    }

    #[tokio::test]
    async fn a_lone_statement_is_its_own_transaction() {
        let (_dir, store, writer) = scratch().await;
        let (batches, lone) = (writer.batches(), writer.lone());
        insert(&writer, 1).await.unwrap().unwrap();
        let refused = insert(&writer, 1).await.unwrap();
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        insert(&writer, 2).await.unwrap().unwrap();
        assert_eq!((writer.batches(), writer.lone()), (batches, lone + 3));
        assert_eq!(ids(&store).await, vec![1, 2]);
        // A job of several statements still takes a transaction.
        writer
            .run(|conn| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO scratch (id) VALUES (3)")
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                })
            })
            .await
            .unwrap();
        assert_eq!((writer.batches(), writer.lone()), (batches + 1, lone + 3));
    }

    #[tokio::test]
    async fn a_write_whose_caller_has_gone_still_commits() {
        let (_dir, store, writer) = scratch().await;
        let (release, holder) = hold(&writer).await;
        let gone = insert(&writer, 7);
        until_queued(&writer, 1).await;
        gone.abort();
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        // The next write is answered after the batch that held the abandoned one.
        insert(&writer, 8).await.unwrap().unwrap();
        assert_eq!(ids(&store).await, vec![7, 8]);
    }

    #[tokio::test]
    async fn a_job_s_answer_waits_for_the_commit() {
        let (_dir, store, writer) = scratch().await;
        let reader = store.clone();
        let seen = writer
            .run(move |conn| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO scratch (id) VALUES (3)")
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                    // Another connection does not see it before the commit.
                    Ok(ids(&reader).await)
                })
            })
            .await
            .unwrap();
        assert_eq!(seen, Vec::<i64>::new());
        assert_eq!(ids(&store).await, vec![3]);
    }
}
