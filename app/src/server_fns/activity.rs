//! Server functions of the activity log and the public viewer page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AuditPage, PublicChannel};

/// A page of the signed-in streamer's activity log, newest first, filtered by action and viewer
/// (login or id); `before_at` + `before_id` continue from the cursor of an earlier page.
#[server(output = super::codec::Json)]
pub async fn get_activity(
    action: Option<String>,
    viewer: Option<String>,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<AuditPage, AppError> {
    use crate::model::ActivityParams;
    use crate::ssr::{activity, auth, context};
    let request = ActivityParams {
        action,
        viewer,
        before_at,
        before_id,
        cursor: None,
        limit: None,
    }
    .parse()?;
    let ctx = context()?;
    let caller = auth::server_fn_caller(ctx.store().as_ref()).await?;
    let channel = caller.user_id.as_str().into();
    activity::page(&ctx, &caller, &channel, request).await
}

/// The public VIP list of the channel with this login; needs no login.
#[server(output = super::codec::Json)]
pub async fn get_public_channel(login: String) -> Result<PublicChannel, AppError> {
    use crate::ssr::{activity, context};
    activity::public_channel(&context()?, &login).await
}
