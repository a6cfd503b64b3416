//! Server function of the account page: a thin call into `crate::ssr::account`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::AccountOverview;

/// The signed-in streamer's Twitch account, scopes, token health and EventSub state.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn get_account() -> Result<AccountOverview, AppError> {
    use crate::ssr::{account, auth, context};
    let ctx = context()?;
    let caller = auth::server_fn_caller(ctx.store().as_ref()).await?;
    let status = account::status()?;
    account::overview(&ctx, status.as_ref(), &caller).await
}
