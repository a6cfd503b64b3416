//! Login sessions for tower-sessions (`login_sessions/{session id}`): the record as JSON, plus
//! its expiry as a timestamp (for a Firestore TTL policy). An expired record is never loaded.

use async_trait::async_trait;
use firestore::FirestoreTimestamp;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

use super::support::{key, LOGIN_SESSIONS};
use super::FirestoreStore;

/// Fresh ids tried when a generated session id is already taken.
const CREATE_ATTEMPTS: usize = 5;

#[derive(Serialize, Deserialize)]
struct LoginSessionDoc {
    record_json: String,
    expires_at: FirestoreTimestamp,
}

impl LoginSessionDoc {
    fn new(record: &Record) -> Result<Self> {
        let micros = record.expiry_date.unix_timestamp_nanos().div_euclid(1_000);
        let expires_at = i64::try_from(micros)
            .ok()
            .and_then(|us| firestore::jiff::Timestamp::from_microsecond(us).ok())
            .ok_or_else(|| Error::Encode("session expiry is out of range".into()))?;
        Ok(Self {
            record_json: serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?,
            expires_at: FirestoreTimestamp(expires_at),
        })
    }
}

fn doc_id(id: &Id) -> String {
    key(&[&id.to_string()])
}

fn backend(e: app::ssr::StoreError) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for FirestoreStore {
    /// Creates with the record's id, drawing a new id while that one is taken.
    #[tracing::instrument(skip_all)]
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

    #[tracing::instrument(skip_all)]
    async fn save(&self, record: &Record) -> Result<()> {
        let doc = LoginSessionDoc::new(record)?;
        self.set_doc(LOGIN_SESSIONS, &doc_id(&record.id), &doc)
            .await
            .map_err(backend)
    }

    #[tracing::instrument(skip_all)]
    async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
        let doc: Option<LoginSessionDoc> = self
            .get_doc(LOGIN_SESSIONS, &doc_id(session_id))
            .await
            .map_err(backend)?;
        let Some(doc) = doc else {
            return Ok(None);
        };
        let record: Record =
            serde_json::from_str(&doc.record_json).map_err(|e| Error::Decode(e.to_string()))?;
        Ok((record.expiry_date > OffsetDateTime::now_utc()).then_some(record))
    }

    #[tracing::instrument(skip_all)]
    async fn delete(&self, session_id: &Id) -> Result<()> {
        self.delete_doc(LOGIN_SESSIONS, &doc_id(session_id))
            .await
            .map_err(backend)
    }
}
