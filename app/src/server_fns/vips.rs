//! Server functions of the dashboard's VIP forms: thin calls into `crate::ssr::vip_forms` and
//! `crate::ssr::vips`. A form post lands back at the part of the dashboard that shows its result.

use leptos::prelude::*;

use crate::error::AppError;

/// The sentence of a grant made by a form post, for the dashboard after the redirect.
#[cfg(feature = "ssr")]
pub(super) const GRANTED: super::flash::Flash = super::flash::Flash {
    name: "vip_granted",
    page: "/dashboard",
};

/// Where the grant form lands: its result line.
#[cfg(feature = "ssr")]
const GRANT_RESULT: super::landing::Landing = super::landing::Landing {
    page: "/dashboard",
    anchor: "grant-result",
};

/// Where the VIP list's forms land: the list, with their failures under it.
#[cfg(feature = "ssr")]
const VIP_LIST: super::landing::Landing = super::landing::Landing {
    page: "/dashboard",
    anchor: "dashboard-vips",
};

/// Grants VIP on the signed-in streamer's channel. Returns a sentence for the streamer.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn grant_vip(login: String, amount: String, unit: String) -> Result<String, AppError> {
    use crate::ssr::{acting::acting, vip_forms};
    GRANT_RESULT
        .after::<GrantVip, _>(async {
            let length = vip_forms::length(&amount, &unit)?;
            let sentence = vip_forms::grant(&acting().await?, &login, length).await?;
            GRANTED.keep(&sentence).await;
            Ok(sentence)
        })
        .await
}

/// Adds time to a VIP of the signed-in streamer's channel.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn extend_vip(viewer_id: String, amount: String, unit: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, vip_forms, vips};
    VIP_LIST
        .after::<ExtendVip, _>(async {
            let by = vip_forms::duration(&amount, &unit)?;
            let a = acting().await?;
            vips::extend(&a.ctx, &a.caller, &a.channel, &viewer_id, by)
                .await
                .map(drop)
        })
        .await
}

/// Removes a VIP of the signed-in streamer's channel now.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn revoke_vip(viewer_id: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, vips};
    VIP_LIST
        .after::<RevokeVip, _>(async {
            let a = acting().await?;
            vips::revoke(&a.ctx, &a.caller, &a.channel, &viewer_id).await
        })
        .await
}
