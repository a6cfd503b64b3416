//! Rewards: `rewards/{id}`.

use app::model::{ChannelId, Reward};
use app::ssr::store::RewardStore;
use app::ssr::StoreResult;
use async_trait::async_trait;
use firestore::FirestoreWritePrecondition;

use super::docs::RewardDoc;
use super::support::{backend, decode, key, not_found, REWARDS};
use super::FirestoreStore;

#[async_trait]
impl RewardStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn save_reward(&self, reward: &Reward) -> StoreResult<()> {
        self.set_doc(REWARDS, &key(&[&reward.id]), &RewardDoc::new(reward)?)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn reward(&self, reward_id: &str) -> StoreResult<Option<Reward>> {
        let doc: Option<RewardDoc> = self.get_doc(REWARDS, &key(&[reward_id])).await?;
        doc.map(RewardDoc::into_reward).transpose()
    }

    /// Sorted here rather than by the query: a channel has a handful of rewards, and this
    /// spares a composite index.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn rewards(&self, channel: &ChannelId) -> StoreResult<Vec<Reward>> {
        let docs = self
            .db
            .fluent()
            .select()
            .from(REWARDS)
            .filter(|q| q.for_all([q.field("channel_id").eq(channel.as_str())]))
            .query()
            .await
            .map_err(backend)?;
        let mut rewards = docs
            .iter()
            .map(|d| decode::<RewardDoc>(d)?.into_reward())
            .collect::<StoreResult<Vec<_>>>()?;
        rewards.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.id.cmp(&b.id)));
        Ok(rewards)
    }

    /// A delete precondition tells whether the document existed, in one round trip.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn delete_reward(&self, reward_id: &str) -> StoreResult<bool> {
        let delete = self
            .db
            .fluent()
            .delete()
            .from(REWARDS)
            .precondition(FirestoreWritePrecondition::Exists(true))
            .document_id(key(&[reward_id]));
        match delete.execute().await {
            Ok(()) => Ok(true),
            Err(e) if not_found(&e) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }
}
