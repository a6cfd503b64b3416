//! The settings page's live chat status: the chosen chat identity against the connected bot, the
//! streamer's scopes and this server's EventSub transport ([`crate::model::chat_status`]).

use super::auth::{authorize_streamer, Caller};
use super::{internal, ServerContext};
use crate::error::AppError;
use crate::model::{chat_status, ChannelId, ChatStatus};

/// The channel's chat status now.
///
/// # Errors
/// As [`authorize_streamer`]; [`AppError::Internal`] when the stored token cannot be read.
pub async fn get(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
) -> Result<ChatStatus, AppError> {
    let access = authorize_streamer(ctx, caller, channel).await?;
    let status = ctx.account()?;
    let granted = super::page_reads::token(status, &access.channel.id.0)
        .await
        .map_err(|e| internal("reading the stored token's scopes", &e))?
        .map(|t| t.scopes)
        .unwrap_or_default();
    let settings = &access.channel.settings;
    Ok(chat_status(
        settings.chat_commands.enabled,
        settings.chat_identity,
        status.chat_bot().await,
        &granted,
        status.webhook_transport(),
    ))
}
