use leptos::prelude::*;

use crate::error::AppError;

/// Grants VIP on the signed-in streamer's channel. Returns a sentence for the streamer.
#[server(output = super::codec::Json)]
pub async fn grant_vip(login: String, amount: String, unit: String) -> Result<String, AppError> {
    use crate::model::{GrantLength, VipDuration, STREAM_END};
    use crate::ssr::{auth, context, vips};
    let length = if unit == STREAM_END {
        GrantLength::StreamEnd
    } else {
        GrantLength::For(VipDuration::from_form(&amount, &unit)?)
    };
    let ctx = context()?;
    let caller = auth::server_fn_caller(ctx.store().as_ref()).await?;
    let channel = caller.user_id.as_str().into();
    let login = login.trim().trim_start_matches('@').to_owned();
    if login.is_empty() {
        return Err(AppError::Invalid("enter the viewer's Twitch name".into()));
    }
    match vips::grant(
        &ctx,
        &caller,
        &channel,
        vips::ViewerRef::Login(login.clone()),
        length,
    )
    .await?
    {
        vips::Granted::Vip(s) if s.expires_at.is_none() => Ok(format!(
            "{} is VIP until the stream ends",
            s.viewer.display_name
        )),
        vips::Granted::Vip(s) => Ok(format!(
            "{} is VIP for {}",
            s.viewer.display_name,
            s.remaining_secs(chrono::Utc::now())
                .and_then(|secs| VipDuration::from_secs(secs).ok())
                .map_or_else(|| length.to_string(), |d| d.to_string())
        )),
        vips::Granted::Waitlisted => Ok(format!(
            "All VIP slots are taken: {login} is on the waitlist"
        )),
    }
}

/// Adds time to a VIP of the signed-in streamer's channel.
#[server(output = super::codec::Json)]
pub async fn extend_vip(viewer_id: String, amount: String, unit: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context, vips};
    let by = crate::model::VipDuration::from_form(&amount, &unit)?;
    let ctx = context()?;
    let caller = auth::server_fn_caller(ctx.store().as_ref()).await?;
    let channel = caller.user_id.as_str().into();
    vips::extend(&ctx, &caller, &channel, &viewer_id, by).await?;
    Ok(())
}

/// Removes a VIP of the signed-in streamer's channel now.
#[server(output = super::codec::Json)]
pub async fn revoke_vip(viewer_id: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context, vips};
    let ctx = context()?;
    let caller = auth::server_fn_caller(ctx.store().as_ref()).await?;
    let channel = caller.user_id.as_str().into();
    vips::revoke(&ctx, &caller, &channel, &viewer_id).await
}
