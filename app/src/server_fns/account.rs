//! Server function of the account page: a thin call into `crate::ssr::account`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::AccountOverview;

/// The signed-in streamer's Twitch account, scopes, token health and EventSub state.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_account() -> Result<AccountOverview, AppError> {
    use crate::ssr::{account, acting::acting};
    let a = acting().await?;
    account::overview(&a.ctx, &a.caller).await
}
