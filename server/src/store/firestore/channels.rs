//! Channels (`channels/{id}`), sealed tokens (`tokens/{user id}`) and rewards (`rewards/{id}`).
//! Settings go in and out through the store's [`crate::store::SettingsSeal`].

use app::model::{Channel, ChannelId, Reward, Settings};
use app::ssr::store::released_login;
use app::ssr::{SealedTokens, StoreError, StoreResult};
use serde::{Deserialize, Serialize};

use super::docs::{ChannelDoc, RewardDoc, TokensDoc};
use super::support::{backend, decode, key, CHANNELS, REWARDS, TOKENS};
use super::FirestoreStore;

#[derive(Serialize, Deserialize)]
struct SettingsPatch {
    settings: Settings,
}

#[derive(Serialize, Deserialize)]
struct LoginPatch {
    login: String,
    login_lower: String,
}

#[derive(Serialize, Deserialize)]
struct ReauthPatch {
    needs_reauth: bool,
}

impl FirestoreStore {
    pub(super) async fn save_channel_doc(&self, channel: &Channel) -> StoreResult<()> {
        // A renamed user's old channel gives the name up (see `Store::save_channel`).
        let lower = channel.login.to_lowercase();
        let holders = self
            .db
            .fluent()
            .select()
            .from(CHANNELS)
            .filter(|q| q.for_all([q.field("login_lower").eq(lower.as_str())]))
            .query()
            .await
            .map_err(backend)?;
        for holder in &holders {
            let holder: ChannelDoc = decode(holder)?;
            if holder.id != channel.id.0 {
                let released = released_login(&ChannelId(holder.id.clone()));
                let patch = LoginPatch {
                    login_lower: released.clone(),
                    login: released,
                };
                self.patch_doc(
                    CHANNELS,
                    &key(&[&holder.id]),
                    &["login", "login_lower"],
                    &patch,
                )
                .await?;
            }
        }
        let mut doc = ChannelDoc::from(channel);
        doc.settings = self.seal.seal(&channel.id, &channel.settings)?.into_owned();
        self.set_doc(CHANNELS, &key(&[&channel.id.0]), &doc).await
    }

    pub(super) async fn channel_doc(&self, id: &ChannelId) -> StoreResult<Option<Channel>> {
        let doc: Option<ChannelDoc> = self.get_doc(CHANNELS, &key(&[&id.0])).await?;
        Ok(doc.map(|d| self.channel(d)))
    }

    /// A stored channel as read: its settings opened.
    fn channel(&self, doc: ChannelDoc) -> Channel {
        let mut channel = Channel::from(doc);
        channel.settings = self.seal.open(&channel.id, channel.settings);
        channel
    }

    pub(super) async fn channel_doc_by_login(&self, login: &str) -> StoreResult<Option<Channel>> {
        let lower = login.to_lowercase();
        let docs = self
            .db
            .fluent()
            .select()
            .from(CHANNELS)
            .filter(|q| q.for_all([q.field("login_lower").eq(lower.as_str())]))
            .limit(1)
            .query()
            .await
            .map_err(backend)?;
        let doc: Option<ChannelDoc> = docs.first().map(decode).transpose()?;
        Ok(doc.map(|d| self.channel(d)))
    }

    pub(super) async fn all_channels(&self) -> StoreResult<Vec<Channel>> {
        let docs = self.db.fluent().select().from(CHANNELS).query().await;
        docs.map_err(backend)?
            .iter()
            .map(|d| decode::<ChannelDoc>(d).map(|d| self.channel(d)))
            .collect()
    }

    pub(super) async fn patch_settings(
        &self,
        id: &ChannelId,
        settings: &Settings,
    ) -> StoreResult<bool> {
        let patch = SettingsPatch {
            settings: self.seal.seal(id, settings)?.into_owned(),
        };
        self.patch_doc(CHANNELS, &key(&[&id.0]), &["settings"], &patch)
            .await
    }

    pub(super) async fn patch_needs_reauth(
        &self,
        id: &ChannelId,
        needs_reauth: bool,
    ) -> StoreResult<bool> {
        let patch = ReauthPatch { needs_reauth };
        self.patch_doc(CHANNELS, &key(&[&id.0]), &["needs_reauth"], &patch)
            .await
    }

    pub(super) async fn put_tokens_doc(
        &self,
        user_id: &str,
        tokens: &SealedTokens,
    ) -> StoreResult<()> {
        self.set_doc(TOKENS, &key(&[user_id]), &TokensDoc::from(tokens))
            .await
    }

    pub(super) async fn tokens_doc(&self, user_id: &str) -> StoreResult<Option<SealedTokens>> {
        // Decoding errors are replaced: they must never carry token bytes into logs.
        let doc: Option<TokensDoc> =
            self.get_doc(TOKENS, &key(&[user_id]))
                .await
                .map_err(|e| match e {
                    StoreError::Corrupt(_) => {
                        StoreError::Corrupt(format!("tokens of user {user_id} cannot be decoded"))
                    }
                    e => e,
                })?;
        Ok(doc.map(SealedTokens::from))
    }

    pub(super) async fn save_reward_doc(&self, reward: &Reward) -> StoreResult<()> {
        self.set_doc(REWARDS, &key(&[&reward.id]), &RewardDoc::new(reward)?)
            .await
    }

    pub(super) async fn reward_doc(&self, reward_id: &str) -> StoreResult<Option<Reward>> {
        let doc: Option<RewardDoc> = self.get_doc(REWARDS, &key(&[reward_id])).await?;
        doc.map(RewardDoc::into_reward).transpose()
    }

    /// Sorted here rather than by the query: a channel has a handful of rewards, and this
    /// spares a composite index.
    pub(super) async fn channel_rewards(&self, channel: &ChannelId) -> StoreResult<Vec<Reward>> {
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
    pub(super) async fn delete_reward_doc(&self, reward_id: &str) -> StoreResult<bool> {
        let delete = self
            .db
            .fluent()
            .delete()
            .from(REWARDS)
            .precondition(firestore::FirestoreWritePrecondition::Exists(true))
            .document_id(key(&[reward_id]));
        match delete.execute().await {
            Ok(()) => Ok(true),
            Err(e) if super::support::not_found(&e) => Ok(false),
            Err(e) => Err(backend(e)),
        }
    }
}
