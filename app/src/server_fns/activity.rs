//! Server functions of the activity log and the public viewer page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AuditPage, PublicChannel};

/// A page of the signed-in streamer's activity log, newest first, filtered by action and viewer
/// (login or id); `before_at` + `before_id` continue from the cursor of an earlier page.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_activity(
    action: Option<String>,
    viewer: Option<String>,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<AuditPage, AppError> {
    use crate::ssr::{acting::acting, activity};
    let request = activity::form_request(action, viewer, before_at, before_id)?;
    let a = acting().await?;
    activity::page(&a.ctx, &a.caller, &a.channel, request).await
}

/// The public VIP list of the channel with this login; needs no login.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_public_channel(login: String) -> Result<PublicChannel, AppError> {
    use crate::ssr::{activity, context};
    activity::public_channel(&context()?, &login).await
}
