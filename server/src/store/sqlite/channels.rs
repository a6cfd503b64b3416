//! Channels (`channels`): the login is unique case-insensitively (the index `channels_login`);
//! settings go in and out through the store's [`SettingsSeal`].

use app::model::{Channel, ChannelId, Settings};
use app::ssr::store::ChannelStore;
use app::ssr::{StoreError, StoreResult};
use async_trait::async_trait;

use rusqlite::params_from_iter;

use super::codec::{from_json, owned_values, sql_error, to_json};
use super::readers::{all, one};
use super::SqliteStore;
use crate::store::SettingsSeal;

struct ChannelRow {
    id: String,
    login: String,
    display_name: String,
    profile_image_url: Option<String>,
    settings: String,
    needs_reauth: bool,
}

impl ChannelRow {
    /// The row as [`select_channel`] selects it.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            login: row.get(1)?,
            display_name: row.get(2)?,
            profile_image_url: row.get(3)?,
            settings: row.get(4)?,
            needs_reauth: row.get(5)?,
        })
    }

    fn channel(self, seal: &SettingsSeal) -> Result<Channel, StoreError> {
        let id = ChannelId(self.id);
        Ok(Channel {
            settings: seal.open(&id, from_json(&self.settings, "channel settings")?),
            id,
            login: self.login,
            display_name: self.display_name,
            profile_image_url: self.profile_image_url,
            needs_reauth: self.needs_reauth,
        })
    }
}

/// The channel query, with an optional `WHERE …` tail (SQL must be `&'static str`).
macro_rules! select_channel {
    ($($tail:literal)?) => {
        concat!(
            "SELECT id, login, display_name, profile_image_url, settings, needs_reauth FROM channels ",
            $($tail)?
        )
    };
}

#[async_trait]
impl ChannelStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn save_channel(&self, channel: &Channel) -> StoreResult<()> {
        // A renamed user's old channel gives the name up (see `ChannelStore::save_channel`).
        let values = owned_values(&[
            &channel.id.as_str(),
            &channel.login,
            &channel.display_name,
            &channel.profile_image_url.as_deref(),
            &to_json(
                &self.seal.seal(&channel.id, &channel.settings)?,
                "channel settings",
            )?,
            &channel.needs_reauth,
        ])?;
        self.writer
            .run(move |conn| {
                conn.prepare_cached(
                    "UPDATE channels SET login = '~' || id
                     WHERE lower(login) = lower(?2) AND id <> ?1",
                )
                .and_then(|mut s| s.execute(params_from_iter(&values[..2])))
                .map_err(sql_error)?;
                conn.prepare_cached(
                    "INSERT INTO channels (id, login, display_name, profile_image_url, settings,
                                           needs_reauth)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (id) DO UPDATE SET
                         login = excluded.login,
                         display_name = excluded.display_name,
                         profile_image_url = excluded.profile_image_url,
                         settings = excluded.settings,
                         needs_reauth = excluded.needs_reauth",
                )
                .and_then(|mut s| s.execute(params_from_iter(&values)))
                .map_err(sql_error)?;
                Ok(())
            })
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn channel(&self, id: &ChannelId) -> StoreResult<Option<Channel>> {
        self.reads
            .read(|c| {
                one(
                    c,
                    select_channel!("WHERE id = ?1"),
                    [id.as_str()],
                    ChannelRow::from_row,
                )
            })?
            .map(|row| row.channel(&self.seal))
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn channel_by_login(&self, login: &str) -> StoreResult<Option<Channel>> {
        // `lower(login)` matches the expression of the unique index `channels_login`.
        self.reads
            .read(|c| {
                one(
                    c,
                    select_channel!("WHERE lower(login) = lower(?1)"),
                    [login],
                    ChannelRow::from_row,
                )
            })?
            .map(|row| row.channel(&self.seal))
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn channels(&self) -> StoreResult<Vec<Channel>> {
        // Every channel: as many rows as the instance has streamers.
        self.reads
            .read_long(|c| all(c, select_channel!(), [], ChannelRow::from_row))
            .await?
            .into_iter()
            .map(|row| row.channel(&self.seal))
            .collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_settings(&self, id: &ChannelId, settings: &Settings) -> StoreResult<bool> {
        let sealed = to_json(&self.seal.seal(id, settings)?, "channel settings")?;
        let changed = self
            .writer
            .execute(
                "UPDATE channels SET settings = ?1 WHERE id = ?2",
                &[&sealed, &id.as_str()],
            )
            .await?;
        Ok(changed == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn set_needs_reauth(&self, id: &ChannelId, needs_reauth: bool) -> StoreResult<bool> {
        let changed = self
            .writer
            .execute(
                "UPDATE channels SET needs_reauth = ?1 WHERE id = ?2",
                &[&needs_reauth, &id.as_str()],
            )
            .await?;
        Ok(changed == 1)
    }
}
