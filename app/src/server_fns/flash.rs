//! One-time cookies that carry a result across the redirect of a form posted without JavaScript
//! (the settings page's forms are plain forms). A value is kept only when the browser asked for
//! HTML, as a plain form post does; the page's next render reads it and clears it. Only the
//! settings page receives them; they are `HttpOnly`, and short-lived in case they are never read.

use axum::http::header::{ACCEPT, CACHE_CONTROL, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

const ATTRIBUTES: &str = "Path=/settings; HttpOnly; SameSite=Strict";
/// Long enough for the redirect.
const MAX_AGE_SECS: u32 = 120;

/// One kind of one-time value, by its cookie's name.
pub struct Flash(pub &'static str);

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

impl Flash {
    /// Hands `value` to the page the browser is redirected to, when the request is a plain form
    /// post.
    pub async fn keep(&self, value: &str) {
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
        let name = self.0;
        set_cookie(&format!(
            "{name}={value}; {ATTRIBUTES}; Max-Age={MAX_AGE_SECS}{secure}"
        ));
    }

    /// The value a plain form post left for this page, if any; clears it and keeps the page out
    /// of caches.
    pub async fn take(&self) -> Option<String> {
        let headers = headers().await?;
        let name = self.0;
        let value = crate::ssr::cookies::cookie(&headers, name)?.to_owned();
        set_cookie(&format!("{name}=; {ATTRIBUTES}; Max-Age=0"));
        if let Some(response) = use_context::<ResponseOptions>() {
            response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Some(value)
    }
}

/// Where the browser reached this site (`https://host`), from the request's `Origin`, else its
/// `Referer`; empty when neither says.
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
