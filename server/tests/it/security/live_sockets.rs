//! The dashboard's live stream as a WebSocket (`GET /api/ws` with an upgrade): `ready`, then the
//! same events as the Server-Sent Events stream, behind the same login, origin check, caps and
//! re-checks, and close codes that tell the dashboard whether to come back (`1001` the server is
//! going, `1008` the caller may no longer watch).

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::common::{log_in_cookie, TestServer};
use crate::security::support::{same_origin, send};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Far beyond anything the server waits for (re-checks every second in these tests).
const PATIENCE: Duration = Duration::from_secs(30);

/// Opens the live socket with `cookie` (if any), as a page of `origin` would.
async fn connect(server: &TestServer, cookie: Option<&str>, origin: &str) -> Result<Socket, Error> {
    let url = server.url("/api/ws").replacen("http://", "ws://", 1);
    let mut request = url.into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", origin.parse().unwrap());
    if let Some(cookie) = cookie {
        headers.insert("cookie", cookie.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

/// A server started with `vars`, a signed-in browser, its `Cookie` header, and a socket opened
/// from the server's own pages that has said `ready`.
async fn signed_in_socket(vars: &[(&str, &str)]) -> (TestServer, reqwest::Client, String, Socket) {
    let server = TestServer::start_with(vars).await;
    let browser = TestServer::browser();
    let cookie = log_in_cookie(&server, &browser).await;
    let mut socket = connect(&server, Some(&cookie), &server.url(""))
        .await
        .unwrap();
    assert_eq!(
        next_event(&mut socket).await,
        json!({"event": "ready", "data": {}})
    );
    (server, browser, cookie, socket)
}

/// The next message from the server, pings and pongs included.
async fn next(socket: &mut Socket) -> Message {
    tokio::time::timeout(PATIENCE, socket.next())
        .await
        .expect("a message in time")
        .expect("the socket open")
        .expect("a well-formed message")
}

/// The next text message, as JSON.
async fn next_event(socket: &mut Socket) -> Value {
    loop {
        match next(socket).await {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

/// Reads until the server closes; its close code.
async fn close_code(socket: &mut Socket) -> CloseCode {
    loop {
        match next(socket).await {
            Message::Close(Some(frame)) => return frame.code,
            Message::Close(None) => panic!("a close without a code"),
            _ => {}
        }
    }
}

/// The status a refused handshake was answered with.
fn refused_with(result: Result<Socket, Error>) -> u16 {
    match result {
        Err(Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("refused without an HTTP answer: {e}"),
        Ok(_) => panic!("the socket opened"),
    }
}

#[tokio::test]
async fn a_dashboard_socket_hears_ready_then_each_change() {
    let (server, browser, _, mut socket) = signed_in_socket(&[]).await;
    let reply = send(
        browser
            .post(server.url("/api/vip"))
            .json(&json!({ "user_login": "viewer_carol", "duration_secs": 3600 })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let event = next_event(&mut socket).await;
    assert_eq!(event["event"], "granted", "{event}");
    assert_eq!(event["data"]["kind"], "granted", "{event}");
    assert_eq!(
        event["data"]["session"]["viewer"]["login"], "viewer_carol",
        "{event}"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_socket_needs_a_login_and_a_page_of_this_site() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    let cookie = log_in_cookie(&server, &browser).await;
    assert_eq!(
        refused_with(connect(&server, None, &server.url("")).await),
        401
    );
    // Any page may open a socket to any site, with the site's cookie: the origin decides.
    let hijack = connect(&server, Some(&cookie), "https://evil.example").await;
    assert_eq!(refused_with(hijack), 403);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn sockets_and_event_streams_share_the_cap() {
    // The one stream allowed, held open.
    let (server, browser, cookie, _open) =
        signed_in_socket(&[("LIVE_STREAMS_PER_SESSION", "1")]).await;
    assert_eq!(
        refused_with(connect(&server, Some(&cookie), &server.url("")).await),
        429
    );
    let events = send(browser.get(server.url("/api/ws"))).await;
    assert_eq!(events.status, 429, "{}", events.body);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_logged_out_session_loses_its_socket_for_good() {
    let (server, browser, _, mut socket) =
        signed_in_socket(&[("LIVE_STREAM_RECHECK_SECS", "1")]).await;
    let reply = send(same_origin(
        &server,
        browser.post(server.url("/api/auth/logout")),
    ))
    .await;
    assert_eq!(reply.status / 100, 3, "{}", reply.body);
    assert_eq!(close_code(&mut socket).await, CloseCode::Policy);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_quiet_socket_is_pinged_and_closed_as_going_away_at_shutdown() {
    let (server, _, _, mut socket) = signed_in_socket(&[("LIVE_STREAM_RECHECK_SECS", "1")]).await;
    // Quiet for three re-checks: a ping.
    assert!(matches!(next(&mut socket).await, Message::Ping(_)));

    let stopping = tokio::spawn(server.stop());
    assert_eq!(close_code(&mut socket).await, CloseCode::Away);
    tokio::time::timeout(PATIENCE, stopping)
        .await
        .expect("an open socket does not keep the server from stopping")
        .unwrap()
        .unwrap();
}
