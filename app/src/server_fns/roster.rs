//! Server functions of the dashboard's VIP slots: thin calls into `crate::ssr::roster`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Roster;

/// Where the slots' forms land: the slots panel, which shows their results.
#[cfg(feature = "ssr")]
const SLOTS: super::landing::Landing = super::landing::Landing {
    page: "/dashboard",
    anchor: "dashboard-slots",
};

/// The signed-in streamer's VIP slots: every VIP, slots used and capacity, the exclusion list.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_roster() -> Result<Roster, AppError> {
    use crate::ssr::{acting::acting, roster};
    let a = acting().await?;
    roster::roster(&a.ctx, &a.caller, &a.channel).await
}

/// Protects a VIP (`protect` = `"true"`) or takes the protection away (any other value).
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn protect_vip(viewer_id: String, protect: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, roster};
    SLOTS
        .after::<ProtectVip, _>(async {
            let a = acting().await?;
            roster::set_protected(&a.ctx, &a.caller, &a.channel, &viewer_id, protect == "true")
                .await
                .map(drop)
        })
        .await
}

/// Gives a permanent VIP a deadline from now.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn give_vip_deadline(
    viewer_id: String,
    amount: String,
    unit: String,
) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, roster, vip_forms};
    SLOTS
        .after::<GiveVipDeadline, _>(async {
            let length = vip_forms::duration(&amount, &unit)?;
            let a = acting().await?;
            roster::give_deadline(&a.ctx, &a.caller, &a.channel, &viewer_id, length)
                .await
                .map(drop)
        })
        .await
}

/// Puts a viewer on the exclusion list (again, changing nothing, if they are on it already). The
/// slots panel it lands at shows the list.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn exclude_viewer(login: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, roster, vips::ViewerRef};
    SLOTS
        .after::<ExcludeViewer, _>(async {
            let a = acting().await?;
            roster::exclude(&a.ctx, &a.caller, &a.channel, ViewerRef::Login(login))
                .await
                .map(drop)
        })
        .await
}

/// Takes a viewer off the exclusion list.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn readmit_viewer(viewer_id: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, roster};
    SLOTS
        .after::<ReadmitViewer, _>(async {
            let a = acting().await?;
            roster::readmit(&a.ctx, &a.caller, &a.channel, &viewer_id).await
        })
        .await
}
