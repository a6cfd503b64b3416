//! The account page's port and use case. What only the server knows about a streamer's Twitch
//! authorisation (the scopes it asks for, what the stored token carries, the EventSub state) comes
//! through [`AccountStatus`], which the server implements and puts in the [`ServerContext`].

use async_trait::async_trait;
use chrono::Utc;

use super::auth::{authorize_streamer, Caller};
use super::{internal, OrInternal, ServerContext};
use crate::error::AppError;
use crate::model::{
    AccountOverview, Channel, ChannelId, ChatBotState, EventSubState, ScopeStatus, ScopeSummary,
    Settings, TokenHealth,
};

/// A scope the app asks for and the feature that needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredScope {
    pub scope: String,
    pub reason: String,
}

/// The server's view of a streamer's authorisation.
#[async_trait]
pub trait AccountStatus: Send + Sync + 'static {
    /// Every scope a channel with these grant rules needs, in the order the app asks for them:
    /// those every channel needs, then those its enabled rules add.
    fn required_scopes(&self, settings: &Settings) -> Vec<RequiredScope>;

    /// The scopes and expiry of the user's stored token. Never the token itself.
    ///
    /// # Errors
    /// Implementations MUST return `Ok(None)` when no usable token is stored (none, or it no longer
    /// opens), and `Err` with a description only when the store cannot be read.
    async fn token(&self, user_id: &str) -> Result<Option<TokenHealth>, String>;

    /// The channel's EventSub state on this instance; `None` when it does not watch the channel.
    fn eventsub(&self, channel: &ChannelId) -> Option<EventSubState>;

    /// Whether this server subscribes with the app access token (webhooks, conduit), else with
    /// each streamer's token (WebSocket).
    fn webhook_transport(&self) -> bool;

    /// How EventSub reaches this server: `"websocket"`, `"webhook"` or `"conduit"`.
    fn eventsub_transport(&self) -> &'static str;

    /// The app's chat bot as Twitch sees it now (its stored authorisation validated).
    async fn chat_bot(&self) -> ChatBotState;
}

/// The signed-in streamer's account: profile, scopes required vs granted, token health, EventSub.
///
/// # Errors
/// [`AppError::NotFound`] when the caller has no channel; [`AppError::Internal`] on store failure.
pub async fn overview(ctx: &ServerContext, caller: &Caller) -> Result<AccountOverview, AppError> {
    let status = ctx.account()?;
    let id = ChannelId(caller.user_id.clone());
    let channel = super::page_reads::channel(ctx.store().as_ref(), &id)
        .await
        .or_internal("reading the account's channel")?
        .ok_or(AppError::NotFound)?;
    let token = super::page_reads::token(status, &caller.user_id)
        .await
        .map_err(|e| internal("reading the stored token's scopes", &e))?;
    let granted = token
        .as_ref()
        .map(|t| t.scopes.as_slice())
        .unwrap_or_default();
    let scopes = status
        .required_scopes(&channel.settings)
        .into_iter()
        .map(|r| ScopeStatus {
            granted: granted.contains(&r.scope),
            scope: r.scope,
            reason: r.reason,
        })
        .collect();
    Ok(AccountOverview {
        user_id: caller.user_id.clone(),
        login: channel.login,
        display_name: channel.display_name,
        profile_image_url: channel.profile_image_url,
        scopes,
        token,
        needs_reauth: channel.needs_reauth,
        eventsub: status.eventsub(&id),
        now: Utc::now(),
    })
}

/// The channel's granted scopes against those its settings need. For its streamer only.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone else; [`AppError::Internal`] when the store cannot be read.
pub async fn scope_summary(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<ScopeSummary, AppError> {
    let access = authorize_streamer(ctx, caller, channel).await?;
    scopes_of(ctx.account()?, &access.channel).await
}

/// `channel`'s granted scopes against those its settings need.
///
/// # Errors
/// [`AppError::Internal`] when the stored token cannot be read.
pub async fn scopes_of(
    status: &dyn AccountStatus,
    channel: &Channel,
) -> Result<ScopeSummary, AppError> {
    let granted = super::page_reads::token(status, &channel.id.0)
        .await
        .map_err(|e| internal("reading the stored token's scopes", &e))?
        .map(|t| t.scopes)
        .unwrap_or_default();
    let required: Vec<String> = status
        .required_scopes(&channel.settings)
        .into_iter()
        .map(|r| r.scope)
        .collect();
    let missing = required
        .iter()
        .filter(|s| !granted.contains(s))
        .cloned()
        .collect();
    Ok(ScopeSummary {
        granted,
        required,
        missing,
    })
}
