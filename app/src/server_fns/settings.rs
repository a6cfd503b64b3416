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
    /// The form was just saved by a plain form post (the page after its redirect says so).
    #[serde(default)]
    pub just_saved: bool,
}

/// Where the reward forms land: the reward list, which shows their results.
#[cfg(feature = "ssr")]
const REWARDS: super::landing::Landing = super::landing::Landing {
    page: "/settings",
    anchor: "settings-rewards",
};

/// A save by a plain form post, for the page after the redirect.
#[cfg(feature = "ssr")]
const SAVED: super::flash::Flash = super::flash::Flash {
    name: "vip_settings_saved",
    page: "/settings",
};

#[cfg(feature = "ssr")]
fn for_browser(mut settings: Settings) -> SettingsData {
    let webhook_hint = settings
        .discord_webhook_url
        .take()
        .map(|url| crate::ssr::settings::webhook_hint(&url));
    SettingsData {
        settings,
        webhook_hint,
        just_saved: false,
    }
}

/// The signed-in streamer's settings.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_settings() -> Result<SettingsData, AppError> {
    let a = crate::ssr::acting::acting().await?;
    let settings = crate::ssr::settings::get(&a.ctx, &a.caller, &a.channel).await?;
    let just_saved = SAVED.take().await.is_some();
    Ok(SettingsData {
        just_saved,
        ..for_browser(settings)
    })
}

/// Saves the settings form; returns the settings as saved.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn save_settings(form: SettingsForm) -> Result<SettingsData, AppError> {
    let a = crate::ssr::acting::acting().await?;
    let saved = crate::ssr::settings::save_form(&a.ctx, &a.caller, &a.channel, &form).await?;
    SAVED.keep("1").await;
    // A plain form post lands back at the result line, not at the top of the long form.
    leptos_axum::redirect("/settings#settings-result");
    Ok(for_browser(saved))
}

/// The channel's chat identity live: the bot, `channel:bot`, who reads and answers chat.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
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
    REWARDS
        .after::<CreateReward, _>(async {
            let a = crate::ssr::acting::acting().await?;
            let input = crate::ssr::reward_forms::input(&form)?;
            crate::ssr::rewards::create(&a.ctx, &a.caller, &a.channel, input).await
        })
        .await
}

/// Changes a reward (the whole reward is posted).
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn update_reward(reward_id: String, form: RewardForm) -> Result<Reward, AppError> {
    REWARDS
        .after::<UpdateReward, _>(async {
            let a = crate::ssr::acting::acting().await?;
            let input = crate::ssr::reward_forms::input(&form)?;
            crate::ssr::rewards::update(&a.ctx, &a.caller, &a.channel, &reward_id, input).await
        })
        .await
}

/// Turns a reward on or off.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn set_reward_enabled(reward_id: String, enabled: bool) -> Result<Reward, AppError> {
    REWARDS
        .after::<SetRewardEnabled, _>(async {
            let a = crate::ssr::acting::acting().await?;
            crate::ssr::reward_forms::set_enabled(
                &a.ctx, &a.caller, &a.channel, &reward_id, enabled,
            )
            .await
        })
        .await
}

/// Deletes a reward on Twitch and forgets it.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn delete_reward(reward_id: String) -> Result<(), AppError> {
    REWARDS
        .after::<DeleteReward, _>(async {
            let a = crate::ssr::acting::acting().await?;
            crate::ssr::rewards::delete(&a.ctx, &a.caller, &a.channel, &reward_id).await
        })
        .await
}
