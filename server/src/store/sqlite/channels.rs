//! Channels and their sealed Twitch tokens; settings go in and out through the [`SettingsSeal`].

use app::model::{Channel, ChannelId, Settings};
use app::ssr::{SealedTokens, StoreError, StoreResult};
use sqlx::SqlitePool;

use super::codec::{db_error, from_json, to_json};
use crate::store::SettingsSeal;

#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: String,
    login: String,
    display_name: String,
    profile_image_url: Option<String>,
    settings: String,
    needs_reauth: bool,
}

impl ChannelRow {
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

pub(super) async fn save(
    pool: &SqlitePool,
    seal: &SettingsSeal,
    channel: &Channel,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    // A renamed user's old channel gives the name up (see `Store::save_channel`).
    sqlx::query(
        "UPDATE channels SET login = '~' || id WHERE lower(login) = lower(?1) AND id <> ?2",
    )
    .bind(&channel.login)
    .bind(channel.id.as_str())
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    sqlx::query(
        "INSERT INTO channels (id, login, display_name, profile_image_url, settings, needs_reauth)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET
             login = excluded.login,
             display_name = excluded.display_name,
             profile_image_url = excluded.profile_image_url,
             settings = excluded.settings,
             needs_reauth = excluded.needs_reauth",
    )
    .bind(channel.id.as_str())
    .bind(&channel.login)
    .bind(&channel.display_name)
    .bind(channel.profile_image_url.as_deref())
    .bind(to_json(
        &seal.seal(&channel.id, &channel.settings)?,
        "channel settings",
    )?)
    .bind(channel.needs_reauth)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(())
}

pub(super) async fn get(
    pool: &SqlitePool,
    seal: &SettingsSeal,
    id: &ChannelId,
) -> StoreResult<Option<Channel>> {
    sqlx::query_as::<_, ChannelRow>(select_channel!("WHERE id = ?1"))
        .bind(id.as_str())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .map(|row| row.channel(seal))
        .transpose()
}

pub(super) async fn by_login(
    pool: &SqlitePool,
    seal: &SettingsSeal,
    login: &str,
) -> StoreResult<Option<Channel>> {
    // `lower(login)` matches the expression of the unique index `channels_login`.
    sqlx::query_as::<_, ChannelRow>(select_channel!("WHERE lower(login) = lower(?1)"))
        .bind(login)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .map(|row| row.channel(seal))
        .transpose()
}

pub(super) async fn all(pool: &SqlitePool, seal: &SettingsSeal) -> StoreResult<Vec<Channel>> {
    sqlx::query_as::<_, ChannelRow>(select_channel!())
        .fetch_all(pool)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|row| row.channel(seal))
        .collect()
}

pub(super) async fn update_settings(
    pool: &SqlitePool,
    seal: &SettingsSeal,
    id: &ChannelId,
    settings: &Settings,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE channels SET settings = ?1 WHERE id = ?2")
        .bind(to_json(&seal.seal(id, settings)?, "channel settings")?)
        .bind(id.as_str())
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn set_needs_reauth(
    pool: &SqlitePool,
    id: &ChannelId,
    needs_reauth: bool,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE channels SET needs_reauth = ?1 WHERE id = ?2")
        .bind(needs_reauth)
        .bind(id.as_str())
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn put_tokens(
    pool: &SqlitePool,
    user_id: &str,
    tokens: &SealedTokens,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO tokens (user_id, key_id, nonce, ciphertext) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET
             key_id = excluded.key_id, nonce = excluded.nonce, ciphertext = excluded.ciphertext",
    )
    .bind(user_id)
    .bind(&tokens.key_id)
    .bind(tokens.nonce.as_slice())
    .bind(tokens.ciphertext.as_slice())
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(super) async fn tokens(pool: &SqlitePool, user_id: &str) -> StoreResult<Option<SealedTokens>> {
    let row: Option<(String, Vec<u8>, Vec<u8>)> =
        sqlx::query_as("SELECT key_id, nonce, ciphertext FROM tokens WHERE user_id = ?1")
            .bind(user_id)
            .fetch_optional(pool)
            .await
            .map_err(db_error)?;
    Ok(row.map(|(key_id, nonce, ciphertext)| SealedTokens {
        key_id,
        nonce,
        ciphertext,
    }))
}

pub(super) async fn delete_tokens(pool: &SqlitePool, user_id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM tokens WHERE user_id = ?1")
        .bind(user_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(())
}
