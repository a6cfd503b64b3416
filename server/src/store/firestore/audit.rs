//! The activity log (`audit/{entry id}`): appends and keyset-paginated pages, newest first.

use app::model::{AuditCursor, AuditEntry, AuditPage, AuditQuery, ChannelId};
use app::ssr::store::AuditStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use firestore::{FirestoreQueryCursor, FirestoreValue};
use serde::de::IgnoredAny;

use super::docs::AuditDoc;
use super::queries::AUDIT_PAGES;
use super::support::{backend, decode, key, ts, AUDIT};
use super::tx::transact;
use super::{refused, FirestoreStore};

#[async_trait]
impl AuditStore for FirestoreStore {
    /// Entry ids are unique: appending one twice is refused with `Conflict`. The analytics
    /// counters are updated in the same transaction.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        let id = key(&[&entry.id]);
        transact(&self.db, "append_audit", |tx| {
            let (entry, id) = (entry.clone(), id.clone());
            Box::pin(async move {
                if tx.get::<IgnoredAny>(AUDIT, &id).await?.is_some() {
                    return Err(refused(&format!("audit entry {} exists", entry.id)).into());
                }
                tx.set(AUDIT, &id, &AuditDoc::new(&entry)?)?;
                super::analytics::count_written(tx, &entry).await
            })
        })
        .await
    }

    /// Ordered by (`at`, `id`) descending and continued strictly after the cursor; one extra
    /// entry is fetched to learn whether an older page exists.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn audit_page(&self, channel: &ChannelId, query: &AuditQuery) -> StoreResult<AuditPage> {
        if query.limit == 0 {
            return Ok(AuditPage {
                entries: Vec::new(),
                next: None,
            });
        }
        let shape = &AUDIT_PAGES[usize::from(query.action.is_some())]
            [usize::from(query.viewer_id.is_some())];
        let mut equal: Vec<FirestoreValue> = vec![channel.as_str().into()];
        equal.extend(query.action.map(|a| a.as_str().into()));
        equal.extend(query.viewer_id.as_deref().map(|v| v.into()));
        let mut select = shape
            .select(&self.db, equal, None)
            .limit(query.limit.saturating_add(1));
        if let Some(before) = &query.before {
            let at: FirestoreValue = ts(before.at)?.into();
            select = select.start_at(FirestoreQueryCursor::AfterValue(vec![
                at,
                before.id.as_str().into(),
            ]));
        }
        let docs = select.query().await.map_err(backend)?;
        let mut entries = docs
            .iter()
            .map(|d| decode::<AuditDoc>(d)?.into_entry())
            .collect::<StoreResult<Vec<_>>>()?;
        let more = entries.len() > query.limit as usize;
        entries.truncate(query.limit as usize);
        let next = match entries.last() {
            Some(last) if more => Some(AuditCursor {
                at: last.at,
                id: last.id.clone(),
            }),
            _ => None,
        };
        Ok(AuditPage { entries, next })
    }
}
