//! How the server sets up the connections it accepts.

use axum::serve::{ListenerExt, TapIo};
use tokio::net::{TcpListener, TcpStream};

/// The listener the server serves on: [`without_nagle`] on every connection.
pub type Accepting = TapIo<TcpListener, fn(&mut TcpStream)>;

/// `listener`, whose connections send what is written at once.
pub fn accepting(listener: TcpListener) -> Accepting {
    listener.tap_io(without_nagle)
}

/// Turns Nagle's algorithm off. With it on, a write made while the connection's previous one is
/// not yet acknowledged waits for that acknowledgement, which a client's delayed ACK holds back by
/// 40 ms (Linux) to 200 ms (Windows): the second of two live events in quick succession on a
/// dashboard's WebSocket or an overlay's event stream, or a WebSocket's first message right after
/// its handshake, arrived that much later.
fn without_nagle(stream: &mut TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "cannot turn Nagle's algorithm off on a connection");
    }
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener;

    use super::*;

    #[tokio::test]
    async fn accepted_connections_send_what_is_written_at_once() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut listener = accepting(listener);
        let client = TcpStream::connect(addr).await.unwrap();
        let (accepted, peer) = listener.accept().await;
        assert!(accepted.nodelay().unwrap());
        assert_eq!(peer, client.local_addr().unwrap());
    }
}
