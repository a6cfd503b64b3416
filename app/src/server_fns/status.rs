//! Server function of the server status shown in every page's footer.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::ServerStatus;

/// The server's version, clock and uptime.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(level = "debug", skip_all))]
pub async fn get_server_status() -> Result<ServerStatus, AppError> {
    Ok(crate::ssr::context()?.status())
}
