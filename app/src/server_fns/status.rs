use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ServerStatus;

/// The server's version, clock and uptime.
#[server(output = super::codec::Json)]
pub async fn get_server_status() -> Result<ServerStatus, AppError> {
    let ctx = crate::ssr::context()?;
    Ok(ctx.status())
}
