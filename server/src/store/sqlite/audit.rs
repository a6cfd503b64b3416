//! The activity log: appends and keyset-paginated reads, newest first by `(at, id)`.

use app::model::{AuditCursor, AuditEntry, AuditPage, AuditQuery, ChannelId, Viewer};
use app::ssr::store::AuditStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::codec::{from_json, micros, owned_values, sql_error, time, to_json};
use super::readers::all;
use super::SqliteStore;

pub(super) struct AuditRow {
    id: String,
    channel_id: String,
    at: i64,
    action: String,
    actor: String,
    target_viewer_id: Option<String>,
    target_login: Option<String>,
    target_display_name: Option<String>,
    metadata: String,
}

/// The columns of an [`AuditRow`], in the order [`AuditRow::from_row`] reads them: a literal, so
/// that the statements naming them are constants (`concat!`).
macro_rules! audit_columns {
    () => {
        "id, channel_id, at, action, actor, target_viewer_id, target_login, target_display_name,
         metadata"
    };
}
pub(super) use audit_columns;

/// An entry's insert, on the writer's connection.
const INSERT: &str = concat!(
    "INSERT INTO audit_log (",
    audit_columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
);

impl AuditRow {
    /// The row as selected by [`audit_columns`].
    pub(super) fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            channel_id: row.get(1)?,
            at: row.get(2)?,
            action: row.get(3)?,
            actor: row.get(4)?,
            target_viewer_id: row.get(5)?,
            target_login: row.get(6)?,
            target_display_name: row.get(7)?,
            metadata: row.get(8)?,
        })
    }
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<Self, Self::Error> {
        let target = match (
            row.target_viewer_id,
            row.target_login,
            row.target_display_name,
        ) {
            (Some(id), Some(login), Some(display_name)) => Some(Viewer {
                id,
                login,
                display_name,
            }),
            (None, None, None) => None,
            _ => return Err(StoreError::Corrupt("audit target is incomplete".into())),
        };
        Ok(AuditEntry {
            id: row.id,
            channel_id: ChannelId(row.channel_id),
            at: time(row.at)?,
            action: row.action.parse().map_err(StoreError::Corrupt)?,
            actor: from_json(&row.actor, "audit actor")?,
            target,
            metadata: from_json(&row.metadata, "audit metadata")?,
        })
    }
}

#[async_trait]
impl AuditStore for SqliteStore {
    /// A duplicate id violates the primary key and is reported as [`StoreError::Conflict`]. The
    /// analytics counters are updated in the same transaction.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        let target = entry.target.as_ref();
        let values = owned_values(&[
            &entry.id,
            &entry.channel_id.as_str(),
            &micros(entry.at),
            &entry.action.as_str(),
            &to_json(&entry.actor, "audit actor")?,
            &target.map(|v| v.id.as_str()),
            &target.map(|v| v.login.as_str()),
            &target.map(|v| v.display_name.as_str()),
            &to_json(&entry.metadata, "audit metadata")?,
        ])?;
        let entry = entry.clone();
        // One writer job: the counters read for the entry cannot change until the commit, and a
        // failure keeps neither the entry nor its counts.
        self.writer
            .run(move |conn| {
                conn.prepare_cached(INSERT)
                    .and_then(|mut insert| insert.execute(params_from_iter(values)))
                    .map_err(sql_error)?;
                super::analytics::count_appended(conn, &entry)
            })
            .await
    }

    /// Filters on the target viewer; the indexes `audit_by_channel`, `audit_by_action` and
    /// `audit_by_viewer` all end in `(at DESC, id DESC)`, so every variant is an index walk.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn audit_page(&self, channel: &ChannelId, query: &AuditQuery) -> StoreResult<AuditPage> {
        let limit = query.limit as usize;
        let (sql, values) = page_query(channel, query);
        let read = move |c: &rusqlite::Connection| {
            all(c, &sql, params_from_iter(values), AuditRow::from_row)
        };
        let rows = if query.action.is_some() && query.viewer_id.is_some() {
            // One index serves one of the two filters; the other is checked row by row, so the
            // walk is not bounded by the LIMIT.
            self.reads.read_long(read).await?
        } else {
            self.reads.read(read)?
        };
        let more = rows.len() > limit;
        let entries = rows
            .into_iter()
            .take(limit)
            .map(AuditEntry::try_from)
            .collect::<StoreResult<Vec<_>>>()?;
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

/// The page's query and its parameters, in the order of its `?`s: the filters that are set, the
/// cursor, and one row more than `limit`. Values are only ever bound, never written into the SQL.
pub(super) fn page_query(channel: &ChannelId, query: &AuditQuery) -> (String, Vec<Value>) {
    let mut sql = String::from(concat!(
        "SELECT ",
        audit_columns!(),
        " FROM audit_log WHERE channel_id = ?"
    ));
    let mut values = vec![Value::Text(channel.as_str().to_owned())];
    if let Some(action) = query.action {
        sql.push_str(" AND action = ?");
        values.push(Value::Text(action.as_str().to_owned()));
    }
    if let Some(viewer_id) = &query.viewer_id {
        sql.push_str(" AND target_viewer_id = ?");
        values.push(Value::Text(viewer_id.clone()));
    }
    if let Some(before) = &query.before {
        sql.push_str(" AND (at, id) < (?, ?)");
        values.push(Value::Integer(micros(before.at)));
        values.push(Value::Text(before.id.clone()));
    }
    // One extra row tells whether an older page exists.
    sql.push_str(" ORDER BY at DESC, id DESC LIMIT ?");
    values.push(Value::Integer(i64::from(query.limit) + 1));
    (sql, values)
}
