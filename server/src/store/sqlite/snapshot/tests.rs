use std::panic::{catch_unwind, AssertUnwindSafe};

use app::ssr::page_reads::PageReads;
use leptos::prelude::{provide_context, Owner};

use super::super::SqliteStore;
use super::*;

async fn scratch() -> (tempfile::TempDir, SqliteStore) {
    SqliteStore::scratch("CREATE TABLE t (x INTEGER)").await
}

/// A page render being run on this thread, as the server sets one up; it ends when dropped.
fn render() -> Owner {
    let owner = Owner::new();
    owner.set();
    provide_context(PageReads::default());
    owner
}

fn end(render: Owner) {
    render.clone().unset();
    drop(render);
}

fn count(conn: &Connection) -> StoreResult<i64> {
    conn.query_row("SELECT count(*) FROM t", [], |row| row.get(0))
        .map_err(sql_error)
}

/// A row written by another connection to the file: another request's write, or another
/// process's.
fn insert_elsewhere(dir: &tempfile::TempDir) {
    let conn = Connection::open(dir.path().join("scratch.db")).unwrap();
    conn.execute("INSERT INTO t (x) VALUES (1)", []).unwrap();
}

#[tokio::test]
async fn a_render_reads_one_state_of_the_database_and_gives_its_connection_back() {
    let (dir, store) = scratch().await;
    let page = render();
    assert_eq!(store.reads.read(count).unwrap(), 0);
    insert_elsewhere(&dir);
    assert_eq!(
        store.reads.read(count).unwrap(),
        0,
        "the render's second read saw another state"
    );
    assert_eq!(store.reads.idle(), 0, "the render's connection is pinned");
    end(page);
    assert_eq!(store.reads.idle(), 1, "the connection was not given back");
    assert_eq!(store.reads.read(count).unwrap(), 1);
    assert_eq!(
        store.reads.opened(),
        1,
        "the render opened a connection of its own"
    );
}

#[tokio::test]
async fn reads_outside_a_render_each_see_the_latest_state() {
    let (dir, store) = scratch().await;
    assert_eq!(store.reads.read(count).unwrap(), 0);
    insert_elsewhere(&dir);
    assert_eq!(store.reads.read(count).unwrap(), 1);
    assert_eq!(store.reads.idle(), 1);
}

#[tokio::test]
async fn a_render_reads_what_it_wrote() {
    let (_dir, store) = scratch().await;
    let page = render();
    assert_eq!(store.reads.read(count).unwrap(), 0);
    store
        .writer
        .execute("INSERT INTO t (x) VALUES (?1)", &[&1_i64])
        .await
        .unwrap();
    assert_eq!(store.reads.read(count).unwrap(), 1);
    end(page);
    assert_eq!(store.reads.idle(), 1);
}

#[tokio::test]
async fn a_read_beside_one_holding_the_snapshot_reads_on_its_own_connection() {
    let (dir, store) = scratch().await;
    let page = render();
    let (outer, inner) = store
        .reads
        .read(|conn| {
            let outer = count(conn)?;
            insert_elsewhere(&dir);
            Ok((outer, store.reads.read(count)?))
        })
        .unwrap();
    assert_eq!((outer, inner), (0, 1));
    assert_eq!(store.reads.opened(), 2);
    end(page);
    assert_eq!(store.reads.idle(), 2);
}

#[tokio::test]
async fn a_render_read_that_panics_closes_the_connection_and_reads_go_on() {
    let (_dir, store) = scratch().await;
    let page = render();
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        store.reads.read(|conn| -> StoreResult<()> {
            count(conn)?;
            panic!("a bug in a read");
        })
    }));
    assert!(panicked.is_err());
    assert_eq!(store.reads.read(count).unwrap(), 0);
    end(page);
    assert_eq!(store.reads.opened(), 2);
    assert_eq!(
        store.reads.idle(),
        1,
        "the panicked read's connection was kept"
    );
}
