//! Server functions of the dashboard and of every page's header: thin calls into
//! `crate::ssr::dashboard`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Dashboard, Me};

/// The signed-in user, or `None`.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::ssr::{acting, dashboard};
    dashboard::me(acting::acting().await).await
}

/// The signed-in streamer's channel: VIPs and rewards.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    use crate::ssr::{acting::acting, dashboard};
    let a = acting().await?;
    let data = dashboard::dashboard(&a.ctx, &a.caller).await?;
    Ok(Dashboard {
        just_granted: super::vips::GRANTED.take().await,
        ..data
    })
}
