//! The login-session store handed to tower-sessions: the configured backend's own implementation.
//! Every backend keys a session by [`stored_key`] (a SHA-256 of its id), so whoever reads the
//! database cannot sign in with what they read. Sessions stored under the clear id before this
//! are still read, and moved under the hash when they are. Every backend also records whose session
//! it is ([`login_user`]), so that [`LoginSessions::delete_user`] ends them all at once.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};

use super::{FirestoreStore, SqliteStore};

/// Whose login session this is: the signed-in user's id, `None` before a login completes.
pub fn login_user(record: &Record) -> Option<&str> {
    record
        .data
        .get(app::ssr::auth::LOGIN_USER_ID)
        .and_then(|v| v.as_str())
}

/// The key a session is stored under: the hex SHA-256 of its id (never the id itself).
pub fn stored_key(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

#[derive(Debug, Clone)]
pub enum LoginSessions {
    Sqlite(SqliteStore),
    Firestore(FirestoreStore),
}

impl LoginSessions {
    /// Deletes expired login sessions. Firestore leaves this to a TTL policy on `expires_at`
    /// (see README); expired records are never loaded either way.
    ///
    /// # Errors
    /// When the backend fails.
    pub async fn delete_expired(&self) -> anyhow::Result<u64> {
        match self {
            Self::Sqlite(s) => s.delete_expired_login_sessions().await,
            Self::Firestore(_) => Ok(0),
        }
    }

    /// Ends every login session of `user_id` (in every browser); returns how many ended. A live
    /// stream opened with one of them ends at its next check.
    ///
    /// # Errors
    /// When the backend fails.
    pub async fn delete_user(&self, user_id: &str) -> anyhow::Result<u64> {
        match self {
            Self::Sqlite(s) => s.delete_user_login_sessions(user_id).await,
            Self::Firestore(s) => s.delete_user_login_sessions(user_id).await,
        }
    }

    fn inner(&self) -> &dyn SessionStore {
        match self {
            Self::Sqlite(s) => s,
            Self::Firestore(s) => s,
        }
    }
}

#[async_trait]
impl SessionStore for LoginSessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.inner().create(record).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.inner().save(record).await
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.inner().load(id).await
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.inner().delete(id).await
    }
}
