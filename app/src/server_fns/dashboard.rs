use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Dashboard, Me};

/// The signed-in user, or `None`.
#[server(output = super::codec::Json)]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::ssr::{auth, context, internal};
    let Ok(user_id) = auth::signed_in().await else {
        return Ok(None);
    };
    let ctx = context()?;
    let channel = ctx
        .store()
        .channel(&user_id.as_str().into())
        .await
        .map_err(|e| internal("reading the signed-in channel", &e))?;
    if let Some(c) = channel {
        return Ok(Some(Me {
            user_id,
            login: c.login,
            display_name: c.display_name,
        }));
    }
    // A moderator signed in as one only: no channel, the login is in the session.
    let caller = auth::server_fn_caller(ctx.store().as_ref()).await.ok();
    Ok(caller.map(|c| Me {
        user_id,
        display_name: c.login.clone(),
        login: c.login,
    }))
}

/// The signed-in streamer's channel: VIPs and rewards.
#[server(output = super::codec::Json)]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::ssr::{account, auth, context, internal};
    let user_id = auth::signed_in().await?;
    let ctx = context()?;
    let store = ctx.store();
    let channel = store
        .channel(&user_id.as_str().into())
        .await
        .map_err(|e| internal("reading a channel", &e))?
        .ok_or(AppError::NotFound)?;
    let vips = store
        .active_sessions(&channel.id)
        .await
        .map_err(|e| internal("listing VIPs", &e))?;
    let rewards = store
        .rewards(&channel.id)
        .await
        .map_err(|e| internal("listing rewards", &e))?;
    let missing_scopes = account::scopes_of(&*account::status()?, &channel)
        .await?
        .missing;
    Ok(Dashboard {
        channel_id: channel.id,
        login: channel.login,
        display_name: channel.display_name,
        needs_reauth: channel.needs_reauth,
        missing_scopes,
        vips,
        rewards,
        now: chrono::Utc::now(),
    })
}
