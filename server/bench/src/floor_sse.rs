//! The floor of the live-update fan-out: a minimal axum server of its own process, whose
//! `GET /api/ws` is axum's `Sse` over one broadcast channel (a `ready` event first, as the
//! product's) and whose `POST /change` sends one `granted` event to every stream. No login, no
//! store, no caps, no re-checks: what hyper, axum and tokio need for an open stream on this
//! machine. The benchmark binary is that process, started with [`ARG`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::broadcast;

use crate::server_process::{memory_of, Memory};

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
        let (changes, _) = broadcast::channel::<()>(64);
        let app = Router::new()
            .route("/api/ws", get(stream))
            .route("/change", post(change))
            .with_state(changes);
        axum::serve(listener, app).await?;
        Ok(())
    })
}

async fn stream(State(changes): State<broadcast::Sender<()>>) -> impl IntoResponse {
    let ready =
        futures_util::stream::once(async { Ok(Event::default().event("ready").data("{}")) });
    let events = futures_util::stream::unfold(changes.subscribe(), |mut rx| async move {
        rx.recv().await.ok()?;
        Some((
            Ok::<_, Infallible>(Event::default().event("granted").data("{}")),
            rx,
        ))
    });
    Sse::new(futures_util::StreamExt::chain(ready, events))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn change(State(changes): State<broadcast::Sender<()>>) -> &'static str {
    let _ = changes.send(());
    "sent"
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
