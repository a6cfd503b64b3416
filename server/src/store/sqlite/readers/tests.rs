use std::panic::{catch_unwind, AssertUnwindSafe};

use super::super::SqliteStore;
use super::*;

const BUSY: Duration = Duration::from_secs(1);

/// A database file with a table `t (x)` holding one row, in WAL mode as the store's are.
fn file() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("readers.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);",
    )
    .unwrap();
    (dir, path)
}

fn count(conn: &Connection) -> StoreResult<i64> {
    conn.query_row("SELECT count(*) FROM t", [], |row| row.get(0))
        .map_err(sql_error)
}

#[tokio::test]
async fn a_read_sees_what_the_writer_committed() {
    let (_dir, store) = SqliteStore::scratch("CREATE TABLE t (x INTEGER)").await;
    assert_eq!(store.reads.read(count).unwrap(), 0);
    store
        .writer
        .execute("INSERT INTO t (x) VALUES (?1), (?2)", &[&1_i64, &2_i64])
        .await
        .unwrap();
    assert_eq!(store.reads.read(count).unwrap(), 2);
}

#[test]
fn a_bad_file_fails_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    assert!(Readers::open(&missing, BUSY, 1).is_err());
    assert!(!missing.exists(), "a reader created the file");
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![7_u8; 4096]).unwrap();
    assert!(Readers::open(&garbage, BUSY, 1).is_err());
}

#[test]
fn sequential_reads_use_one_connection() {
    let (_dir, path) = file();
    let readers = Arc::new(Readers::open(&path, BUSY, 4).unwrap());
    assert_eq!(readers.opened(), 1);
    for _ in 0..10 {
        assert_eq!(readers.read(count).unwrap(), 1);
    }
    assert_eq!(readers.opened(), 1);
    assert_eq!(readers.idle(), 1);
}

#[test]
fn at_most_kept_connections_are_kept() {
    let (_dir, path) = file();
    let readers = Arc::new(Readers::open(&path, BUSY, 2).unwrap());
    // Three reads at once: the one opened at start and two more.
    let three_at_once = || {
        readers
            .read(|_| readers.read(|_| readers.read(count)))
            .unwrap()
    };
    assert_eq!(three_at_once(), 1);
    assert_eq!(readers.opened(), 3);
    assert_eq!(readers.idle(), 2, "the third connection was kept");
    // The two kept are lent again; only the third is opened anew.
    assert_eq!(three_at_once(), 1);
    assert_eq!(readers.opened(), 4);
    assert_eq!(readers.idle(), 2);
}

#[tokio::test]
async fn a_long_read_runs_off_the_calling_thread_and_returns() {
    let (_dir, path) = file();
    let readers = Arc::new(Readers::open(&path, BUSY, 2).unwrap());
    let here = std::thread::current().id();
    let (n, there) = readers
        .read_long(|conn| Ok((count(conn)?, std::thread::current().id())))
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_ne!(there, here, "the long read ran on the caller's thread");
    let (_, short) = readers
        .read(|conn| Ok((count(conn)?, std::thread::current().id())))
        .unwrap();
    assert_eq!(short, here, "the short read was handed off");
    assert_eq!(readers.opened(), 1, "both reads used the kept connection");
}

#[test]
fn a_reader_refuses_to_write() {
    let (_dir, path) = file();
    let readers = Arc::new(Readers::open(&path, BUSY, 1).unwrap());
    let refused = readers.read(|conn| {
        conn.execute("INSERT INTO t (x) VALUES (2)", [])
            .map_err(sql_error)
    });
    assert!(
        matches!(refused, Err(StoreError::Backend(_))),
        "{refused:?}"
    );
    assert_eq!(readers.read(count).unwrap(), 1);
}

#[test]
fn a_read_that_panics_gives_back_no_connection_and_the_next_read_works() {
    let (_dir, path) = file();
    let readers = Arc::new(Readers::open(&path, BUSY, 1).unwrap());
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        readers.read(|conn| -> StoreResult<()> {
            count(conn)?;
            panic!("a bug in a read");
        })
    }));
    assert!(panicked.is_err());
    assert_eq!(
        readers.idle(),
        0,
        "the connection of a panicked read was kept"
    );
    assert_eq!(readers.read(count).unwrap(), 1);
    assert_eq!(readers.opened(), 2);
    assert_eq!(readers.idle(), 1);
}

#[test]
fn a_read_that_leaves_a_transaction_open_gives_back_no_connection() {
    let (_dir, path) = file();
    let readers = Arc::new(Readers::open(&path, BUSY, 1).unwrap());
    readers
        .read(|conn| conn.execute_batch("BEGIN").map_err(sql_error))
        .unwrap();
    assert_eq!(readers.idle(), 0, "a connection in a transaction was kept");
    readers.read(count).unwrap();
    assert_eq!(readers.idle(), 1);
}

#[test]
fn one_and_all_map_rows_in_order() {
    let (_dir, path) = file();
    let readers = Arc::new(Readers::open(&path, BUSY, 1).unwrap());
    let found = readers.read(|conn| {
        one(conn, "SELECT x FROM t WHERE x = ?1", [1], |row| {
            row.get::<_, i64>(0)
        })
    });
    assert_eq!(found.unwrap(), Some(1));
    let none = readers.read(|conn| {
        one(conn, "SELECT x FROM t WHERE x = ?1", [2], |row| {
            row.get::<_, i64>(0)
        })
    });
    assert_eq!(none.unwrap(), None);
    let rows = readers.read(|conn| {
        all(
            conn,
            "SELECT value FROM json_each('[3, 1, 2]') ORDER BY value DESC",
            [],
            |row| row.get::<_, i64>(0),
        )
    });
    assert_eq!(rows.unwrap(), vec![3, 2, 1]);
    let corrupt = readers.read(|conn| one(conn, "SELECT 'x'", [], |row| row.get::<_, i64>(0)));
    assert!(
        matches!(corrupt, Err(StoreError::Corrupt(_))),
        "{corrupt:?}"
    );
}

/// A cached statement is planned once: binding another `LIMIT` does not prepare it again (the
/// activity log's reads share one statement with two limits).
#[test]
fn another_limit_does_not_prepare_the_statement_again() {
    let (_dir, path) = file();
    let readers = Arc::new(Readers::open(&path, BUSY, 1).unwrap());
    let sql = "SELECT x FROM t ORDER BY x LIMIT ?1";
    for limit in [51_i64, 2, 51, 2] {
        let rows = readers
            .read(|c| all(c, sql, [limit], |row| row.get::<_, i64>(0)))
            .unwrap();
        assert_eq!(rows, [1]);
    }
    let prepared_again = readers
        .read(|c| {
            let statement = c.prepare_cached(sql).map_err(sql_error)?;
            Ok(statement.get_status(rusqlite::StatementStatus::RePrepare))
        })
        .unwrap();
    assert_eq!(prepared_again, 0);
}
