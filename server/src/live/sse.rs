//! The live stream as Server-Sent Events: `ready` first, then one event per update, with a comment
//! every 15 s so that proxies keep the connection open. What scripts (`curl -N`) read.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};

use super::open::Open;

/// The response that streams `open`.
pub(super) fn respond(open: Open) -> Response {
    // Tells the client the stream is open (a dashboard reloads what it shows on a reconnect).
    let ready =
        futures_util::stream::once(async { Ok(Event::default().event("ready").data("{}")) });
    let changes = futures_util::stream::unfold(open, |mut open| async move {
        let update = open.next().await?;
        let (kind, data) = update.parts();
        Some((
            Ok::<_, Infallible>(Event::default().event(kind).data(data)),
            open,
        ))
    });
    Sse::new(futures_util::StreamExt::chain(ready, changes))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
