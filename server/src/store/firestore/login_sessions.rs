//! Login sessions for tower-sessions (`login_sessions/{hash of the session id}`, see
//! [`stored_key`]): the session's data as JSON (never its id), plus its expiry as a timestamp (for a
//! Firestore TTL policy). An expired record is never loaded. A document stored under the clear id
//! (before ids were hashed, with the whole record as `record_json`) is still read, and moved under
//! the hash when it is. Each document names its user (`user_id`), so that all of one user's
//! sessions end together; a document saved before that field existed gains it when it is loaded.

use async_trait::async_trait;
use firestore::FirestoreTimestamp;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

use super::support::{key, LOGIN_SESSIONS};
use super::FirestoreStore;
use crate::store::login_sessions::{login_user, stored_key};

/// Fresh ids tried when a generated session id is already taken.
const CREATE_ATTEMPTS: usize = 5;

#[derive(Serialize, Deserialize)]
struct LoginSessionDoc {
    /// The session's data (`Record::data`) as JSON.
    data_json: String,
    expires_at: FirestoreTimestamp,
    /// Whose session it is ([`login_user`]); absent before the login completes, and in
    /// documents saved before this field existed.
    #[serde(default)]
    user_id: Option<String>,
}

/// A document written before session ids were hashed: the whole record, id included.
#[derive(Serialize, Deserialize)]
struct ClearIdDoc {
    record_json: String,
}

impl LoginSessionDoc {
    fn new(record: &Record) -> Result<Self> {
        let micros = record.expiry_date.unix_timestamp_nanos().div_euclid(1_000);
        let expires_at = i64::try_from(micros)
            .ok()
            .and_then(|us| firestore::jiff::Timestamp::from_microsecond(us).ok())
            .ok_or_else(|| Error::Encode("session expiry is out of range".into()))?;
        Ok(Self {
            data_json: serde_json::to_string(&record.data)
                .map_err(|e| Error::Encode(e.to_string()))?,
            expires_at: FirestoreTimestamp(expires_at),
            user_id: login_user(record).map(str::to_owned),
        })
    }

    fn record(self, id: &Id) -> Result<Record> {
        let nanos = i128::from(self.expires_at.0.as_microsecond()) * 1_000;
        Ok(Record {
            id: *id,
            data: serde_json::from_str(&self.data_json)
                .map_err(|e| Error::Decode(e.to_string()))?,
            expiry_date: OffsetDateTime::from_unix_timestamp_nanos(nanos)
                .map_err(|e| Error::Decode(e.to_string()))?,
        })
    }
}

fn doc_id(id: &Id) -> String {
    key(&[&stored_key(id)])
}

fn clear_doc_id(id: &Id) -> String {
    key(&[&id.to_string()])
}

fn backend(e: app::ssr::StoreError) -> Error {
    Error::Backend(e.to_string())
}

impl FirestoreStore {
    /// Deletes every login session of `user_id`; returns how many went.
    ///
    /// # Errors
    /// When Firestore fails.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn delete_user_login_sessions(&self, user_id: &str) -> anyhow::Result<u64> {
        let docs = self
            .db
            .fluent()
            .select()
            .from(LOGIN_SESSIONS)
            .filter(|q| q.for_all([q.field("user_id").eq(user_id)]))
            .query()
            .await?;
        let mut deleted = 0;
        for doc in &docs {
            let id = doc.name.rsplit('/').next().unwrap_or_default();
            self.delete_doc(LOGIN_SESSIONS, id).await?;
            deleted += 1;
        }
        Ok(deleted)
    }
}

#[async_trait]
impl SessionStore for FirestoreStore {
    /// Creates with the record's id, drawing a new id while that one is taken.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn create(&self, record: &mut Record) -> Result<()> {
        for _ in 0..CREATE_ATTEMPTS {
            let doc = LoginSessionDoc::new(record)?;
            if self
                .create_doc(LOGIN_SESSIONS, &doc_id(&record.id), &doc)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(Error::Backend("no free session id found".into()))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    /// Updates an existing session only: one deleted meanwhile (logged out everywhere, its
    /// authorisation revoked) stays deleted, although the request that loaded it saves it at its
    /// end. New sessions go through [`Self::create`].
    async fn save(&self, record: &Record) -> Result<()> {
        let doc = LoginSessionDoc::new(record)?;
        let fields = ["data_json", "expires_at", "user_id"];
        self.patch_doc(LOGIN_SESSIONS, &doc_id(&record.id), &fields, &doc)
            .await
            .map(drop)
            .map_err(backend)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
        let doc: Option<LoginSessionDoc> = self
            .get_doc(LOGIN_SESSIONS, &doc_id(session_id))
            .await
            .map_err(backend)?;
        let record = match doc {
            Some(doc) if doc.user_id.is_some() => doc.record(session_id)?,
            Some(doc) => {
                // Saved before documents named their user: name it now.
                let record = doc.record(session_id)?;
                if login_user(&record).is_some() {
                    self.save(&record).await?;
                }
                record
            }
            None => {
                let old: Option<ClearIdDoc> = self
                    .get_doc(LOGIN_SESSIONS, &clear_doc_id(session_id))
                    .await
                    .map_err(backend)?;
                let Some(old) = old else {
                    return Ok(None);
                };
                let record: Record = serde_json::from_str(&old.record_json)
                    .map_err(|e| Error::Decode(e.to_string()))?;
                let doc = LoginSessionDoc::new(&record)?;
                self.set_doc(LOGIN_SESSIONS, &doc_id(session_id), &doc)
                    .await
                    .map_err(backend)?;
                self.delete_doc(LOGIN_SESSIONS, &clear_doc_id(session_id))
                    .await
                    .map_err(backend)?;
                record
            }
        };
        Ok((record.expiry_date > OffsetDateTime::now_utc()).then_some(record))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete(&self, session_id: &Id) -> Result<()> {
        for id in [doc_id(session_id), clear_doc_id(session_id)] {
            self.delete_doc(LOGIN_SESSIONS, &id)
                .await
                .map_err(backend)?;
        }
        Ok(())
    }
}
