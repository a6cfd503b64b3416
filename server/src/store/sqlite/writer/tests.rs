use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::task::JoinHandle;

use super::super::readers::all;
use super::super::SqliteStore;
use super::*;

async fn scratch() -> (tempfile::TempDir, SqliteStore, Writer) {
    let (dir, store) = SqliteStore::scratch("CREATE TABLE scratch (id INTEGER PRIMARY KEY)").await;
    let writer = store.writer.clone();
    (dir, store, writer)
}

/// Holds the writer in a job until the returned sender is used (or dropped).
async fn hold(writer: &Writer) -> (std_mpsc::Sender<()>, JoinHandle<StoreResult<()>>) {
    let (release, held) = std_mpsc::channel::<()>();
    let before = writer.batches();
    let w = writer.clone();
    let holder = tokio::spawn(async move {
        w.run(move |_| {
            let _ = held.recv();
            Ok(())
        })
        .await
    });
    while writer.batches() == before {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    (release, holder)
}

fn insert(writer: &Writer, id: i64) -> JoinHandle<StoreResult<u64>> {
    let write = writer.execute("INSERT INTO scratch (id) VALUES (?1)", &[&id]);
    tokio::spawn(write)
}

/// A job that inserts `id`, then fails with `error`.
fn insert_then_fail(writer: &Writer, id: i64, error: StoreError) -> JoinHandle<StoreResult<()>> {
    let w = writer.clone();
    tokio::spawn(async move {
        w.run(move |conn| {
            conn.execute("INSERT INTO scratch (id) VALUES (?1)", [id])
                .map_err(sql_error)?;
            Err::<(), _>(error)
        })
        .await
    })
}

async fn until_queued(writer: &Writer, jobs: usize) {
    while writer.queued() < jobs {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn ids(store: &SqliteStore) -> Vec<i64> {
    store
        .reads
        .read(|c| {
            all(c, "SELECT id FROM scratch ORDER BY id", [], |row| {
                row.get(0)
            })
        })
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
        assert_eq!(write.await.unwrap().unwrap(), 1);
    }
    assert_eq!(
        writer.batches(),
        before + 1,
        "ten waiting writes, one transaction"
    );
    assert_eq!(ids(&store).await, (1..=10).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_failed_job_is_undone_alone_and_its_batch_commits() {
    let (_dir, store, writer) = scratch().await;
    let (release, holder) = hold(&writer).await;
    let first = insert(&writer, 1);
    until_queued(&writer, 1).await;
    // One statement whose second row breaks the key: its first row goes too.
    let statement = tokio::spawn(writer.execute("INSERT INTO scratch (id) VALUES (5), (1)", &[]));
    until_queued(&writer, 2).await;
    // Jobs that wrote, then failed: each is rolled back to its savepoint, whatever the error.
    let conflict = insert_then_fail(&writer, 6, StoreError::Conflict("refused".into()));
    until_queued(&writer, 3).await;
    let backend = insert_then_fail(&writer, 7, StoreError::Backend("refused".into()));
    until_queued(&writer, 4).await;
    let other = insert(&writer, 2);
    until_queued(&writer, 5).await;
    let before = writer.batches();
    release.send(()).unwrap();
    holder.await.unwrap().unwrap();
    first.await.unwrap().unwrap();
    let refused = statement.await.unwrap();
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert!(matches!(
        conflict.await.unwrap(),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        backend.await.unwrap(),
        Err(StoreError::Backend(_))
    ));
    other.await.unwrap().unwrap();
    assert_eq!(writer.batches(), before + 1, "one transaction for all five");
    assert_eq!(ids(&store).await, vec![1, 2]);
}

#[tokio::test]
async fn a_failure_that_ended_the_transaction_fails_its_batch_and_the_rest_commit_in_the_next() {
    let (_dir, store, writer) = scratch().await;
    let (release, holder) = hold(&writer).await;
    let first = insert(&writer, 1);
    until_queued(&writer, 1).await;
    // What SQLite does by itself on, for example, a full disk: the whole transaction goes.
    let w = writer.clone();
    let failing = tokio::spawn(async move {
        w.run(|conn| {
            conn.execute_batch("ROLLBACK").map_err(sql_error)?;
            Err::<(), _>(StoreError::Backend("disk".into()))
        })
        .await
    });
    until_queued(&writer, 2).await;
    let after = insert(&writer, 2);
    until_queued(&writer, 3).await;
    let before = writer.batches();
    release.send(()).unwrap();
    holder.await.unwrap().unwrap();
    let lost = first.await.unwrap();
    assert!(matches!(lost, Err(StoreError::Backend(_))), "{lost:?}");
    assert!(matches!(
        failing.await.unwrap(),
        Err(StoreError::Backend(_))
    ));
    after.await.unwrap().unwrap();
    assert_eq!(
        writer.batches(),
        before + 2,
        "the write after the failure ran in a transaction of its own"
    );
    assert_eq!(ids(&store).await, vec![2]);
}

#[tokio::test]
async fn a_job_that_panics_is_undone_and_answered_and_the_writer_goes_on() {
    let (_dir, store, writer) = scratch().await;
    let w = writer.clone();
    let panicked = w
        .run(|conn| {
            conn.execute("INSERT INTO scratch (id) VALUES (1)", [])
                .map_err(sql_error)?;
            panic!("a bug in a job");
            #[allow(unreachable_code)]
            Ok(())
        })
        .await;
    assert!(
        matches!(panicked, Err(StoreError::Backend(_))),
        "{panicked:?}"
    );
    insert(&writer, 2).await.unwrap().unwrap();
    assert_eq!(ids(&store).await, vec![2]);
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
    let (dir, store, writer) = scratch().await;
    let file = dir.path().join("scratch.db");
    let seen = writer
        .run(move |conn| {
            conn.execute("INSERT INTO scratch (id) VALUES (3)", [])
                .map_err(sql_error)?;
            // Another connection does not see it before the commit.
            let other = Connection::open(&file).map_err(sql_error)?;
            other
                .query_row("SELECT count(*) FROM scratch", [], |row| {
                    row.get::<_, i64>(0)
                })
                .map_err(sql_error)
        })
        .await
        .unwrap();
    assert_eq!(seen, 0);
    assert_eq!(ids(&store).await, vec![3]);
}

#[test]
fn rusqlite_errors_map_to_store_errors() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        .unwrap();
    conn.execute("INSERT INTO t (id, v) VALUES (1, 'a')", [])
        .unwrap();
    let duplicate = conn.execute("INSERT INTO t (id, v) VALUES (1, 'b')", []);
    assert!(matches!(
        sql_error(duplicate.unwrap_err()),
        StoreError::Conflict(_)
    ));
    let missing = conn.execute("INSERT INTO t (id) VALUES (2)", []);
    assert!(matches!(
        sql_error(missing.unwrap_err()),
        StoreError::Backend(_)
    ));
    let wrong_type = conn.query_row("SELECT v FROM t", [], |row| row.get::<_, i64>(0));
    assert!(matches!(
        sql_error(wrong_type.unwrap_err()),
        StoreError::Corrupt(_)
    ));
}
