//! Server functions of the settings page's API tokens: thin calls into `crate::ssr::api_tokens`.
//! They act on the signed-in user only, by the login session; an API token never authorises them.
//!
//! A new token is returned to the hydrated page. A form posted without JavaScript is redirected
//! back to the page instead, so the token rides along in a short-lived `HttpOnly` cookie that
//! only the settings page receives and that its next render reads and clears: the token never
//! appears in a URL and is never stored on the server.

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

#[cfg(feature = "ssr")]
mod flash {
    //! The one-time cookie that carries a new token across the redirect of a plain form post.

    use axum::http::header::{ACCEPT, CACHE_CONTROL, COOKIE, ORIGIN, SET_COOKIE};
    use axum::http::{HeaderMap, HeaderValue};
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use crate::model::is_api_token;

    const NAME: &str = "vip_new_api_token";
    /// Only the settings page gets it; long enough for the redirect, short if it is never read.
    const ATTRIBUTES: &str = "Path=/settings; HttpOnly; SameSite=Strict";
    const MAX_AGE_SECS: u32 = 120;

    async fn headers() -> Option<HeaderMap> {
        leptos_axum::extract::<HeaderMap>().await.ok()
    }

    fn set_cookie(value: String) {
        let Some(response) = use_context::<ResponseOptions>() else {
            return;
        };
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.append_header(SET_COOKIE, value);
        }
    }

    /// Hands `token` to the page the browser is redirected to, when the request is a plain form
    /// post (the browser asked for HTML, as it does without JavaScript).
    pub async fn keep(token: &str) {
        let Some(headers) = headers().await else {
            return;
        };
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        if !text(ACCEPT).is_some_and(|a| a.contains("text/html")) {
            return;
        }
        let secure = if text(ORIGIN).is_some_and(|o| o.starts_with("https://")) {
            "; Secure"
        } else {
            ""
        };
        set_cookie(format!(
            "{NAME}={token}; {ATTRIBUTES}; Max-Age={MAX_AGE_SECS}{secure}"
        ));
    }

    /// The token a plain form post left for this page, if any; clears it and keeps the page out
    /// of caches.
    pub async fn take() -> Option<String> {
        let headers = headers().await?;
        let token = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == NAME)
            .map(|(_, value)| value.to_owned())?;
        set_cookie(format!("{NAME}=; {ATTRIBUTES}; Max-Age=0"));
        if let Some(response) = use_context::<ResponseOptions>() {
            response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        is_api_token(&token).then_some(token)
    }
}

/// The signed-in user's tokens, and a token a form just created without JavaScript.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn list_api_tokens() -> Result<ApiTokensData, AppError> {
    use crate::ssr::{acting::acting, api_tokens};
    let a = acting().await?;
    let created = api_tokens::shown_once(&a.ctx, &a.caller, flash::take().await).await?;
    let tokens = api_tokens::list(&a.ctx, &a.caller).await?;
    Ok(ApiTokensData { tokens, created })
}

/// Creates a token for the signed-in user; the answer is the only time it is shown.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn create_api_token(name: String) -> Result<NewApiToken, AppError> {
    use crate::ssr::{acting::acting, api_tokens};
    let a = acting().await?;
    let created = api_tokens::create(&a.ctx, &a.caller, &name).await?;
    flash::keep(&created.token).await;
    Ok(created)
}

/// Revokes one of the signed-in user's tokens.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn revoke_api_token(id: String) -> Result<(), AppError> {
    use crate::ssr::{acting::acting, api_tokens};
    let a = acting().await?;
    api_tokens::revoke(&a.ctx, &a.caller, &id).await
}
