//! VIP sessions: the one-active-per-viewer rule (a partial unique index), the sweeper's indexed
//! queries, and compare-and-set moves done as single conditional `UPDATE`s.

use app::model::{ChannelId, SessionState, Viewer, VipSession};
use app::ssr::store::VipSessionStore;
use app::ssr::{ActiveWith, StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::codec::{from_json, from_name, micros, opt_micros, opt_time, time, to_json, to_name};
use super::readers::{all, one};
use super::SqliteStore;

struct SessionRow {
    id: String,
    channel_id: String,
    viewer_id: String,
    viewer_login: String,
    viewer_display_name: String,
    source: String,
    granted_by: String,
    granted_at: i64,
    expires_at: Option<i64>,
    state: String,
    ended_at: Option<i64>,
    redemption_id: Option<String>,
    metadata: String,
}

impl SessionRow {
    /// The row as [`select_session`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            channel_id: row.get(1)?,
            viewer_id: row.get(2)?,
            viewer_login: row.get(3)?,
            viewer_display_name: row.get(4)?,
            source: row.get(5)?,
            granted_by: row.get(6)?,
            granted_at: row.get(7)?,
            expires_at: row.get(8)?,
            state: row.get(9)?,
            ended_at: row.get(10)?,
            redemption_id: row.get(11)?,
            metadata: row.get(12)?,
        })
    }
}

impl TryFrom<SessionRow> for VipSession {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> Result<Self, Self::Error> {
        Ok(VipSession {
            id: row.id,
            channel_id: ChannelId(row.channel_id),
            viewer: Viewer {
                id: row.viewer_id,
                login: row.viewer_login,
                display_name: row.viewer_display_name,
            },
            source: from_name(&row.source, "session source")?,
            granted_by: from_json(&row.granted_by, "session granted_by")?,
            granted_at: time(row.granted_at)?,
            expires_at: opt_time(row.expires_at)?,
            state: row.state.parse().map_err(StoreError::Corrupt)?,
            ended_at: opt_time(row.ended_at)?,
            redemption_id: row.redemption_id,
            metadata: from_json(&row.metadata, "session metadata")?,
        })
    }
}

macro_rules! select_session {
    ($tail:literal) => {
        concat!(
            "SELECT id, channel_id, viewer_id, viewer_login, viewer_display_name, source,
                    granted_by, granted_at, expires_at, state, ended_at, redemption_id, metadata
             FROM vip_sessions ",
            $tail
        )
    };
}

/// A channel's active sessions, read from the partial index `vip_sessions_active_order` in its
/// own order: soonest deadline first, those without one last.
pub(super) const ACTIVE: &str = select_session!(
    "WHERE channel_id = ?1 AND state = 'active' ORDER BY expires_at IS NULL, expires_at, id"
);

/// Due sessions, read from the partial index `vip_sessions_due` in its own order.
pub(super) const DUE: &str = select_session!(
    "WHERE state = 'active' AND expires_at IS NOT NULL AND expires_at <= ?1
     ORDER BY expires_at, id LIMIT ?2"
);

/// The first entry of the partial index `vip_sessions_due`.
pub(super) const NEXT_DEADLINE: &str = "SELECT min(expires_at) FROM vip_sessions
     WHERE state = 'active' AND expires_at IS NOT NULL";

fn decode_all(rows: Vec<SessionRow>) -> StoreResult<Vec<VipSession>> {
    rows.into_iter().map(VipSession::try_from).collect()
}

#[async_trait]
impl VipSessionStore for SqliteStore {
    /// A duplicate id or a second active session for the viewer violates a unique index, which
    /// [`sql_error`](super::codec::sql_error) reports as [`StoreError::Conflict`].
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_session(&self, session: &VipSession) -> StoreResult<()> {
        let values: [&(dyn rusqlite::ToSql + Sync); 13] = [
            &session.id,
            &session.channel_id.as_str(),
            &session.viewer.id,
            &session.viewer.login,
            &session.viewer.display_name,
            &to_name(&session.source, "session source")?,
            &to_json(&session.granted_by, "session granted_by")?,
            &micros(session.granted_at),
            &opt_micros(session.expires_at),
            &session.state.as_str(),
            &opt_micros(session.ended_at),
            &session.redemption_id.as_deref(),
            &to_json(&session.metadata, "session metadata")?,
        ];
        self.writer
            .execute(
                "INSERT INTO vip_sessions (id, channel_id, viewer_id, viewer_login,
                                           viewer_display_name, source, granted_by, granted_at,
                                           expires_at, state, ended_at, redemption_id, metadata)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                &values,
            )
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn session(&self, id: &str) -> StoreResult<Option<VipSession>> {
        self.reads
            .read(|c| {
                one(
                    c,
                    select_session!("WHERE id = ?1"),
                    [id],
                    SessionRow::from_row,
                )
            })?
            .map(VipSession::try_from)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn active_session(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> StoreResult<Option<VipSession>> {
        self.reads
            .read(|c| {
                one(
                    c,
                    select_session!(
                        "WHERE channel_id = ?1 AND viewer_id = ?2 AND state = 'active'"
                    ),
                    [channel.as_str(), viewer_id],
                    SessionRow::from_row,
                )
            })?
            .map(VipSession::try_from)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn active_sessions(&self, channel: &ChannelId) -> StoreResult<Vec<VipSession>> {
        let rows = self
            .reads
            .read(|c| all(c, ACTIVE, [channel.as_str()], SessionRow::from_row))?;
        decode_all(rows)
    }

    /// Reads only the partial index `vip_sessions_due` (active sessions with a deadline), in order,
    /// stopping after `limit`.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn due_sessions(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<VipSession>> {
        let params = [micros(now), i64::from(limit)];
        // The limit is the caller's, up to thousands of rows (the expiry warnings' look-ahead).
        let rows = self
            .reads
            .read_long(move |c| all(c, DUE, params, SessionRow::from_row))
            .await?;
        decode_all(rows)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn next_deadline(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let earliest: Option<Option<i64>> = self
            .reads
            .read(|c| one(c, NEXT_DEADLINE, [], |row| row.get(0)))?;
        opt_time(earliest.flatten())
    }

    /// Compare-and-set in one statement (`IS` so that an expected `None` matches NULL).
    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_deadline(
        &self,
        id: &str,
        expected: ActiveWith,
        to: Option<DateTime<Utc>>,
    ) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "UPDATE vip_sessions SET expires_at = ?1
                 WHERE id = ?2 AND state = 'active' AND expires_at IS ?3",
                &[&opt_micros(to), &id, &opt_micros(expected.expires_at)],
            )
            .await?;
        Ok(done == 1)
    }

    /// Compare-and-set in one statement.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_untimed(
        &self,
        id: &str,
        expected: ActiveWith,
        metadata: &serde_json::Value,
    ) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "UPDATE vip_sessions SET expires_at = NULL, metadata = ?1
                 WHERE id = ?2 AND state = 'active' AND expires_at IS ?3",
                &[
                    &to_json(metadata, "session metadata")?,
                    &id,
                    &opt_micros(expected.expires_at),
                ],
            )
            .await?;
        Ok(done == 1)
    }

    /// Compare-and-set in one statement. `to` must be a final state: `Active` is refused with
    /// [`StoreError::Conflict`].
    #[tracing::instrument(level = "debug", skip_all)]
    async fn end_session(
        &self,
        id: &str,
        expected: ActiveWith,
        to: SessionState,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        if to == SessionState::Active {
            return Err(StoreError::Conflict(
                "a session cannot end in the active state".into(),
            ));
        }
        let done = self
            .writer
            .execute(
                "UPDATE vip_sessions SET state = ?1, ended_at = ?2
                 WHERE id = ?3 AND state = 'active' AND expires_at IS ?4",
                &[
                    &to.as_str(),
                    &micros(at),
                    &id,
                    &opt_micros(expected.expires_at),
                ],
            )
            .await?;
        Ok(done == 1)
    }
}
