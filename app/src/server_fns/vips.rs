//! Server functions of the dashboard's VIP forms: thin calls into `crate::ssr::vip_forms` and
//! `crate::ssr::vips`.

use leptos::prelude::*;

use crate::error::AppError;

/// Grants VIP on the signed-in streamer's channel. Returns a sentence for the streamer.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn grant_vip(login: String, amount: String, unit: String) -> Result<String, AppError> {
    use crate::ssr::{acting::acting, vip_forms};
    let length = vip_forms::length(&amount, &unit)?;
    vip_forms::grant(&acting().await?, &login, length).await
}

/// Adds time to a VIP of the signed-in streamer's channel.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn extend_vip(viewer_id: String, amount: String, unit: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, vips};
    let by = crate::model::VipDuration::from_form(&amount, &unit)
        .map_err(crate::model::BadInput::VipLength)?;
    let a = acting().await?;
    vips::extend(&a.ctx, &a.caller, &a.channel, &viewer_id, by)
        .await
        .map(drop)
}

/// Removes a VIP of the signed-in streamer's channel now.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn revoke_vip(viewer_id: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, vips};
    let a = acting().await?;
    vips::revoke(&a.ctx, &a.caller, &a.channel, &viewer_id).await
}
