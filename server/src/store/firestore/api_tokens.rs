//! Personal API tokens: `api_tokens/{SHA-256 of the token, hex}`, so the lookup on every request
//! authorised by a token is a read by document id, and one `api_token_owners/{user id}` document
//! per user listing that user's tokens (id and hash).
//!
//! Every change to a user's tokens reads and rewrites the owner document in one optimistic
//! transaction (`tx.rs`): racing creations cannot exceed the per-user limit, and racing
//! revocations of one token have one winner. Listing queries `user_id ==` (an automatic
//! single-field index) and sorts in memory: a user has at most a handful of tokens.

use app::ssr::store::ApiTokenStore;
use app::ssr::{ApiTokenRecord, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use firestore::FirestoreTimestamp;
use serde::{Deserialize, Serialize};

use super::support::{backend, decode, from_ts, key, ts};
use super::tx::transact;
use super::FirestoreStore;

const API_TOKENS: &str = "api_tokens";
const OWNERS: &str = "api_token_owners";

/// `api_tokens/{hash}`.
#[derive(Clone, Serialize, Deserialize)]
struct ApiTokenDoc {
    hash: String,
    id: String,
    user_id: String,
    name: String,
    prefix: String,
    created_at: FirestoreTimestamp,
    last_used_at: Option<FirestoreTimestamp>,
}

impl ApiTokenDoc {
    fn new(t: &ApiTokenRecord) -> StoreResult<Self> {
        Ok(Self {
            hash: t.hash.clone(),
            id: t.id.clone(),
            user_id: t.user_id.clone(),
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            created_at: ts(t.created_at)?,
            last_used_at: t.last_used_at.map(ts).transpose()?,
        })
    }

    fn into_record(self) -> StoreResult<ApiTokenRecord> {
        Ok(ApiTokenRecord {
            created_at: from_ts(self.created_at)?,
            last_used_at: self.last_used_at.map(from_ts).transpose()?,
            hash: self.hash,
            id: self.id,
            user_id: self.user_id,
            name: self.name,
            prefix: self.prefix,
        })
    }
}

/// One of a user's tokens, as the owner document lists it.
#[derive(Clone, Serialize, Deserialize)]
struct OwnedToken {
    id: String,
    hash: String,
}

/// `api_token_owners/{user id}`.
#[derive(Serialize, Deserialize)]
struct OwnerDoc {
    user_id: String,
    tokens: Vec<OwnedToken>,
}

#[async_trait]
impl ApiTokenStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn create_api_token(
        &self,
        token: &ApiTokenRecord,
        max_per_user: u32,
    ) -> StoreResult<bool> {
        let doc = ApiTokenDoc::new(token)?;
        let (owner_id, token_id) = (key(&[&token.user_id]), key(&[&token.hash]));
        transact(&self.db, "create_api_token", |tx| {
            let (owner_id, token_id, doc) = (owner_id.clone(), token_id.clone(), doc.clone());
            Box::pin(async move {
                let owner = tx.get::<OwnerDoc>(OWNERS, &owner_id).await?;
                if tx
                    .get::<ApiTokenDoc>(API_TOKENS, &token_id)
                    .await?
                    .is_some()
                {
                    return Err(
                        StoreError::Conflict("an API token with this hash exists".into()).into(),
                    );
                }
                let mut tokens = owner.map(|o| o.tokens).unwrap_or_default();
                if tokens.iter().any(|t| t.id == doc.id) {
                    return Err(
                        StoreError::Conflict("the user has a token with this id".into()).into(),
                    );
                }
                if tokens.len() >= max_per_user as usize {
                    return Ok(false);
                }
                tokens.push(OwnedToken {
                    id: doc.id.clone(),
                    hash: doc.hash.clone(),
                });
                let owner = OwnerDoc {
                    user_id: doc.user_id.clone(),
                    tokens,
                };
                tx.set(OWNERS, &owner_id, &owner)?;
                tx.set(API_TOKENS, &token_id, &doc)?;
                Ok(true)
            })
        })
        .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn api_token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiTokenRecord>> {
        let doc: Option<ApiTokenDoc> = self.get_doc(API_TOKENS, &key(&[hash])).await?;
        doc.map(ApiTokenDoc::into_record).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn api_tokens(&self, user_id: &str) -> StoreResult<Vec<ApiTokenRecord>> {
        let docs = self
            .db
            .fluent()
            .select()
            .from(API_TOKENS)
            .filter(|q| q.for_all([q.field("user_id").eq(user_id)]))
            .query()
            .await
            .map_err(backend)?;
        let mut tokens = docs
            .iter()
            .map(|d| decode::<ApiTokenDoc>(d)?.into_record())
            .collect::<StoreResult<Vec<_>>>()?;
        tokens.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        Ok(tokens)
    }

    /// Read, then write only a later time, in one transaction: a revocation that lands first
    /// makes the write fail, so a revoked token is never written back.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn touch_api_token(&self, hash: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let at = ts(at)?;
        let token_id = key(&[hash]);
        transact(&self.db, "touch_api_token", |tx| {
            let token_id = token_id.clone();
            Box::pin(async move {
                let Some(mut doc) = tx.get::<ApiTokenDoc>(API_TOKENS, &token_id).await? else {
                    return Ok(false);
                };
                if doc.last_used_at.is_none_or(|last| last.0 < at.0) {
                    doc.last_used_at = Some(at);
                    tx.set(API_TOKENS, &token_id, &doc)?;
                }
                Ok(true)
            })
        })
        .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn revoke_api_token(
        &self,
        user_id: &str,
        id: &str,
    ) -> StoreResult<Option<ApiTokenRecord>> {
        let owner_id = key(&[user_id]);
        transact(&self.db, "revoke_api_token", |tx| {
            let (owner_id, id) = (owner_id.clone(), id.to_owned());
            Box::pin(async move {
                let Some(mut owner) = tx.get::<OwnerDoc>(OWNERS, &owner_id).await? else {
                    return Ok(None);
                };
                let Some(at) = owner.tokens.iter().position(|t| t.id == id) else {
                    return Ok(None);
                };
                let gone = owner.tokens.remove(at);
                let token_id = key(&[&gone.hash]);
                let doc = tx.get::<ApiTokenDoc>(API_TOKENS, &token_id).await?;
                tx.set(OWNERS, &owner_id, &owner)?;
                tx.delete(API_TOKENS, &token_id)?;
                Ok(doc.map(ApiTokenDoc::into_record).transpose()?)
            })
        })
        .await
    }
}
