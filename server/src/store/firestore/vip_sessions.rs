//! VIP sessions (`sessions/{id}`) and the one-active-session guard
//! (`active_vips/{channel}_{viewer}`), which is created in the transaction that stores an active
//! session and deleted in the transaction that ends it.

use app::model::{ChannelId, SessionState, VipSession};
use app::ssr::store::VipSessionStore;
use app::ssr::{ActiveWith, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use firestore::{FirestoreDocument, FirestoreTimestamp};
use serde::de::IgnoredAny;

use super::docs::{ActiveVipDoc, SessionDoc};
use super::queries::{Range, ACTIVE_BY_DEADLINE, ACTIVE_FOR_VIEWER, ACTIVE_IN_CHANNEL};
use super::support::{backend, decode, from_ts, key, stored_precision, ts, ACTIVE_VIPS, SESSIONS};
use super::tx::transact;
use super::{refused, FirestoreStore};

const ACTIVE: &str = "active";

/// Firestore's earliest timestamp (0001-01-01): a lower bound that matches every deadline but
/// no missing one.
const EARLIEST_SECOND: i64 = -62_135_596_800;

fn sessions(docs: &[FirestoreDocument]) -> StoreResult<Vec<VipSession>> {
    docs.iter()
        .map(|d| decode::<SessionDoc>(d)?.into_session())
        .collect()
}

/// The compare of the compare-and-set: still active, with the expected deadline (compared at
/// the precision Firestore stores).
fn still(doc: &SessionDoc, expected: Option<DateTime<Utc>>) -> StoreResult<bool> {
    Ok(
        doc.state()? == SessionState::Active
            && doc.expires_at.map(from_ts).transpose()? == expected,
    )
}

#[async_trait]
impl VipSessionStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_session(&self, session: &VipSession) -> StoreResult<()> {
        let doc = SessionDoc::new(session)?;
        let id = key(&[&session.id]);
        let guard_id = key(&[&session.channel_id.0, &session.viewer.id]);
        let active = session.state == SessionState::Active;
        transact(&self.db, "insert_session", |tx| {
            let (doc, id, guard_id) = (doc.clone(), id.clone(), guard_id.clone());
            Box::pin(async move {
                if tx.get::<IgnoredAny>(SESSIONS, &id).await?.is_some() {
                    return Err(refused(&format!("session {} exists", doc.id)).into());
                }
                if active {
                    if let Some(guard) = tx.get::<ActiveVipDoc>(ACTIVE_VIPS, &guard_id).await? {
                        // Normally the guard is gone once its session ends; check anyway.
                        let holder: Option<SessionDoc> =
                            tx.get(SESSIONS, &key(&[&guard.session_id])).await?;
                        if let Some(holder) = holder {
                            if holder.state()? == SessionState::Active {
                                return Err(refused(&format!(
                                    "viewer {} already has active session {} in channel {}",
                                    doc.viewer_id, holder.id, doc.channel_id
                                ))
                                .into());
                            }
                        }
                    }
                    let guard = ActiveVipDoc {
                        session_id: doc.id.clone(),
                        channel_id: doc.channel_id.clone(),
                        viewer_id: doc.viewer_id.clone(),
                    };
                    tx.set(ACTIVE_VIPS, &guard_id, &guard)?;
                }
                tx.set(SESSIONS, &id, &doc)?;
                Ok(())
            })
        })
        .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn session(&self, id: &str) -> StoreResult<Option<VipSession>> {
        let doc: Option<SessionDoc> = self.get_doc(SESSIONS, &key(&[id])).await?;
        doc.map(SessionDoc::into_session).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn active_session(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> StoreResult<Option<VipSession>> {
        let equal = vec![channel.as_str().into(), viewer_id.into(), ACTIVE.into()];
        let docs = ACTIVE_FOR_VIEWER.select(&self.db, equal, None).limit(1);
        let docs = docs.query().await.map_err(backend)?;
        Ok(sessions(&docs)?.into_iter().next())
    }

    /// Sorted here: a channel's active sessions are bounded by its VIP slots.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn active_sessions(&self, channel: &ChannelId) -> StoreResult<Vec<VipSession>> {
        let equal = vec![channel.as_str().into(), ACTIVE.into()];
        let docs = ACTIVE_IN_CHANNEL
            .select(&self.db, equal, None)
            .query()
            .await;
        let mut active = sessions(&docs.map_err(backend)?)?;
        active.sort_by(|a, b| {
            let deadline = |s: &VipSession| (s.expires_at.is_none(), s.expires_at);
            deadline(a)
                .cmp(&deadline(b))
                .then(a.granted_at.cmp(&b.granted_at))
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(active)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn due_sessions(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<VipSession>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let due = Range::AtMost(ts(now)?.into());
        let query = ACTIVE_BY_DEADLINE.select(&self.db, vec![ACTIVE.into()], Some(due));
        sessions(&query.limit(limit).query().await.map_err(backend)?)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn next_deadline(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let earliest = firestore::jiff::Timestamp::from_second(EARLIEST_SECOND)
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let any = Range::AtLeast(FirestoreTimestamp(earliest).into());
        let query = ACTIVE_BY_DEADLINE.select(&self.db, vec![ACTIVE.into()], Some(any));
        let docs = query.limit(1).query().await.map_err(backend)?;
        Ok(sessions(&docs)?
            .into_iter()
            .next()
            .and_then(|s| s.expires_at))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_deadline(
        &self,
        id: &str,
        expected: ActiveWith,
        to: Option<DateTime<Utc>>,
    ) -> StoreResult<bool> {
        let expected = expected.expires_at.map(stored_precision).transpose()?;
        let new_expires_at = to.map(ts).transpose()?;
        let id = key(&[id]);
        transact(&self.db, "set_deadline", |tx| {
            let id = id.clone();
            Box::pin(async move {
                let Some(mut doc) = tx.get::<SessionDoc>(SESSIONS, &id).await? else {
                    return Ok(false);
                };
                if !still(&doc, expected)? {
                    return Ok(false);
                }
                doc.expires_at = new_expires_at;
                tx.set(SESSIONS, &id, &doc)?;
                Ok(true)
            })
        })
        .await
    }

    /// Read, compare and write in one transaction, as [`Self::set_deadline`].
    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_untimed(
        &self,
        id: &str,
        expected: ActiveWith,
        metadata: &serde_json::Value,
    ) -> StoreResult<bool> {
        let expected = expected.expires_at.map(stored_precision).transpose()?;
        let metadata_json = metadata.to_string();
        let id = key(&[id]);
        transact(&self.db, "set_untimed", |tx| {
            let id = id.clone();
            let metadata_json = metadata_json.clone();
            Box::pin(async move {
                let Some(mut doc) = tx.get::<SessionDoc>(SESSIONS, &id).await? else {
                    return Ok(false);
                };
                if !still(&doc, expected)? {
                    return Ok(false);
                }
                doc.expires_at = None;
                doc.metadata_json = metadata_json;
                tx.set(SESSIONS, &id, &doc)?;
                Ok(true)
            })
        })
        .await
    }

    /// Ending into `Active` is a caller bug and refused with [`StoreError::Conflict`].
    #[tracing::instrument(level = "debug", skip_all)]
    async fn end_session(
        &self,
        id: &str,
        expected: ActiveWith,
        to: SessionState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        if to == SessionState::Active {
            return Err(refused("a session cannot be ended into the active state"));
        }
        let expected = expected.expires_at.map(stored_precision).transpose()?;
        let at = ts(at)?;
        let id = key(&[id]);
        transact(&self.db, "end_session", |tx| {
            let id = id.clone();
            Box::pin(async move {
                let Some(mut doc) = tx.get::<SessionDoc>(SESSIONS, &id).await? else {
                    return Ok(false);
                };
                if !still(&doc, expected)? {
                    return Ok(false);
                }
                let guard_id = key(&[&doc.channel_id, &doc.viewer_id]);
                let guard: Option<ActiveVipDoc> = tx.get(ACTIVE_VIPS, &guard_id).await?;
                if guard.is_some_and(|g| g.session_id == doc.id) {
                    tx.delete(ACTIVE_VIPS, &guard_id)?;
                }
                doc.state = to.as_str().to_owned();
                doc.ended_at = Some(at);
                tx.set(SESSIONS, &id, &doc)?;
                Ok(true)
            })
        })
        .await
    }
}
