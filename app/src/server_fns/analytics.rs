//! Server function of the analytics page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Analytics;

/// The signed-in streamer's analytics over the last `days` UTC days (7, 30 or 90; 30 when empty).
#[server(output = super::codec::Json)]
pub async fn get_analytics(days: Option<String>) -> Result<Analytics, AppError> {
    use crate::model::parse_analytics_days;
    use crate::ssr::{analytics, auth, context};
    let ctx = context()?;
    let caller = auth::server_fn_caller(ctx.store().as_ref()).await?;
    let days = parse_analytics_days(days.as_deref())?;
    let channel = caller.user_id.as_str().into();
    analytics::analytics(&ctx, &caller, &channel, days, chrono::Utc::now()).await
}
