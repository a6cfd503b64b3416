//! The floor of the live-update fan-out: a minimal axum server of its own process, whose
//! `GET /api/ws` is a WebSocket over one broadcast channel when asked to upgrade (with the
//! product's small socket buffers) and axum's `Sse` otherwise, a `ready` event first as the
//! product's, and whose `POST /change` sends one `granted` event to every stream, as large as a
//! grant's in the product ([`EVENT_BYTES`]); a socket is read as the product's is. No login, no
//! store, no caps, no re-checks: what hyper, axum and tokio need for an open stream on this
//! machine. The benchmark binary is that process, started with [`ARG`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, State};
use axum::http::header::UPGRADE;
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::broadcast;

use crate::server_process::{memory_of, Memory};

/// About the size of a grant's event in the product (the session and its audit entry).
const EVENT_BYTES: usize = 1_100;

/// The first argument that makes the benchmark binary the floor server.
pub const ARG: &str = "--floor-sse-server";

/// The floor server's `main`: prints its port, then serves until it is killed.
///
/// # Errors
/// When it cannot listen.
#[allow(clippy::print_stdout)] // the port is its answer to the parent
pub fn serve_child() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("{}", listener.local_addr()?.port());
        let (changes, _) = broadcast::channel::<Change>(64);
        let app = Router::new()
            .route("/api/ws", get(stream))
            .route("/change", post(change))
            .with_state(changes);
        axum::serve(listener, app).await?;
        Ok(())
    })
}

async fn stream(
    State(changes): State<broadcast::Sender<Change>>,
    mut parts: Parts,
) -> axum::response::Response {
    if parts.headers.contains_key(UPGRADE) {
        return match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
            Ok(upgrade) => upgrade
                .read_buffer_size(256)
                .write_buffer_size(0)
                .on_upgrade(move |socket| socket_stream(socket, changes.subscribe())),
            Err(refused) => refused.into_response(),
        };
    }
    let ready =
        futures_util::stream::once(async { Ok(Event::default().event("ready").data("{}")) });
    let events = futures_util::stream::unfold(changes.subscribe(), |mut rx| async move {
        let change = rx.recv().await.ok()?;
        Some((
            Ok::<_, Infallible>(Event::default().event("granted").data(&*change.data)),
            rx,
        ))
    });
    Sse::new(futures_util::StreamExt::chain(ready, events))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

async fn socket_stream(mut socket: WebSocket, mut changes: broadcast::Receiver<Change>) {
    let ready = Message::Text(r#"{"event":"ready","data":{}}"#.into());
    if socket.send(ready).await.is_err() {
        return;
    }
    loop {
        let change = tokio::select! {
            change = changes.recv() => match change {
                Ok(change) => change,
                Err(_) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(_)) => continue,
                _ => return,
            },
        };
        if socket.send(Message::Text(change.message)).await.is_err() {
            return;
        }
    }
}

async fn change(State(changes): State<broadcast::Sender<Change>>) -> &'static str {
    let data = format!(r#"{{"pad":"{}"}}"#, "x".repeat(EVENT_BYTES));
    let message = format!(r#"{{"event":"granted","data":{data}}}"#).into();
    let _ = changes.send(Change {
        data: data.into(),
        message,
    });
    "sent"
}

/// One change, encoded once for every stream: SSE's data and the WebSocket's message.
#[derive(Clone)]
struct Change {
    data: Arc<str>,
    message: Utf8Bytes,
}

/// The running floor server, killed when dropped.
pub struct FloorSse {
    child: Child,
    pub addr: SocketAddr,
}

impl FloorSse {
    /// Starts this binary as the floor server and reads its port.
    ///
    /// # Errors
    /// When it cannot be started or does not say its port.
    pub async fn start() -> anyhow::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg(ARG)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).await?;
        let port: u16 = line
            .trim()
            .parse()
            .context("the floor server said no port")?;
        Ok(Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        })
    }

    /// # Errors
    /// When the process is gone.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        memory_of(self.child.id().context("the floor server has exited")?)
    }

    /// Sends one change to every stream.
    ///
    /// # Errors
    /// When the request fails.
    pub async fn change(&self) -> anyhow::Result<()> {
        reqwest::Client::new()
            .post(format!("http://{}/change", self.addr))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }
}
