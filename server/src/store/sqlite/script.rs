//! Several write statements sent to SQLite as one command, in a savepoint of its own.
//!
//! Each statement sent to sqlx is a hand-off to the connection's thread and back. On two busy cores
//! that hand-off, not SQLite, is what a write costs the writer (BENCHMARKS.md), so a job whose
//! statements do not depend on each other's results sends them together: one hand-off where a
//! savepoint and its statements took one each.

use app::ssr::{StoreError, StoreResult};
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, AssertSqlSafe, Encode, SqliteConnection, Type};

use super::codec::db_error;

/// The savepoint a script runs in: nested in the writer's transaction, released before the job
/// ends.
const SAVEPOINT: &str = "script";

/// Statements, each written with its own parameters `?1`, `?2`…, so that every statement binds
/// its own values.
pub(super) struct Script {
    sql: String,
    args: SqliteArguments,
    /// The parameters the statements added so far use.
    used: usize,
    /// A statement or value that could not be taken, reported when the script runs.
    refused: Option<String>,
}

impl Script {
    pub(super) fn new() -> Self {
        Self {
            sql: format!("SAVEPOINT {SAVEPOINT};"),
            args: SqliteArguments::default(),
            used: 0,
            refused: None,
        }
    }

    /// Adds `sql`, one statement whose parameters are `?1` to `?N`, each written once and in
    /// that order, bound with the next `N` calls of [`Self::bind`].
    pub(super) fn statement(&mut self, sql: &str) -> &mut Self {
        self.check_bound();
        match anonymous(sql) {
            Ok((sql, count)) => {
                self.sql.push('\n');
                self.sql.push_str(&sql);
                self.sql.push(';');
                self.used += count;
            }
            Err(e) => {
                self.refused.get_or_insert(e);
            }
        }
        self
    }

    pub(super) fn bind<'q, T>(&mut self, value: T) -> &mut Self
    where
        T: Encode<'q, sqlx::Sqlite> + Type<sqlx::Sqlite> + 'q,
    {
        if let Err(e) = self.args.add(value) {
            self.refused.get_or_insert(e.to_string());
        }
        self
    }

    /// Refuses the script when the values bound so far are not those its statements name.
    fn check_bound(&mut self) {
        if self.args.len() != self.used {
            let e = format!(
                "{} values bound for {} parameters",
                self.args.len(),
                self.used
            );
            self.refused.get_or_insert(e);
        }
    }

    /// Runs every statement, in order, as one command. On success every change is kept; on
    /// failure none is: the statements after the failing one do not run and the savepoint is
    /// rolled back.
    pub(super) async fn run(mut self, conn: &mut SqliteConnection) -> StoreResult<()> {
        self.check_bound();
        if let Some(e) = self.refused {
            return Err(StoreError::Backend(format!("sqlite: script refused: {e}")));
        }
        let sql = format!("{}\nRELEASE {SAVEPOINT};", self.sql);
        let ran = sqlx::query_with(AssertSqlSafe(sql), self.args)
            .execute(&mut *conn)
            .await;
        let Err(e) = ran else { return Ok(()) };
        let undo = format!("ROLLBACK TO {SAVEPOINT}; RELEASE {SAVEPOINT};");
        if let Err(undo) = sqlx::raw_sql(AssertSqlSafe(undo)).execute(&mut *conn).await {
            // A failure that ended the transaction took the savepoint with it; the writer ends
            // the batch on such a failure.
            tracing::warn!(error = %undo, "cannot roll a SQLite script back to its savepoint");
        }
        Err(db_error(e))
    }
}

/// `sql` with its parameters `?1` to `?N`, each written once and in that order, as anonymous `?`
/// (bound in order, after the parameters of the statements before), and `N`. sqlx binds a
/// numbered parameter of a later statement wrongly when the numbers before it are unused there,
/// so any other use of parameters is refused.
fn anonymous(sql: &str) -> Result<(String, usize), String> {
    let mut out = String::with_capacity(sql.len());
    let mut count = 0;
    let mut rest = sql;
    while let Some(at) = rest.find('?') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        count += 1;
        if rest[..digits].parse() != Ok(count) {
            return Err(format!(
                "a statement names ?1 to ?N once each, in order, not ?{}: {sql}",
                &rest[..digits]
            ));
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    Ok((out, count))
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, SqliteConnection};

    use super::super::SqliteStore;
    use super::*;

    #[test]
    fn parameters_are_bound_in_order() {
        assert_eq!(
            anonymous("UPDATE t SET a = ?1 WHERE id = ?2"),
            Ok(("UPDATE t SET a = ? WHERE id = ?".to_owned(), 2))
        );
        assert_eq!(
            anonymous("DELETE FROM t"),
            Ok(("DELETE FROM t".to_owned(), 0))
        );
        for refused in [
            "INSERT INTO t (a, b) VALUES (?2, ?1)",
            "UPDATE t SET a = ?1 WHERE b = ?1",
            "DELETE FROM t WHERE id = ?",
        ] {
            assert!(anonymous(refused).is_err(), "{refused}");
        }
    }

    /// A scratch store, and a connection of its own to run scripts on.
    async fn scratch() -> (tempfile::TempDir, SqliteStore, SqliteConnection) {
        let (dir, store) = SqliteStore::scratch(
            "CREATE TABLE scratch (id INTEGER PRIMARY KEY, note TEXT NOT NULL)",
        )
        .await;
        let url = format!("sqlite://{}/scratch.db", dir.path().display());
        let conn = SqliteConnection::connect(&url).await.unwrap();
        (dir, store, conn)
    }

    /// [`scratch`], its table holding the row `(1, 'kept')`.
    async fn with_kept_row() -> (tempfile::TempDir, SqliteStore, SqliteConnection) {
        let (dir, store, mut conn) = scratch().await;
        sqlx::query("INSERT INTO scratch (id, note) VALUES (1, 'kept')")
            .execute(&mut conn)
            .await
            .unwrap();
        (dir, store, conn)
    }

    async fn notes(store: &SqliteStore) -> Vec<(i64, String)> {
        sqlx::query_as("SELECT id, note FROM scratch ORDER BY id")
            .fetch_all(&mut *store.reads.hold().await.unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_script_with_a_refused_statement_or_a_missing_value_runs_nothing() {
        let (_dir, store, mut conn) = with_kept_row().await;
        // Each would run without an error, changing nothing: the values in the wrong places.
        let mut out_of_order = Script::new();
        out_of_order
            .statement("UPDATE scratch SET note = ?2 WHERE id = ?1")
            .bind(1_i64)
            .bind("changed");
        let mut unbound = Script::new();
        unbound
            .statement("UPDATE scratch SET note = ?1 WHERE id = ?2")
            .bind("changed");
        for script in [out_of_order, unbound] {
            let refused = script.run(&mut conn).await.unwrap_err();
            assert!(matches!(refused, StoreError::Backend(_)), "{refused:?}");
        }
        assert_eq!(notes(&store).await, [(1, "kept".to_owned())]);
    }

    #[tokio::test]
    async fn each_statement_binds_its_own_values() {
        let (_dir, store, mut conn) = scratch().await;
        let mut script = Script::new();
        script
            .statement("INSERT INTO scratch (id, note) VALUES (?1, ?2)")
            .bind(1_i64)
            .bind("one");
        script
            .statement("INSERT INTO scratch (id, note) VALUES (?1, ?2)")
            .bind(2_i64)
            .bind("two");
        script
            .statement("UPDATE scratch SET note = note || ?1 WHERE id = ?2")
            .bind("!")
            .bind(1_i64);
        script
            .statement("INSERT INTO scratch (id, note) VALUES (?1, ?2)")
            .bind(10_i64)
            .bind("ten");
        script.run(&mut conn).await.unwrap();
        assert_eq!(
            notes(&store).await,
            [
                (1, "one!".to_owned()),
                (2, "two".to_owned()),
                (10, "ten".to_owned())
            ]
        );
    }

    #[tokio::test]
    async fn a_failing_statement_undoes_the_statements_before_it() {
        let (_dir, store, mut conn) = with_kept_row().await;
        let mut script = Script::new();
        script
            .statement("INSERT INTO scratch (id, note) VALUES (?1, ?2)")
            .bind(2_i64)
            .bind("undone");
        script
            .statement("INSERT INTO scratch (id, note) VALUES (?1, ?2)")
            .bind(1_i64)
            .bind("duplicate");
        script
            .statement("INSERT INTO scratch (id, note) VALUES (?1, ?2)")
            .bind(3_i64)
            .bind("never run");
        let refused = script.run(&mut conn).await.unwrap_err();
        assert!(matches!(refused, StoreError::Conflict(_)), "{refused:?}");
        assert_eq!(notes(&store).await, [(1, "kept".to_owned())]);
        // The savepoint was released: the connection takes another script.
        let mut again = Script::new();
        again
            .statement("INSERT INTO scratch (id, note) VALUES (?1, ?2)")
            .bind(2_i64)
            .bind("later");
        again.run(&mut conn).await.unwrap();
        assert_eq!(notes(&store).await.len(), 2);
    }
}
