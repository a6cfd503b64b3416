//! One EventSub WebSocket: connect, read frames with a silence deadline, close. It never sends a
//! data frame (Twitch closes with 4001 on any); Ping frames are answered by tungstenite itself on
//! the next read, which the loop always has pending.

use std::sync::Once;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::net::TcpStream;
use tokio::time::{sleep_until, timeout, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use super::machine::allowed_silence;
use crate::eventsub::parse::{parse_ws, WsMessage};

/// How long closing a socket may take before it is simply dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_millis(500);

/// What reading a socket produced.
#[derive(Debug)]
pub enum Frame {
    Message(WsMessage),
    /// A close frame (with its code) or the transport ended (`None`).
    Closed(Option<u16>),
    /// Nothing arrived before the deadline.
    Silent,
}

pub struct Socket {
    /// Boxed: the stream is 1.4 KB, and a session's future keeps room for several sockets (the
    /// current one, a successor, one draining, those it closes) for as long as the channel is
    /// watched.
    ws: Box<WebSocketStream<MaybeTlsStream<TcpStream>>>,
    deadline: Instant,
    silence: Duration,
}

/// `wss://` needs a rustls crypto provider; the dependency graph enables two, so rustls cannot pick
/// one by itself. Installs ring's unless the process already chose one.
fn ensure_tls_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Socket {
    /// Connects to `url` verbatim. Until a welcome sets the keepalive window, the socket may stay
    /// silent for `welcome_timeout`.
    ///
    /// # Errors
    /// A description of the failure (timeout, refused, bad handshake).
    pub async fn open(url: &str, welcome_timeout: Duration) -> Result<Self, String> {
        if url.starts_with("wss:") {
            ensure_tls_provider();
        }
        let (ws, _) = timeout(welcome_timeout, connect_async(url))
            .await
            .map_err(|_| "connecting timed out".to_owned())?
            .map_err(|e| format!("cannot connect: {e}"))?;
        Ok(Self {
            ws: Box::new(ws),
            deadline: Instant::now() + welcome_timeout,
            silence: welcome_timeout,
        })
    }

    /// Applies the session's keepalive timeout; the silence window restarts now.
    pub fn set_keepalive(&mut self, keepalive: Duration) {
        self.silence = allowed_silence(keepalive);
        self.deadline = Instant::now() + self.silence;
    }

    /// The next EventSub message, the end of the socket, or silence past the deadline.
    /// Cancel-safe: nothing is lost when the future is dropped between frames.
    pub async fn next(&mut self) -> Frame {
        loop {
            // Biased: a frame already buffered wins over a deadline that passed while the
            // caller was busy, so no notification Twitch sent in time is mistaken for silence.
            let received = tokio::select! {
                biased;
                received = self.ws.next() => received,
                () = sleep_until(self.deadline) => return Frame::Silent,
            };
            match received {
                Some(Ok(Message::Text(text))) => {
                    self.deadline = Instant::now() + self.silence;
                    match parse_ws(text.as_str()) {
                        Ok(message) => return Frame::Message(message),
                        Err(e) => {
                            tracing::warn!(error = %e, "ignoring an unreadable EventSub message")
                        }
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    return Frame::Closed(frame.map(|f| u16::from(f.code)))
                }
                // Ping (the Pong goes out on the next read), Pong, binary: not EventSub messages.
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "EventSub socket failed");
                    return Frame::Closed(None);
                }
                None => return Frame::Closed(None),
            }
        }
    }

    /// Sends a close frame (normal closure) and waits briefly for the handshake.
    pub async fn close(mut self) {
        let _ = timeout(CLOSE_TIMEOUT, self.ws.close(None)).await;
    }
}

#[cfg(test)]
mod tests {
    use futures_util::SinkExt;
    use tokio::net::TcpListener;

    use super::*;

    const KEEPALIVE: &str = r#"{"metadata":{"message_id":"k1","message_type":"session_keepalive","message_timestamp":"2026-12-04T10:00:00Z"},"payload":{}}"#;

    /// A frame that arrived in time but was read only after the silence deadline (the reader was
    /// busy) is a message, never silence: repeated, because an unbiased race would pick either.
    #[tokio::test]
    async fn a_frame_buffered_before_the_deadline_wins_over_it() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
                    ws.send(Message::Text(KEEPALIVE.into())).await.unwrap();
                    // Keep the connection open until the client is done.
                    let _ = ws.next().await;
                });
            }
        });
        for _ in 0..32 {
            let mut socket = Socket::open(&url, Duration::from_secs(5)).await.unwrap();
            socket.set_keepalive(Duration::from_millis(20));
            // Busy past the deadline (30 ms) while the frame waits in the buffer.
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert!(
                matches!(socket.next().await, Frame::Message(_)),
                "a buffered frame was taken for silence"
            );
            socket.close().await;
        }
    }
}
