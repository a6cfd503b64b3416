//! Redemptions (`redemptions`): each recorded once, keyed by its Twitch id, with its outcome.

use app::model::{ChannelId, RedemptionOutcome, RedemptionRecord, Viewer};
use app::ssr::store::{LeaseClaim, NewRedemption, RedemptionStore};
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::codec::{from_json, micros, micros_after, owned_values, sql_error, time, to_json};
use super::coordination::ACQUIRE_LEASE;
use super::readers::one;
use super::SqliteStore;

struct RedemptionRow {
    id: String,
    channel_id: String,
    reward_id: String,
    viewer_id: String,
    viewer_login: String,
    viewer_display_name: String,
    received_at: i64,
    outcome: String,
}

impl RedemptionRow {
    /// The row as [`BY_ID`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            channel_id: row.get(1)?,
            reward_id: row.get(2)?,
            viewer_id: row.get(3)?,
            viewer_login: row.get(4)?,
            viewer_display_name: row.get(5)?,
            received_at: row.get(6)?,
            outcome: row.get(7)?,
        })
    }
}

/// A redemption by its id.
const BY_ID: &str = "SELECT id, channel_id, reward_id, viewer_id, viewer_login,
            viewer_display_name, received_at, outcome
     FROM redemptions WHERE id = ?1";

/// Records a redemption unless its id is there; whether it did.
const INSERT: &str = "INSERT INTO redemptions (id, channel_id, reward_id, viewer_id, viewer_login,
                              viewer_display_name, received_at, outcome)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (id) DO NOTHING";

/// The values of [`INSERT`], owned for the writer.
fn insert_values(record: &RedemptionRecord) -> StoreResult<Vec<Value>> {
    owned_values(&[
        &record.id,
        &record.channel_id.as_str(),
        &record.reward_id,
        &record.viewer.id,
        &record.viewer.login,
        &record.viewer.display_name,
        &micros(record.received_at),
        &to_json(&record.outcome, "redemption outcome")?,
    ])
}

fn insert(conn: &Connection, values: Vec<Value>) -> StoreResult<bool> {
    conn.prepare_cached(INSERT)
        .and_then(|mut insert| insert.execute(params_from_iter(values)))
        .map(|inserted| inserted == 1)
        .map_err(sql_error)
}

impl TryFrom<RedemptionRow> for RedemptionRecord {
    type Error = StoreError;

    fn try_from(row: RedemptionRow) -> Result<Self, Self::Error> {
        Ok(RedemptionRecord {
            id: row.id,
            channel_id: ChannelId(row.channel_id),
            reward_id: row.reward_id,
            viewer: Viewer {
                id: row.viewer_id,
                login: row.viewer_login,
                display_name: row.viewer_display_name,
            },
            received_at: time(row.received_at)?,
            outcome: from_json(&row.outcome, "redemption outcome")?,
        })
    }
}

#[async_trait]
impl RedemptionStore for SqliteStore {
    /// Insert-if-absent in one statement: SQLite serialises writers, so exactly one caller inserts.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn create_redemption(&self, record: &RedemptionRecord) -> StoreResult<bool> {
        let values = insert_values(record)?;
        self.writer.run(move |conn| insert(conn, values)).await
    }

    /// The insert, then the lease's upsert only when the insert happened, in one write job.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn create_redemption_with_lease(
        &self,
        record: &RedemptionRecord,
        claim: LeaseClaim<'_>,
    ) -> StoreResult<NewRedemption> {
        let values = insert_values(record)?;
        let lease = owned_values(&[
            &claim.name,
            &claim.holder,
            &micros_after(claim.now, claim.ttl),
            &micros(claim.now),
        ])?;
        self.writer
            .run(move |conn| {
                if !insert(conn, values)? {
                    return Ok(NewRedemption::Duplicate);
                }
                let leased = conn
                    .prepare_cached(ACQUIRE_LEASE)
                    .and_then(|mut upsert| upsert.execute(params_from_iter(lease)))
                    .map_err(sql_error)?;
                Ok(NewRedemption::Recorded {
                    leased: leased == 1,
                })
            })
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn redemption(&self, id: &str) -> StoreResult<Option<RedemptionRecord>> {
        self.reads
            .read(|c| one(c, BY_ID, [id], RedemptionRow::from_row))?
            .map(RedemptionRecord::try_from)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_redemption_outcome(
        &self,
        id: &str,
        outcome: RedemptionOutcome,
    ) -> StoreResult<bool> {
        let done = self
            .writer
            .execute(
                "UPDATE redemptions SET outcome = ?1 WHERE id = ?2",
                &[&to_json(&outcome, "redemption outcome")?, &id],
            )
            .await?;
        Ok(done == 1)
    }
}
