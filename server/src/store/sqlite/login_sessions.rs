//! Login sessions for tower-sessions: one row per session, the data as JSON, the expiry in
//! microseconds, keyed by the hash of the session id ([`stored_key`]). Expired rows are never
//! loaded and are removed by [`SqliteStore::delete_expired_login_sessions`]. A row stored under
//! the clear id (before ids were hashed) is still read, and moved under the hash when it is. Each
//! row names its user ([`login_user`]), so that all of one user's sessions end together.

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions::SessionStore;

use super::readers::one;
use super::SqliteStore;
use crate::store::login_sessions::{login_user, stored_key};

/// A store error (of a read or a write) as tower-sessions' backend error.
fn backend(e: app::ssr::StoreError) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn to_micros(at: OffsetDateTime) -> session_store::Result<i64> {
    i64::try_from(at.unix_timestamp_nanos() / 1_000)
        .map_err(|_| session_store::Error::Encode("session expiry is out of range".into()))
}

fn from_micros(micros: i64) -> session_store::Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map_err(|e| session_store::Error::Decode(format!("session expiry: {e}")))
}

fn now_micros() -> session_store::Result<i64> {
    to_micros(OffsetDateTime::now_utc())
}

/// A record as its row: key, data, expiry, user.
type Row = (String, Vec<u8>, i64, Option<String>);

fn encode(record: &Record) -> session_store::Result<Row> {
    let data = serde_json::to_vec(&record.data)
        .map_err(|e| session_store::Error::Encode(format!("session data: {e}")))?;
    Ok((
        stored_key(&record.id),
        data,
        to_micros(record.expiry_date)?,
        login_user(record).map(str::to_owned),
    ))
}

impl SqliteStore {
    /// Deletes login sessions whose expiry has passed; returns how many went.
    ///
    /// # Errors
    /// When the database fails.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_expired_login_sessions(&self) -> anyhow::Result<u64> {
        let done = self
            .writer
            .execute(
                "DELETE FROM login_sessions WHERE expires_at <= ?1",
                &[&now_micros()?],
            )
            .await?;
        Ok(done)
    }

    /// Deletes every login session of `user_id`; returns how many went.
    ///
    /// # Errors
    /// When the database fails.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_user_login_sessions(&self, user_id: &str) -> anyhow::Result<u64> {
        let done = self
            .writer
            .execute("DELETE FROM login_sessions WHERE user_id = ?1", &[&user_id])
            .await?;
        Ok(done)
    }
}

#[async_trait]
impl SessionStore for SqliteStore {
    /// Inserts under a fresh id, drawing a new one while the id is taken.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let (id, data, expires_at, user_id) = encode(record)?;
            let done = self
                .writer
                .execute(
                    "INSERT INTO login_sessions (id, data, expires_at, user_id)
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
                    &[&id, &data, &expires_at, &user_id],
                )
                .await
                .map_err(backend)?;
            if done == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates an existing session only: one deleted meanwhile (logged out everywhere, its
    /// authorisation revoked) stays deleted, although the request that loaded it saves it at its
    /// end. New sessions go through [`Self::create`].
    #[tracing::instrument(level = "debug", skip_all)]
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (id, data, expires_at, user_id) = encode(record)?;
        self.writer
            .execute(
                "UPDATE login_sessions SET data = ?2, expires_at = ?3, user_id = ?4 WHERE id = ?1",
                &[&id, &data, &expires_at, &user_id],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let Some((data, expires_at)) = self.row(&stored_key(session_id))? else {
            // Stored before ids were hashed: read it once, then keep it under the hash only.
            let Some(old) = self.row(&session_id.to_string())? else {
                return Ok(None);
            };
            let record = decode(session_id, old)?;
            let (id, data, expires_at, user_id) = encode(&record)?;
            self.writer
                .execute(
                    "INSERT OR REPLACE INTO login_sessions (id, data, expires_at, user_id)
                     VALUES (?1, ?2, ?3, ?4)",
                    &[&id, &data, &expires_at, &user_id],
                )
                .await
                .map_err(backend)?;
            self.writer
                .execute(
                    "DELETE FROM login_sessions WHERE id = ?1",
                    &[&session_id.to_string()],
                )
                .await
                .map_err(backend)?;
            return Ok(Some(record));
        };
        decode(session_id, (data, expires_at)).map(Some)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        self.writer
            .execute(
                "DELETE FROM login_sessions WHERE id IN (?1, ?2)",
                &[&stored_key(session_id), &session_id.to_string()],
            )
            .await
            .map_err(backend)?;
        Ok(())
    }
}

impl SqliteStore {
    fn row(&self, key: &str) -> session_store::Result<Option<(Vec<u8>, i64)>> {
        let now = now_micros()?;
        self.reads
            .read(|c| {
                one(
                    c,
                    "SELECT data, expires_at FROM login_sessions WHERE id = ?1 AND expires_at > ?2",
                    rusqlite::params![key, now],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
            })
            .map_err(backend)
    }
}

fn decode(session_id: &Id, (data, expires_at): (Vec<u8>, i64)) -> session_store::Result<Record> {
    Ok(Record {
        id: *session_id,
        data: serde_json::from_slice(&data)
            .map_err(|e| session_store::Error::Decode(format!("session data: {e}")))?,
        expiry_date: from_micros(expires_at)?,
    })
}

#[async_trait]
impl ExpiredDeletion for SqliteStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.delete_expired_login_sessions()
            .await
            .map(|_| ())
            .map_err(|e| session_store::Error::Backend(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use time::{Duration, OffsetDateTime};
    use tower_sessions::session::{Id, Record};
    use tower_sessions::SessionStore;

    use super::super::codec::sql_error;
    use super::super::readers::all;
    use super::SqliteStore;
    use crate::store::login_sessions::stored_key;

    fn keys(store: &SqliteStore) -> Vec<String> {
        store
            .reads
            .read(|c| all(c, "SELECT id FROM login_sessions", [], |row| row.get(0)))
            .unwrap()
    }

    #[tokio::test]
    async fn session_ids_are_stored_hashed_and_old_clear_rows_are_moved() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sessions.db", dir.path().display());
        let store = SqliteStore::connect(&url).await.unwrap();
        let mut record = Record {
            id: Id::default(),
            data: HashMap::from([("user_id".to_owned(), serde_json::json!("1"))]),
            expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
        };
        store.create(&mut record).await.unwrap();
        assert_eq!(keys(&store), [stored_key(&record.id)]);
        assert!(!keys(&store).contains(&record.id.to_string()));

        // A row written before hashing, under the clear id: still signs in, then only the hash.
        let old = Id::default();
        let expires = super::to_micros(record.expiry_date).unwrap();
        let clear = old.to_string();
        store
            .writer
            .run(move |c| {
                c.execute(
                    "INSERT INTO login_sessions (id, data, expires_at) VALUES (?1, ?2, ?3)",
                    rusqlite::params![clear, br#"{"user_id":"2"}"#.to_vec(), expires],
                )
                .map_err(sql_error)
            })
            .await
            .unwrap();
        let loaded = store.load(&old).await.unwrap().expect("the old session");
        assert_eq!(loaded.data["user_id"], "2");
        let now = keys(&store);
        assert!(
            now.contains(&stored_key(&old)) && !now.contains(&old.to_string()),
            "{now:?}"
        );
        store.delete(&old).await.unwrap();
        assert_eq!(keys(&store), [stored_key(&record.id)]);
    }

    /// Rows stored before sessions named their user are tagged by the migration, so that ending
    /// all of a user's sessions ends those too.
    #[tokio::test]
    async fn sessions_stored_before_users_were_named_are_tagged_by_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/old.db", dir.path().display());
        // The migrations before 6, run by sqlx as `SqliteStore::connect` runs them all.
        let pool = sqlx::SqlitePool::connect_with(
            url.parse::<sqlx::sqlite::SqliteConnectOptions>()
                .unwrap()
                .create_if_missing(true),
        )
        .await
        .unwrap();
        let mut before = sqlx::migrate!("./migrations/sqlite");
        before.migrations = before
            .migrations
            .iter()
            .filter(|m| m.version < 6)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        before.run(&pool).await.unwrap();
        pool.close().await;
        let expires = super::to_micros(OffsetDateTime::now_utc() + Duration::hours(1)).unwrap();
        let old = rusqlite::Connection::open(dir.path().join("old.db")).unwrap();
        for (id, data) in [
            ("a", r#"{"user_id":"9"}"#),
            ("b", r#"{"user_id":"10"}"#),
            ("c", "{}"),
        ] {
            old.execute(
                "INSERT INTO login_sessions (id, data, expires_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, data.as_bytes(), expires],
            )
            .unwrap();
        }
        drop(old);

        let store = SqliteStore::connect(&url).await.unwrap();
        assert_eq!(store.delete_user_login_sessions("9").await.unwrap(), 1);
        let mut left = keys(&store);
        left.sort();
        assert_eq!(left, ["b", "c"]);
    }
}
