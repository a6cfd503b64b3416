//! Login sessions for tower-sessions: one row per session, the data as JSON, the expiry in
//! microseconds. Expired rows are never loaded and are removed by
//! [`SqliteStore::delete_expired_login_sessions`].

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions::SessionStore;

use super::SqliteStore;

fn backend(e: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(super::codec::db_error(e).to_string())
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

fn encode(record: &Record) -> session_store::Result<(String, Vec<u8>, i64)> {
    let data = serde_json::to_vec(&record.data)
        .map_err(|e| session_store::Error::Encode(format!("session data: {e}")))?;
    Ok((record.id.to_string(), data, to_micros(record.expiry_date)?))
}

impl SqliteStore {
    /// Deletes login sessions whose expiry has passed; returns how many went.
    ///
    /// # Errors
    /// When the database fails.
    #[tracing::instrument(skip_all)]
    pub async fn delete_expired_login_sessions(&self) -> anyhow::Result<u64> {
        let done = sqlx::query("DELETE FROM login_sessions WHERE expires_at <= ?1")
            .bind(now_micros()?)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl SessionStore for SqliteStore {
    /// Inserts under a fresh id, drawing a new one while the id is taken.
    #[tracing::instrument(skip_all)]
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let (id, data, expires_at) = encode(record)?;
            let done = sqlx::query(
                "INSERT INTO login_sessions (id, data, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(data)
            .bind(expires_at)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    #[tracing::instrument(skip_all)]
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (id, data, expires_at) = encode(record)?;
        sqlx::query(
            "INSERT INTO login_sessions (id, data, expires_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(id)
        .bind(data)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(Vec<u8>, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM login_sessions WHERE id = ?1 AND expires_at > ?2",
        )
        .bind(session_id.to_string())
        .bind(now_micros()?)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *session_id,
            data: serde_json::from_slice(&data)
                .map_err(|e| session_store::Error::Decode(format!("session data: {e}")))?,
            expiry_date: from_micros(expires_at)?,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM login_sessions WHERE id = ?1")
            .bind(session_id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
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
