//! A streamer's authorisation of the app on Twitch: given at each login ([`record_login`]) and
//! lost when Twitch no longer accepts their token ([`mark_needs_reauth`]).

use chrono::Utc;

use super::{new_id, Store, StoreResult};
use crate::model::{Actor, AuditAction, AuditDetails, AuditEntry, ChannelId};

/// Twitch no longer accepts the channel's token: flag the channel (the dashboard shows why and
/// EventSub stops for it) and write one audit entry. Does nothing if the flag is already set or
/// the user has no channel (a moderator's own token).
///
/// # Errors
/// When the store fails.
pub async fn mark_needs_reauth(
    store: &dyn Store,
    channel: &ChannelId,
    reason: &str,
) -> StoreResult<bool> {
    let Some(current) = store.channel(channel).await? else {
        return Ok(false);
    };
    if current.needs_reauth {
        return Ok(false);
    }
    store.set_needs_reauth(channel, true).await?;
    tracing::warn!(channel = %channel, reason, "channel needs re-authorisation");
    store
        .append_audit(&AuditEntry {
            id: new_id(),
            channel_id: channel.clone(),
            at: Utc::now(),
            action: AuditAction::ReauthNeeded,
            actor: Actor::System,
            target: None,
            metadata: AuditDetails {
                reason: Some(reason.to_owned()),
                ..AuditDetails::default()
            }
            .into(),
        })
        .await?;
    Ok(true)
}

/// A streamer finished logging in with Twitch: creates their channel with default settings on the
/// first login, refreshes the profile and clears "needs re-authorisation" on later ones, and writes
/// a login audit entry. Returns the channel as stored. A new channel's chat templates are in
/// `lang`, the language the streamer uses the app in.
///
/// # Errors
/// When the store fails.
pub async fn record_login(
    store: &dyn Store,
    user: &super::twitch::TwitchUser,
    scopes: &[String],
    lang: crate::i18n::Lang,
) -> StoreResult<crate::model::Channel> {
    let id = ChannelId(user.id.clone());
    let settings = match store.channel(&id).await? {
        Some(existing) => existing.settings,
        None => crate::model::Settings {
            chat: crate::model::ChatTemplates::in_language(lang),
            language: Some(lang),
            ..crate::model::Settings::default()
        },
    };
    let channel = crate::model::Channel {
        id: id.clone(),
        login: user.login.clone(),
        display_name: user.display_name.clone(),
        profile_image_url: user.profile_image_url.clone(),
        settings,
        needs_reauth: false,
    };
    store.save_channel(&channel).await?;
    store
        .append_audit(&AuditEntry {
            id: new_id(),
            channel_id: id,
            at: Utc::now(),
            action: AuditAction::Login,
            actor: Actor::Streamer {
                id: user.id.clone(),
                login: user.login.clone(),
            },
            target: None,
            metadata: AuditDetails {
                scopes: Some(scopes.to_vec()),
                ..AuditDetails::default()
            }
            .into(),
        })
        .await?;
    Ok(channel)
}
