//! Opens the configured backend.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use app::ssr::Store;
use secrecy::SecretString;

use super::{FirestoreStore, Instance, LoginSessions, SqliteStore};
use crate::config::{Config, DatabaseUrl};
use crate::crypto::TokenCipher;

/// The opened storage: the port, the login-session store, the token cipher, and the name this
/// process holds leases under.
pub struct Storage {
    pub store: Arc<dyn Store>,
    pub sessions: LoginSessions,
    pub cipher: TokenCipher,
    pub instance: Instance,
}

/// Connects to `DATABASE_URL` (creating a SQLite file on first start) and sets up token encryption.
///
/// # Errors
/// When the backend cannot be reached or migrated, or the encryption key is malformed.
pub async fn open(config: &Config) -> anyhow::Result<Storage> {
    let db_file = match &config.database {
        DatabaseUrl::Sqlite(url) => sqlite_path(url),
        DatabaseUrl::Firestore { .. } => None,
    };
    // The database is opened first: a generated key is kept in its directory, which exists now.
    let backend = match &config.database {
        DatabaseUrl::Sqlite(url) => LoginSessions::Sqlite(SqliteStore::connect(url).await?),
        DatabaseUrl::Firestore {
            project_id,
            database_id,
        } => LoginSessions::Firestore(
            FirestoreStore::connect(project_id, database_id.as_deref()).await?,
        ),
    };
    let instance = match (&config.recovery.instance_id, &db_file) {
        (Some(id), _) => Instance::named(id.clone()),
        (None, Some(db)) => Instance::kept_in(&db.with_extension("instance")),
        (None, None) => Instance::fresh(),
    };
    let local_key = db_file.as_ref().map(|db| db.with_extension("key"));
    let key = match (&config.token_key, local_key) {
        (Some(key), _) => key.clone(),
        (None, Some(file)) => local_key_file(&file)?,
        (None, None) => anyhow::bail!("TOKEN_ENCRYPTION_KEY is required for this DATABASE_URL"),
    };
    let cipher = TokenCipher::from_config(&key)?;
    // Channel settings hold a secret too (the Discord webhook URL): sealed with the same keys.
    let (store, sessions): (Arc<dyn Store>, LoginSessions) = match backend {
        LoginSessions::Sqlite(s) => {
            let s = s.with_cipher(cipher.clone());
            (Arc::new(s.clone()), LoginSessions::Sqlite(s))
        }
        LoginSessions::Firestore(s) => {
            let s = s.with_cipher(cipher.clone());
            (Arc::new(s.clone()), LoginSessions::Firestore(s))
        }
    };
    Ok(Storage {
        store,
        sessions,
        cipher,
        instance,
    })
}

/// The file behind a `sqlite://` URL, if it names one.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
}

/// Reads the generated key kept beside a SQLite database, creating it (mode 0600) on first start.
fn local_key_file(path: &Path) -> anyhow::Result<SecretString> {
    if let Ok(key) = std::fs::read_to_string(path) {
        return Ok(SecretString::from(key.trim().to_owned()));
    }
    tracing::warn!(
        file = %path.display(),
        "TOKEN_ENCRYPTION_KEY is not set: generated a key beside the database; set the variable in production"
    );
    let key = TokenCipher::generate_key("local");
    write_private(path, secrecy::ExposeSecret::expose_secret(&key))
        .with_context(|| format!("cannot write the token key file {}", path.display()))?;
    Ok(key)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/vip.db"),
            Some("data/vip.db".into())
        );
        assert_eq!(
            sqlite_path("sqlite:///abs/vip.db?mode=rwc"),
            Some("/abs/vip.db".into())
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[test]
    fn the_local_key_is_created_private_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vip.key");
        let first = local_key_file(&file).unwrap();
        let second = local_key_file(&file).unwrap();
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert!(TokenCipher::from_config(&first).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
