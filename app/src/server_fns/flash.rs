//! One-time cookies that carry a result across the redirect of a form post (the pages' forms are
//! plain forms). A value is kept only when the browser asked for HTML, as a plain form post does;
//! the page's next render reads it and clears it. Only the page named by the cookie's path
//! receives it; they are `HttpOnly`, and short-lived in case they are never read. Any text can be
//! kept: it is percent-encoded in the cookie.

use std::fmt::Write;

use axum::http::header::{ACCEPT, CACHE_CONTROL, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

const ATTRIBUTES: &str = "HttpOnly; SameSite=Strict";
/// Long enough for the redirect.
const MAX_AGE_SECS: u32 = 120;

/// One kind of one-time value: its cookie's name, and the page that reads it.
pub struct Flash {
    pub name: &'static str,
    pub page: &'static str,
}

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
        let Self { name, page } = self;
        let value = encode(value);
        set_cookie(&format!(
            "{name}={value}; Path={page}; {ATTRIBUTES}; Max-Age={MAX_AGE_SECS}{secure}"
        ));
    }

    /// The value a plain form post left for this page, if any; clears it and keeps the page out
    /// of caches.
    pub async fn take(&self) -> Option<String> {
        let headers = headers().await?;
        let Self { name, page } = self;
        let value = decode(crate::ssr::cookies::cookie(&headers, name)?)?;
        set_cookie(&format!("{name}=; Path={page}; {ATTRIBUTES}; Max-Age=0"));
        if let Some(response) = use_context::<ResponseOptions>() {
            response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Some(value)
    }
}

/// `value` with every byte but ASCII letters, digits, `-` and `_` as `%XX`: a cookie value.
fn encode(value: &str) -> String {
    let mut kept = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            kept.push(char::from(b));
        } else {
            // Writing to a `String` cannot fail.
            let _ = write!(kept, "%{b:02X}");
        }
    }
    kept
}

/// What [`encode`] made, back; `None` when it is not (a cookie set by someone else).
fn decode(cookie: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(cookie.len());
    let mut rest = cookie.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_text_survives_the_cookie() {
        for text in ["1", "Ängstlich ist jetzt VIP für 1 h; \"x\"=y", "", "100%"] {
            let kept = encode(text);
            assert!(
                kept.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_%".contains(&b)),
                "{kept}"
            );
            assert_eq!(decode(&kept).as_deref(), Some(text));
        }
    }

    #[test]
    fn a_value_that_is_not_encoded_is_refused() {
        for bad in ["%", "%4", "%zz", "%FF"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
