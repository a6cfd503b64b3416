//! The Firestore backend: [`FirestoreStore`] implements the storage port (`app::ssr::Store`) and
//! tower-sessions' `SessionStore` over one Firestore database, for deployments with several
//! instances. Each area of the port is implemented in the file named as the port's
//! (`channels.rs` implements `ChannelStore`, …), login sessions in `login_sessions.rs`. Documents
//! shared by several areas are described in `docs/`; the composite queries (and the index file
//! they need) in `queries.rs`.
//!
//! Uniqueness and compare-and-set rules are enforced by Firestore itself: a create with a
//! document id fails when it exists, and read-check-write steps commit only if nothing they read
//! has changed (optimistic transactions, `tx.rs`).

mod analytics;
mod api_tokens;
mod audit;
mod channels;
mod coordination;
mod docs;
mod inbox;
mod live_events;
mod live_listen;
mod login_sessions;
mod overlay_keys;
mod queries;
mod redemption_attempts;
mod redemptions;
mod rewards;
mod roster;
mod support;
mod tokens;
mod tx;
mod vip_sessions;
mod waitlist;

use app::ssr::{Store, StoreError, StoreResult};
use async_trait::async_trait;
use firestore::{FirestoreDb, FirestoreDbOptions, FirestoreWritePrecondition};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Serialize;

use support::{already_exists, backend, decode, not_found, HEALTH};

/// A Firestore database holding the app's state. Cheap to clone (one shared client).
#[derive(Clone)]
pub struct FirestoreStore {
    db: FirestoreDb,
    /// Seals the Discord webhook URL in channel settings ([`Self::with_cipher`]).
    seal: crate::store::SettingsSeal,
}

impl std::fmt::Debug for FirestoreStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirestoreStore")
            .field("database", self.db.get_database_path())
            .finish()
    }
}

impl FirestoreStore {
    /// Connects to `project_id`'s database (`(default)` unless `database_id` is given), using
    /// the emulator when `FIRESTORE_EMULATOR_HOST` is set and Application Default Credentials
    /// otherwise.
    ///
    /// # Errors
    /// When no credentials are found or the client cannot be built.
    pub async fn connect(project_id: &str, database_id: Option<&str>) -> anyhow::Result<Self> {
        let mut options = FirestoreDbOptions::new(project_id.to_owned());
        if let Some(database_id) = database_id {
            options = options.with_database_id(database_id.to_owned());
        }
        let db = FirestoreDb::with_options(options).await?;
        Ok(Self {
            db,
            seal: crate::store::SettingsSeal::default(),
        })
    }

    /// Seals the secrets in channel settings (the Discord webhook URL) with `cipher`.
    #[must_use]
    pub fn with_cipher(mut self, cipher: crate::crypto::TokenCipher) -> Self {
        self.seal = crate::store::SettingsSeal::new(cipher);
        self
    }

    async fn get_doc<T: DeserializeOwned>(
        &self,
        collection: &str,
        id: &str,
    ) -> StoreResult<Option<T>> {
        let doc = self.db.fluent().select().by_id_in(collection).one(id).await;
        doc.map_err(backend)?.as_ref().map(decode).transpose()
    }

    /// Creates or fully replaces a document.
    async fn set_doc<T>(&self, collection: &str, id: &str, doc: &T) -> StoreResult<()>
    where
        T: Serialize + DeserializeOwned + Sync + Send,
    {
        let update = self.db.fluent().update().in_col(collection).document_id(id);
        update
            .object(doc)
            .execute::<IgnoredAny>()
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Creates a document; `false` when one with this id exists.
    async fn create_doc<T>(&self, collection: &str, id: &str, doc: &T) -> StoreResult<bool>
    where
        T: Serialize + DeserializeOwned + Sync + Send,
    {
        let insert = self.db.fluent().insert().into(collection).document_id(id);
        match insert.object(doc).execute::<IgnoredAny>().await {
            Ok(_) => Ok(true),
            Err(e) if already_exists(&e) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }

    /// Overwrites `fields` of an existing document; `false` when there is no such document.
    async fn patch_doc<T>(
        &self,
        collection: &str,
        id: &str,
        fields: &[&str],
        doc: &T,
    ) -> StoreResult<bool>
    where
        T: Serialize + DeserializeOwned + Sync + Send,
    {
        let update = self.db.fluent().update().fields(fields.iter().copied());
        let update = update
            .in_col(collection)
            .precondition(FirestoreWritePrecondition::Exists(true))
            .document_id(id);
        match update.object(doc).execute::<IgnoredAny>().await {
            Ok(_) => Ok(true),
            Err(e) if not_found(&e) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }

    async fn delete_doc(&self, collection: &str, id: &str) -> StoreResult<()> {
        let delete = self.db.fluent().delete().from(collection).document_id(id);
        delete.execute().await.map_err(backend)
    }
}

#[async_trait]
impl Store for FirestoreStore {
    fn backend(&self) -> &'static str {
        "firestore"
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn ping(&self) -> StoreResult<()> {
        self.get_doc::<IgnoredAny>(HEALTH, "ping").await.map(drop)
    }
}

/// Maps a contract violation by the caller that has no better variant.
fn refused(what: &str) -> StoreError {
    StoreError::Conflict(what.to_owned())
}
