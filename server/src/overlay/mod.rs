//! The OBS overlay: a browser source at `/overlay/{secret}` showing a channel's "new VIP" alert and
//! its current VIPs with live countdowns, on a transparent background. Read-only; the secret in
//! the URL is the only credential (see `app::ssr::overlay`), a wrong or revoked one is a 404 like
//! any unknown path, and the page shows names and time left only. Its live updates come from the
//! dashboards' live stream (`crate::live::overlay`, `/overlay/{secret}/events`).

mod options;
mod page;
mod words;

use std::collections::HashMap;

use app::i18n::{from_headers, Lang};
use app::ssr::{overlay, ServerContext};
use app::AppError;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;

pub use options::OverlayOptions;

const SCRIPT: &str = include_str!("overlay.js");
const STYLE: &str = include_str!("overlay.css");
/// The overlay's files change only with the server: an hour in caches.
const FILE_CACHE: &str = "public, max-age=3600";

/// `GET /overlay/{secret}`: the overlay page, in the language of its `lang` option, else the
/// browser source's `Accept-Language`, else English.
pub async fn page(
    State(ctx): State<ServerContext>,
    Path(secret): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let asked = query
        .get("lang")
        .and_then(|tag| Lang::from_tag(tag))
        .unwrap_or_else(|| from_headers(&headers));
    let store = ctx.store();
    let channel = match overlay::open(store.as_ref(), &secret).await {
        Ok(channel) => channel,
        Err(AppError::NotFound) => return not_found(asked),
        Err(e) => return e.into_response(),
    };
    let options = match OverlayOptions::parse(&query) {
        Ok(options) => options,
        Err(problem) => {
            tracing::info!(%problem, "overlay refused: bad option");
            return (
                StatusCode::BAD_REQUEST,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{}: {problem}\n", words::words(asked).bad_option),
            )
                .into_response();
        }
    };
    let lang = options.lang.unwrap_or(asked);
    match overlay::snapshot(store.as_ref(), &channel, Utc::now()).await {
        Ok(snapshot) => Html(page::render(&snapshot, &options, lang)).into_response(),
        Err(AppError::NotFound) => not_found(lang),
        Err(e) => e.into_response(),
    }
}

/// A wrong, malformed or revoked secret: the same answer for all.
fn not_found(lang: Lang) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n", words::words(lang).not_found),
    )
        .into_response()
}

/// `GET /overlay.js`
pub async fn script() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, FILE_CACHE),
        ],
        SCRIPT,
    )
        .into_response()
}

/// `GET /overlay.css`
pub async fn style() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, FILE_CACHE),
        ],
        STYLE,
    )
        .into_response()
}
