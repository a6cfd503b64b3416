//! Server functions of the settings page: the channel's settings and its rewards. Each calls a use
//! case in `crate::ssr::settings`, `crate::ssr::rewards` or `crate::ssr::reward_forms`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::{ChatStatus, Reward, RewardForm, Settings, SettingsForm};

/// The settings as the page gets them: the Discord webhook (a secret) only as a hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsData {
    /// `discord_webhook_url` is always `None` here.
    pub settings: Settings,
    /// Which webhook is set, without its token.
    pub webhook_hint: Option<String>,
}

#[cfg(feature = "ssr")]
fn for_browser(mut settings: Settings) -> SettingsData {
    let webhook_hint = settings
        .discord_webhook_url
        .take()
        .map(|url| crate::ssr::settings::webhook_hint(&url));
    SettingsData {
        settings,
        webhook_hint,
    }
}

/// The signed-in streamer's settings.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn get_settings() -> Result<SettingsData, AppError> {
    let a = crate::ssr::acting::acting().await?;
    let settings = crate::ssr::settings::get(&a.ctx, &a.caller, &a.channel).await?;
    Ok(for_browser(settings))
}

/// Saves the settings form; returns the settings as saved.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn save_settings(form: SettingsForm) -> Result<SettingsData, AppError> {
    let a = crate::ssr::acting::acting().await?;
    let saved = crate::ssr::settings::save_form(&a.ctx, &a.caller, &a.channel, &form).await?;
    Ok(for_browser(saved))
}

/// The channel's chat identity live: the bot, `channel:bot`, who reads and answers chat.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn get_chat_status() -> Result<ChatStatus, AppError> {
    let a = crate::ssr::acting::acting().await?;
    crate::ssr::chat_status::get(&a.ctx, &a.caller, &a.channel).await
}

/// The channel's rewards.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn list_rewards() -> Result<Vec<Reward>, AppError> {
    let a = crate::ssr::acting::acting().await?;
    crate::ssr::rewards::list(&a.ctx, &a.caller, &a.channel).await
}

/// Creates a reward on Twitch and records it.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn create_reward(form: RewardForm) -> Result<Reward, AppError> {
    let a = crate::ssr::acting::acting().await?;
    let input = crate::ssr::reward_forms::input(&form)?;
    crate::ssr::rewards::create(&a.ctx, &a.caller, &a.channel, input).await
}

/// Changes a reward (the whole reward is posted).
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn update_reward(reward_id: String, form: RewardForm) -> Result<Reward, AppError> {
    let a = crate::ssr::acting::acting().await?;
    let input = crate::ssr::reward_forms::input(&form)?;
    crate::ssr::rewards::update(&a.ctx, &a.caller, &a.channel, &reward_id, input).await
}

/// Turns a reward on or off.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn set_reward_enabled(reward_id: String, enabled: bool) -> Result<Reward, AppError> {
    let a = crate::ssr::acting::acting().await?;
    crate::ssr::reward_forms::set_enabled(&a.ctx, &a.caller, &a.channel, &reward_id, enabled).await
}

/// Deletes a reward on Twitch and forgets it.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn delete_reward(reward_id: String) -> Result<(), AppError> {
    let a = crate::ssr::acting::acting().await?;
    crate::ssr::rewards::delete(&a.ctx, &a.caller, &a.channel, &reward_id).await
}
