//! Channels: `channels/{id}`, with `login_lower` for the case-insensitive lookup by login. Settings
//! go in and out through the store's [`crate::store::SettingsSeal`].

use app::model::{Channel, ChannelId, Settings};
use app::ssr::store::{released_login, ChannelStore};
use app::ssr::StoreResult;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::docs::ChannelDoc;
use super::support::{backend, decode, key, CHANNELS};
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
    /// A stored channel as read: its settings opened.
    fn opened(&self, doc: ChannelDoc) -> Channel {
        let mut channel = Channel::from(doc);
        channel.settings = self.seal.open(&channel.id, channel.settings);
        channel
    }
}

#[async_trait]
impl ChannelStore for FirestoreStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn save_channel(&self, channel: &Channel) -> StoreResult<()> {
        // A renamed user's old channel gives the name up (see `ChannelStore::save_channel`).
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

    #[tracing::instrument(level = "debug", skip_all)]
    async fn channel(&self, id: &ChannelId) -> StoreResult<Option<Channel>> {
        let doc: Option<ChannelDoc> = self.get_doc(CHANNELS, &key(&[&id.0])).await?;
        Ok(doc.map(|d| self.opened(d)))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn channel_by_login(&self, login: &str) -> StoreResult<Option<Channel>> {
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
        Ok(doc.map(|d| self.opened(d)))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn channels(&self) -> StoreResult<Vec<Channel>> {
        let docs = self.db.fluent().select().from(CHANNELS).query().await;
        docs.map_err(backend)?
            .iter()
            .map(|d| decode::<ChannelDoc>(d).map(|d| self.opened(d)))
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_settings(&self, id: &ChannelId, settings: &Settings) -> StoreResult<bool> {
        let patch = SettingsPatch {
            settings: self.seal.seal(id, settings)?.into_owned(),
        };
        self.patch_doc(CHANNELS, &key(&[&id.0]), &["settings"], &patch)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_needs_reauth(&self, id: &ChannelId, needs_reauth: bool) -> StoreResult<bool> {
        let patch = ReauthPatch { needs_reauth };
        self.patch_doc(CHANNELS, &key(&[&id.0]), &["needs_reauth"], &patch)
            .await
    }
}
