//! The SQLite backend under test: a fresh database file in its own temporary directory.

use std::sync::Arc;

use server::store::sqlite::SqliteStore;

use crate::store_contract::Backend;

pub async fn make() -> Backend {
    let dir = tempfile::tempdir().expect("temporary directory");
    // A nested path also proves `connect` creates missing parent directories.
    let url = format!("sqlite://{}/data/vip.db", dir.path().display());
    let store = SqliteStore::connect(&url).await.expect("open SQLite store");
    Backend {
        store: Arc::new(store.clone()),
        sessions: server::store::LoginSessions::Sqlite(store),
        _guard: Box::new(dir),
    }
}
