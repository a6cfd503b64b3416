//! The durable EventSub inbox: `inbox/{message id}`, created once (a create fails when the id
//! exists, so of racing writers exactly one stores), `pending` until processed. A processed
//! document gets `expires_at` (processed + the retention), so the shared purge deletes it and a
//! TTL policy on that field can as well; pending documents have none and are never purged.

use app::model::ChannelId;
use app::ssr::store::{InboxMessage, InboxStore, INBOX_RETENTION};
use app::ssr::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use firestore::FirestoreTimestamp;
use serde::{Deserialize, Serialize};

use super::queries::INBOX_PENDING;
use super::support::{backend, decode, from_ts, key, plus, ts};
use super::tx::transact;
use super::FirestoreStore;

pub(super) const INBOX: &str = "inbox";

/// `inbox/{message id}`.
#[derive(Clone, Serialize, Deserialize)]
struct InboxDoc {
    message_id: String,
    channel_id: String,
    received_at: FirestoreTimestamp,
    payload: String,
    pending: bool,
    #[serde(default)]
    processed_at: Option<FirestoreTimestamp>,
    #[serde(default)]
    expires_at: Option<FirestoreTimestamp>,
}

impl InboxDoc {
    fn new(m: &InboxMessage) -> StoreResult<Self> {
        Ok(Self {
            message_id: m.message_id.clone(),
            channel_id: m.channel_id.0.clone(),
            received_at: ts(m.received_at)?,
            payload: m.payload.clone(),
            pending: true,
            processed_at: None,
            expires_at: None,
        })
    }

    fn into_message(self) -> StoreResult<InboxMessage> {
        Ok(InboxMessage {
            received_at: from_ts(self.received_at)?,
            message_id: self.message_id,
            channel_id: ChannelId(self.channel_id),
            payload: self.payload,
        })
    }
}

#[async_trait]
impl InboxStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn inbox_put(&self, message: &InboxMessage) -> StoreResult<bool> {
        let doc = InboxDoc::new(message)?;
        self.create_doc(INBOX, &key(&[&message.message_id]), &doc)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn inbox_pending(
        &self,
        channel: &ChannelId,
        limit: u32,
    ) -> StoreResult<Vec<InboxMessage>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let docs = INBOX_PENDING
            .select(&self.db, vec![channel.as_str().into(), true.into()], None)
            .limit(limit)
            .query()
            .await
            .map_err(backend)?;
        docs.iter()
            .map(|d| decode::<InboxDoc>(d)?.into_message())
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn inbox_channels(&self, limit: u32) -> StoreResult<Vec<ChannelId>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // One channel may hold many pending messages: read a few per wanted channel.
        let docs = self
            .db
            .fluent()
            .select()
            .from(INBOX)
            .filter(|q| q.for_all([q.field("pending").eq(true)]))
            .limit(limit.saturating_mul(8))
            .query()
            .await
            .map_err(backend)?;
        let mut channels = Vec::new();
        for doc in &docs {
            let id = ChannelId(decode::<InboxDoc>(doc)?.channel_id);
            if !channels.contains(&id) {
                channels.push(id);
            }
        }
        channels.truncate(limit as usize);
        Ok(channels)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn inbox_done(&self, message_id: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let id = key(&[message_id]);
        let processed_at = ts(at)?;
        let expires_at = ts(plus(at, INBOX_RETENTION)?)?;
        transact(&self.db, "inbox_done", |tx| {
            let id = id.clone();
            Box::pin(async move {
                let Some(mut doc) = tx.get::<InboxDoc>(INBOX, &id).await? else {
                    return Ok(false);
                };
                if doc.pending {
                    doc.pending = false;
                    doc.processed_at = Some(processed_at);
                    doc.expires_at = Some(expires_at);
                    tx.set(INBOX, &id, &doc)?;
                }
                Ok(true)
            })
        })
        .await
    }
}
