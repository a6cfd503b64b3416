//! Server functions of the settings page's OBS overlay: thin calls into `crate::ssr::overlay`,
//! for the signed-in streamer's own channel, by the login session.
//!
//! A new URL is returned to the hydrated page. A form posted without JavaScript is redirected
//! back to the page instead, so the URL's path rides along in a short-lived `HttpOnly` cookie
//! that only the settings page receives and that its next render reads and clears.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::OverlayLink;

#[cfg(feature = "ssr")]
mod flash {
    //! The one-time cookie that carries a new overlay URL across the redirect of a plain form post.

    use axum::http::header::{ACCEPT, CACHE_CONTROL, COOKIE, ORIGIN, SET_COOKIE};
    use axum::http::{HeaderMap, HeaderValue};
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use crate::model::is_overlay_secret;

    const NAME: &str = "vip_new_overlay";
    const ATTRIBUTES: &str = "Path=/settings; HttpOnly; SameSite=Strict";
    const MAX_AGE_SECS: u32 = 120;

    async fn headers() -> Option<HeaderMap> {
        leptos_axum::extract::<HeaderMap>().await.ok()
    }

    fn set_cookie(value: &str) {
        let Some(response) = use_context::<ResponseOptions>() else {
            return;
        };
        if let Ok(value) = HeaderValue::from_str(value) {
            response.append_header(SET_COOKIE, value);
        }
    }

    /// Hands `secret` to the page the browser is redirected to, for a plain form post.
    pub async fn keep(secret: &str) {
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
        set_cookie(&format!(
            "{NAME}={secret}; {ATTRIBUTES}; Max-Age={MAX_AGE_SECS}{secure}"
        ));
    }

    /// Where the browser reached this site (`https://host`), from the request's `Origin`, else
    /// its `Referer`; empty when neither says.
    pub async fn site_origin() -> String {
        let Some(headers) = headers().await else {
            return String::new();
        };
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let from = text(ORIGIN).or_else(|| text(axum::http::header::REFERER));
        from.and_then(|url| {
            let (scheme, rest) = url.split_once("://")?;
            let host = rest.split('/').next()?;
            let ok = matches!(scheme, "http" | "https")
                && !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
            ok.then(|| format!("{scheme}://{host}"))
        })
        .unwrap_or_default()
    }

    /// The secret a plain form post left for this page, if any; clears it.
    pub async fn take() -> Option<String> {
        let headers = headers().await?;
        let secret = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == NAME)
            .map(|(_, value)| value.to_owned())?;
        set_cookie(&format!("{NAME}=; {ATTRIBUTES}; Max-Age=0"));
        if let Some(response) = use_context::<ResponseOptions>() {
            response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        is_overlay_secret(&secret).then_some(secret)
    }
}

/// Whether the streamer's channel has an overlay URL, and one a form just made without
/// JavaScript (shown this once, if it is still the channel's).
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn get_overlay_link() -> Result<OverlayLink, AppError> {
    use crate::ssr::{acting::acting, overlay};
    let a = acting().await?;
    let mut link = overlay::status(&a.ctx, &a.caller).await?;
    if let Some(secret) = flash::take().await {
        let current = overlay::open(a.ctx.store().as_ref(), &secret).await;
        if current.is_ok_and(|channel| channel.0 == a.caller.user_id) {
            let origin = flash::site_origin().await;
            link.new_path = Some(format!("{origin}{}{secret}", crate::model::OVERLAY_PATH));
        }
    }
    Ok(link)
}

/// Makes a new overlay URL (the earlier one stops working); the answer is the only time it is
/// shown.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn make_overlay_url() -> Result<OverlayLink, AppError> {
    use crate::ssr::{acting::acting, overlay};
    let a = acting().await?;
    // Whole seconds: what the store keeps, so the page can tell this URL is still the current one.
    let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0);
    let secret = overlay::make(&a.ctx, &a.caller, now).await?;
    flash::keep(&secret).await;
    let origin = flash::site_origin().await;
    Ok(OverlayLink {
        created_at: Some(now),
        new_path: Some(format!("{origin}{}{secret}", crate::model::OVERLAY_PATH)),
    })
}

/// Revokes the overlay URL: it answers 404 from now on.
#[server(output = super::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn revoke_overlay_url() -> Result<(), AppError> {
    use crate::ssr::{acting::acting, overlay};
    let a = acting().await?;
    overlay::revoke(&a.ctx, &a.caller).await
}
