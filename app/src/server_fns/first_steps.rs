//! Server function of the dashboard's first-five-minutes checklist: a thin call into
//! `crate::ssr::first_steps`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::FirstSteps;

/// The signed-in streamer's checklist.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_first_steps() -> Result<FirstSteps, AppError> {
    use crate::ssr::{acting::acting, first_steps};
    let a = acting().await?;
    first_steps::first_steps(&a.ctx, &a.caller).await
}
