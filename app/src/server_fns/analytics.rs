//! Server function of the analytics page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Analytics;

/// The signed-in streamer's analytics over the last `days` UTC days (7, 30 or 90; 30 when empty).
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_analytics(days: Option<String>) -> Result<Analytics, AppError> {
    use crate::ssr::{acting::acting, analytics};
    let a = acting().await?;
    let days = crate::model::parse_analytics_days(days.as_deref())?;
    analytics::analytics(&a.ctx, &a.caller, &a.channel, days, chrono::Utc::now()).await
}
