//! Server functions of the settings page's API tokens: thin calls into `crate::ssr::api_tokens`.
//! They act on the signed-in user only, by the login session; an API token never authorises them.
//!
//! A form post is redirected back to the page's tokens section, so a new token rides along in a
//! short-lived `HttpOnly` cookie that only the settings page receives and that its next render
//! reads and clears: the token never appears in a URL and is never stored on the server.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::{ApiTokenInfo, NewApiToken};

/// The settings page's view of the signed-in user's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokensData {
    pub tokens: Vec<ApiTokenInfo>,
    /// A token just created by a form posted without JavaScript: shown this once.
    pub created: Option<NewApiToken>,
}

/// A token just created by a plain form post, for the page after the redirect.
#[cfg(feature = "ssr")]
const NEW_TOKEN: super::flash::Flash = super::flash::Flash {
    name: "vip_new_api_token",
    page: "/settings",
};

/// Where the token forms land: the tokens' section, which shows a new token once.
#[cfg(feature = "ssr")]
const TOKENS: super::landing::Landing = super::landing::Landing {
    page: "/settings",
    anchor: "api-tokens-title",
};

/// The signed-in user's tokens, and a token a form just created without JavaScript.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn list_api_tokens() -> Result<ApiTokensData, AppError> {
    use crate::ssr::{acting::acting, api_tokens};
    let a = acting().await?;
    let created = api_tokens::shown_once(
        &a.ctx,
        &a.caller,
        NEW_TOKEN
            .take()
            .await
            .filter(|t| crate::model::is_api_token(t)),
    )
    .await?;
    let tokens = api_tokens::list(&a.ctx, &a.caller).await?;
    Ok(ApiTokensData { tokens, created })
}

/// Creates a token for the signed-in user; the answer is the only time it is shown.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn create_api_token(name: String) -> Result<NewApiToken, AppError> {
    use crate::ssr::{acting::acting, api_tokens};
    TOKENS
        .after::<CreateApiToken, _>(async {
            let a = acting().await?;
            let created = api_tokens::create(&a.ctx, &a.caller, &name).await?;
            NEW_TOKEN.keep(&created.token).await;
            Ok(created)
        })
        .await
}

/// Revokes one of the signed-in user's tokens.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn revoke_api_token(id: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, api_tokens};
    TOKENS
        .after::<RevokeApiToken, _>(async {
            let a = acting().await?;
            api_tokens::revoke(&a.ctx, &a.caller, &id).await
        })
        .await
}
