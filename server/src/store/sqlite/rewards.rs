//! The channel-point flow: rewards and the redemptions they produce.

use app::model::{ChannelId, RedemptionOutcome, RedemptionRecord, Reward, Viewer, VipDuration};
use app::ssr::{StoreError, StoreResult};
use sqlx::SqlitePool;

use super::codec::{db_error, from_json, micros, time, to_i64, to_json, to_opt_u32, to_u64};

#[derive(sqlx::FromRow)]
struct RewardRow {
    id: String,
    channel_id: String,
    title: String,
    cost: i64,
    prompt: String,
    duration_secs: i64,
    enabled: bool,
    global_cooldown_secs: Option<i64>,
    max_per_stream: Option<i64>,
    max_per_user_per_stream: Option<i64>,
}

impl TryFrom<RewardRow> for Reward {
    type Error = StoreError;

    fn try_from(row: RewardRow) -> Result<Self, Self::Error> {
        let duration = VipDuration::from_secs(to_u64(row.duration_secs, "reward duration")?)
            .map_err(|e| StoreError::Corrupt(format!("reward duration: {e}")))?;
        Ok(Reward {
            id: row.id,
            channel_id: ChannelId(row.channel_id),
            title: row.title,
            cost: to_u64(row.cost, "reward cost")?,
            prompt: row.prompt,
            duration,
            enabled: row.enabled,
            global_cooldown_secs: to_opt_u32(row.global_cooldown_secs, "reward cooldown")?,
            max_per_stream: to_opt_u32(row.max_per_stream, "reward max per stream")?,
            max_per_user_per_stream: to_opt_u32(
                row.max_per_user_per_stream,
                "reward max per user per stream",
            )?,
        })
    }
}

macro_rules! select_reward {
    ($tail:literal) => {
        concat!(
            "SELECT id, channel_id, title, cost, prompt, duration_secs, enabled,
                    global_cooldown_secs, max_per_stream, max_per_user_per_stream
             FROM rewards ",
            $tail
        )
    };
}

pub(super) async fn save_reward(pool: &SqlitePool, reward: &Reward) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO rewards (id, channel_id, title, cost, prompt, duration_secs, enabled,
                              global_cooldown_secs, max_per_stream, max_per_user_per_stream)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET
             channel_id = excluded.channel_id,
             title = excluded.title,
             cost = excluded.cost,
             prompt = excluded.prompt,
             duration_secs = excluded.duration_secs,
             enabled = excluded.enabled,
             global_cooldown_secs = excluded.global_cooldown_secs,
             max_per_stream = excluded.max_per_stream,
             max_per_user_per_stream = excluded.max_per_user_per_stream",
    )
    .bind(&reward.id)
    .bind(reward.channel_id.as_str())
    .bind(&reward.title)
    .bind(to_i64(reward.cost, "reward cost")?)
    .bind(&reward.prompt)
    .bind(to_i64(reward.duration.as_secs(), "reward duration")?)
    .bind(reward.enabled)
    .bind(reward.global_cooldown_secs.map(i64::from))
    .bind(reward.max_per_stream.map(i64::from))
    .bind(reward.max_per_user_per_stream.map(i64::from))
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(super) async fn reward(pool: &SqlitePool, id: &str) -> StoreResult<Option<Reward>> {
    sqlx::query_as::<_, RewardRow>(select_reward!("WHERE id = ?1"))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .map(Reward::try_from)
        .transpose()
}

pub(super) async fn rewards(pool: &SqlitePool, channel: &ChannelId) -> StoreResult<Vec<Reward>> {
    sqlx::query_as::<_, RewardRow>(select_reward!("WHERE channel_id = ?1 ORDER BY title, id"))
        .bind(channel.as_str())
        .fetch_all(pool)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(Reward::try_from)
        .collect()
}

pub(super) async fn delete_reward(pool: &SqlitePool, id: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM rewards WHERE id = ?1")
        .bind(id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
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

/// Insert-if-absent in one statement: SQLite serialises writers, so exactly one caller inserts.
pub(super) async fn create_redemption(
    pool: &SqlitePool,
    record: &RedemptionRecord,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO redemptions (id, channel_id, reward_id, viewer_id, viewer_login,
                                  viewer_display_name, received_at, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&record.id)
    .bind(record.channel_id.as_str())
    .bind(&record.reward_id)
    .bind(&record.viewer.id)
    .bind(&record.viewer.login)
    .bind(&record.viewer.display_name)
    .bind(micros(record.received_at))
    .bind(to_json(&record.outcome, "redemption outcome")?)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn redemption(
    pool: &SqlitePool,
    id: &str,
) -> StoreResult<Option<RedemptionRecord>> {
    sqlx::query_as::<_, RedemptionRow>(
        "SELECT id, channel_id, reward_id, viewer_id, viewer_login, viewer_display_name,
                received_at, outcome
         FROM redemptions WHERE id = ?1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?
    .map(RedemptionRecord::try_from)
    .transpose()
}

pub(super) async fn set_redemption_outcome(
    pool: &SqlitePool,
    id: &str,
    outcome: RedemptionOutcome,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE redemptions SET outcome = ?1 WHERE id = ?2")
        .bind(to_json(&outcome, "redemption outcome")?)
        .bind(id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}
