//! The live stream as a WebSocket, what the dashboard opens: `{"event": "ready", "data": {}}`
//! first, then one text message per update in the same shape. Once the handshake is answered the
//! connection no longer holds HTTP's buffers, only the socket's own (kept small: a client sends
//! nothing but pongs and its close), so an open dashboard costs the server a few kilobytes.
//!
//! The server pings a socket that has been quiet for three re-checks of its caller (15 s by
//! default), so that proxies keep it open and a vanished client is noticed. It closes with `1001` when it shuts down (the dashboard
//! reconnects) and with `1008` when the caller lost the right to watch (the dashboard stops).
//! A client's text is ignored; a message over [`MAX_MESSAGE`] bytes ends the socket.

use axum::extract::ws::{close_code, CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::FromRequestParts;
use axum::http::header::UPGRADE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use super::open::{Ended, Open, Step, Wake};

/// A socket silent for this many re-checks of its caller is pinged (15 s by default).
const PING_AFTER_RECHECKS: u32 = 3;
/// The most a client may send in one message: a close reason or a pong's echo fits.
const MAX_MESSAGE: usize = 1024;
/// The socket's read buffer: enough for a pong or a close frame.
const READ_BUFFER: usize = 256;

/// The request's WebSocket handshake, if it asks for one.
///
/// # Errors
/// A request that asks for a WebSocket but is not a valid handshake: the answer to send.
pub(super) async fn upgrade_of(parts: &mut Parts) -> Result<Option<WebSocketUpgrade>, Response> {
    if !parts.headers.contains_key(UPGRADE) {
        return Ok(None);
    }
    WebSocketUpgrade::from_request_parts(parts, &())
        .await
        .map(Some)
        .map_err(IntoResponse::into_response)
}

/// The `101` that hands the connection to the stream.
pub(super) fn respond(upgrade: WebSocketUpgrade, open: Open) -> Response {
    upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| serve(socket, open))
}

async fn serve(mut socket: WebSocket, mut open: Open) {
    let ended = run(&mut socket, &mut open).await;
    let frame = match ended {
        Some(Ended::Shutdown) => CloseFrame {
            code: close_code::AWAY,
            reason: Utf8Bytes::from_static("server shutting down"),
        },
        Some(Ended::RightLost) => CloseFrame {
            code: close_code::POLICY,
            reason: Utf8Bytes::from_static("no longer allowed to watch this channel"),
        },
        // The client left or the socket failed: nothing more to say.
        None => return,
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Sends `ready` and then every update until the stream ends (`Some`: why) or the client leaves
/// (`None`).
async fn run(socket: &mut WebSocket, open: &mut Open) -> Option<Ended> {
    send(
        socket,
        Utf8Bytes::from_static(r#"{"event":"ready","data":{}}"#),
    )
    .await?;
    let ping_after = open.recheck.period() * PING_AFTER_RECHECKS;
    let mut last_sent = Instant::now();
    loop {
        let wake = tokio::select! {
            wake = open.wait() => wake,
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                // Pongs, and anything else a client says: nothing to answer.
                Some(Ok(_)) => continue,
            },
        };
        let pinging = matches!(wake, Wake::Recheck) && last_sent.elapsed() >= ping_after;
        match open.step(wake).await {
            Step::Send(update) => send(socket, update.text()).await?,
            Step::Checked if pinging => {
                socket.send(Message::Ping(Default::default())).await.ok()?
            }
            Step::Checked => continue,
            Step::End(ended) => return Some(ended),
        }
        last_sent = Instant::now();
    }
}

async fn send(socket: &mut WebSocket, text: Utf8Bytes) -> Option<()> {
    socket.send(Message::Text(text)).await.ok()
}
