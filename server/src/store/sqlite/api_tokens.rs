//! Personal API tokens (`api_tokens`): stored by the SHA-256 digest of the token, the primary key
//! every authenticated API request looks up. Each operation is one statement: the per-user limit
//! is checked by the insert itself, and a revocation deletes and returns the row at once.

use app::ssr::store::ApiTokenStore;
use app::ssr::{ApiTokenRecord, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use rusqlite::OptionalExtension;

use super::codec::{micros, opt_micros, opt_time, sql_error, time};
use super::readers::{all, one};
use super::SqliteStore;

struct ApiTokenRow {
    hash: String,
    id: String,
    user_id: String,
    name: String,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl ApiTokenRow {
    /// The row as [`BY_HASH`], [`BY_USER`] and the revocation select it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            hash: row.get(0)?,
            id: row.get(1)?,
            user_id: row.get(2)?,
            name: row.get(3)?,
            prefix: row.get(4)?,
            created_at: row.get(5)?,
            last_used_at: row.get(6)?,
        })
    }
}

impl TryFrom<ApiTokenRow> for ApiTokenRecord {
    type Error = app::ssr::StoreError;

    fn try_from(row: ApiTokenRow) -> Result<Self, Self::Error> {
        Ok(ApiTokenRecord {
            hash: row.hash,
            id: row.id,
            user_id: row.user_id,
            name: row.name,
            prefix: row.prefix,
            created_at: time(row.created_at)?,
            last_used_at: opt_time(row.last_used_at)?,
        })
    }
}

/// The lookup on every request authorised by a token: the primary key.
pub(super) const BY_HASH: &str = "SELECT hash, id, user_id, name, prefix, created_at, last_used_at
     FROM api_tokens WHERE hash = ?1";

/// A user's tokens, newest first: an index walk without a sort.
pub(super) const BY_USER: &str = "SELECT hash, id, user_id, name, prefix, created_at, last_used_at
     FROM api_tokens WHERE user_id = ?1 ORDER BY created_at DESC, id DESC";

#[async_trait]
impl ApiTokenStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn create_api_token(
        &self,
        token: &ApiTokenRecord,
        max_per_user: u32,
    ) -> StoreResult<bool> {
        // A writing statement takes SQLite's write lock before it reads, so the count and the
        // insert cannot interleave with another writer.
        let done = self
            .writer
            .execute(
                "INSERT INTO api_tokens (hash, id, user_id, name, prefix, created_at, last_used_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
                 WHERE (SELECT COUNT(*) FROM api_tokens WHERE user_id = ?3) < ?8",
                &[
                    &token.hash,
                    &token.id,
                    &token.user_id,
                    &token.name,
                    &token.prefix,
                    &micros(token.created_at),
                    &opt_micros(token.last_used_at),
                    &i64::from(max_per_user),
                ],
            )
            .await?;
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn api_token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiTokenRecord>> {
        self.reads
            .read(|c| one(c, BY_HASH, [hash], ApiTokenRow::from_row))?
            .map(ApiTokenRecord::try_from)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn api_tokens(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>> {
        self.reads
            .read(|c| all(c, BY_USER, [user_id], ApiTokenRow::from_row))?
            .into_iter()
            .map(ApiTokenRecord::try_from)
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn touch_api_token(&self, hash: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "UPDATE api_tokens SET last_used_at = max(coalesce(last_used_at, ?2), ?2)
                 WHERE hash = ?1",
                &[&hash, &micros(at)],
            )
            .await?;
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn revoke_api_token(
        &self,
        user_id: &str,
        id: &str,
    ) -> StoreResult<Option<ApiTokenRecord>> {
        let (user_id, id) = (user_id.to_owned(), id.to_owned());
        self.writer
            .run(move |conn| {
                conn.prepare_cached(
                    "DELETE FROM api_tokens WHERE user_id = ?1 AND id = ?2
                     RETURNING hash, id, user_id, name, prefix, created_at, last_used_at",
                )
                .and_then(|mut revoke| {
                    revoke
                        .query_row([&user_id, &id], ApiTokenRow::from_row)
                        .optional()
                })
                .map_err(sql_error)
            })
            .await?
            .map(ApiTokenRecord::try_from)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::super::query_plans::{assert_walks_without_sorting, plan};
    use super::*;

    #[tokio::test]
    async fn token_lookups_read_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/tokens.db", dir.path().display());
        let store = SqliteStore::connect(&url).await.unwrap();
        let by_hash = plan(&store, BY_HASH);
        assert!(
            by_hash.contains("USING INDEX sqlite_autoindex_api_tokens_1"),
            "{by_hash}"
        );
        assert_walks_without_sorting(&store, BY_USER, "api_tokens_by_user");
    }
}
