//! Rewards (`rewards`): the channel-point rewards this app created, keyed by their Twitch id.

use app::model::{ChannelId, GrantLength, Reward};
use app::ssr::store::RewardStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;

use super::codec::{to_i64, to_opt_u32, to_u64};
use super::readers::{all, one};
use super::SqliteStore;

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

impl RewardRow {
    /// The row as [`select_reward`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            channel_id: row.get(1)?,
            title: row.get(2)?,
            cost: row.get(3)?,
            prompt: row.get(4)?,
            duration_secs: row.get(5)?,
            enabled: row.get(6)?,
            global_cooldown_secs: row.get(7)?,
            max_per_stream: row.get(8)?,
            max_per_user_per_stream: row.get(9)?,
        })
    }
}

impl TryFrom<RewardRow> for Reward {
    type Error = StoreError;

    fn try_from(row: RewardRow) -> Result<Self, Self::Error> {
        // 0: until the stream ends.
        let duration = GrantLength::from_stored_secs(to_u64(row.duration_secs, "reward duration")?)
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

#[async_trait]
impl RewardStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn save_reward(&self, reward: &Reward) -> StoreResult<()> {
        self.writer
            .execute(
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
                &[
                    &reward.id,
                    &reward.channel_id.as_str(),
                    &reward.title,
                    &to_i64(reward.cost, "reward cost")?,
                    &reward.prompt,
                    &to_i64(reward.duration.stored_secs(), "reward duration")?,
                    &reward.enabled,
                    &reward.global_cooldown_secs.map(i64::from),
                    &reward.max_per_stream.map(i64::from),
                    &reward.max_per_user_per_stream.map(i64::from),
                ],
            )
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn reward(&self, id: &str) -> StoreResult<Option<Reward>> {
        self.reads
            .read(|c| {
                one(
                    c,
                    select_reward!("WHERE id = ?1"),
                    [id],
                    RewardRow::from_row,
                )
            })?
            .map(Reward::try_from)
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn rewards(&self, channel: &ChannelId) -> StoreResult<Vec<Reward>> {
        self.reads
            .read(|c| {
                all(
                    c,
                    select_reward!("WHERE channel_id = ?1 ORDER BY title, id"),
                    [channel.as_str()],
                    RewardRow::from_row,
                )
            })?
            .into_iter()
            .map(Reward::try_from)
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete_reward(&self, id: &str) -> StoreResult<bool> {
        let done = self
            .writer
            .execute("DELETE FROM rewards WHERE id = ?1", &[&id])
            .await?;
        Ok(done == 1)
    }
}
