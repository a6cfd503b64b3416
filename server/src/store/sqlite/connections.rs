//! The store's SQLite connections: opened when first needed, then kept, and lent out one caller
//! at a time.
//!
//! Why not sqlx's pool: it takes a connection back by spawning a task that pings it first, a
//! round trip to the connection's thread. For a one-statement read that doubled the hand-offs
//! between threads, which is where the store's time goes on two busy cores (BENCHMARKS.md). A
//! [`Held`] connection goes back to its set when the guard drops: no task, no ping.
//!
//! A read whose caller goes away mid-statement leaves nothing behind: sqlx's connection thread
//! stops the statement when nobody takes its rows, and the next statement queues behind it. The
//! readers never open a transaction; the writer's (`writer.rs`) ends in its own `COMMIT` or
//! rollback before its connection goes back.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

use app::ssr::{StoreError, StoreResult};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::codec::db_error;

/// A set of at most `size` connections to one database.
pub(super) struct Connections {
    options: SqliteConnectOptions,
    /// Open connections nobody holds.
    idle: Mutex<Vec<SqliteConnection>>,
    /// One permit for each connection that may be held at once.
    permits: Semaphore,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections")
            .field("available", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

impl Connections {
    /// A set of at most `size` connections opened with `options`, starting with `open` (already
    /// opened, e.g. the one that ran the migrations: an in-memory database lives only on the
    /// connection that made it).
    pub(super) fn new(
        options: SqliteConnectOptions,
        size: usize,
        open: Option<SqliteConnection>,
    ) -> Self {
        Self {
            options,
            idle: Mutex::new(open.into_iter().collect()),
            permits: Semaphore::new(size),
        }
    }

    /// Waits for a connection nobody holds, opening one when the set has fewer than its size.
    ///
    /// # Errors
    /// When a new connection cannot be opened.
    pub(super) async fn hold(&self) -> StoreResult<Held<'_>> {
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Backend("the SQLite connections are closed".into()))?;
        let idle = self.lock_idle().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.options.connect().await.map_err(db_error)?,
        };
        Ok(Held {
            conn: Some(conn),
            home: self,
            _permit: permit,
        })
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<SqliteConnection>> {
        // The list is only pushed to and popped from: a panic elsewhere cannot leave it half done.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A connection lent from a [`Connections`] set; back in the set when dropped.
pub(super) struct Held<'a> {
    conn: Option<SqliteConnection>,
    home: &'a Connections,
    /// Released after the connection is back (fields drop after `Drop::drop`).
    _permit: SemaphorePermit<'a>,
}

impl Deref for Held<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.conn.as_ref().expect("held until dropped")
    }
}

impl DerefMut for Held<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("held until dropped")
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.home.lock_idle().push(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::Duration;

    use sqlx::Connection;

    use super::*;

    fn options(dir: &tempfile::TempDir) -> SqliteConnectOptions {
        SqliteConnectOptions::from_str(&format!("sqlite://{}/c.db", dir.path().display()))
            .unwrap()
            .create_if_missing(true)
    }

    #[tokio::test]
    async fn a_connection_goes_back_and_is_lent_again_without_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let set = Connections::new(options(&dir), 2, None);
        {
            let mut held = set.hold().await.unwrap();
            sqlx::query("CREATE TEMP TABLE mine (x)")
                .execute(&mut *held)
                .await
                .unwrap();
        }
        // A temporary table lives on its connection only: the same connection came back.
        let mut again = set.hold().await.unwrap();
        sqlx::query("SELECT x FROM mine")
            .fetch_all(&mut *again)
            .await
            .unwrap();
        assert_eq!(set.lock_idle().len(), 0);
        drop(again);
        assert_eq!(set.lock_idle().len(), 1);
    }

    #[tokio::test]
    async fn a_caller_waits_while_every_connection_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let set = std::sync::Arc::new(Connections::new(options(&dir), 1, None));
        let held = set.hold().await.unwrap();
        let waiting = {
            let set = std::sync::Arc::clone(&set);
            tokio::spawn(async move { set.hold().await.unwrap().ping().await.is_ok() })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "a second connection was opened");
        drop(held);
        assert!(waiting.await.unwrap());
    }

    #[tokio::test]
    async fn the_connection_given_at_the_start_is_the_first_lent() {
        let mut open = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query("CREATE TABLE only_here (x)")
            .execute(&mut open)
            .await
            .unwrap();
        let set = Connections::new(
            SqliteConnectOptions::from_str("sqlite::memory:").unwrap(),
            1,
            Some(open),
        );
        let mut held = set.hold().await.unwrap();
        sqlx::query("SELECT x FROM only_here")
            .fetch_all(&mut *held)
            .await
            .unwrap();
    }
}
