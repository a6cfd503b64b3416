//! EventSub WebSocket server at `/ws` (Twitch docs).
//!
//! * First message `session_welcome` (`keepalive_timeout_seconds` from the
//!   query, clamped to 10–600, default 10).
//! * `session_keepalive` when nothing was sent for 90 % of the keepalive
//!   timeout (or [`crate::Config::ws_keepalive_override`]).
//! * Notifications and revocations of the session's subscriptions.
//! * `session_reconnect` on demand ([`crate::Simulator::ws_reconnect`]): the
//!   client connects to `reconnect_url`; after the new welcome the
//!   subscriptions move to the new session; the old connection is closed
//!   with 4004 if still open when the grace time (30 s) ends. A reused or
//!   unknown reconnect URL gets 4007.
//! * Close codes: 4001 client sent anything but a Pong, 4002 Ping unanswered,
//!   4003 no subscription within the keepalive timeout, 4004 reconnect grace
//!   expired; 4000/4005/4006 on demand ([`crate::Simulator::ws_close`]).
//!
//! When a connection ends, its enabled subscriptions are disabled with the
//! matching status (`websocket_disconnected`, …) and `disconnected_at`.

use std::future::pending;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc::unbounded_channel;
use tokio::time::{interval_at, sleep_until, Instant};

use crate::events::{ws_keepalive, ws_welcome};
use crate::helix::Params;
use crate::state::{random_token, ts_nanos, Transport, WsCommand, WsSession};
use crate::Simulator;

/// Reason text Twitch sends with a close code.
pub fn close_reason(code: u16) -> &'static str {
    match code {
        4000 => "internal server error",
        4001 => "sent inbound traffic",
        4002 => "failed ping pong",
        4003 => "connection unused",
        4004 => "reconnect grace time expired",
        4005 => "network timeout",
        4006 => "network error",
        4007 => "invalid reconnect",
        _ => "",
    }
}

/// Subscription status after a connection closed with `code`.
fn status_for(code: Option<u16>) -> &'static str {
    match code {
        Some(4000) => "websocket_internal_error",
        Some(4001) => "websocket_received_inbound_traffic",
        Some(4002) => "websocket_failed_ping_pong",
        Some(4003) => "websocket_connection_unused",
        Some(4004) | Some(4007) => "websocket_failed_to_reconnect",
        Some(4005) => "websocket_network_timeout",
        Some(4006) => "websocket_network_error",
        _ => "websocket_disconnected",
    }
}

/// `GET /ws` upgrade handler.
pub async fn handler(
    State(sim): State<Simulator>,
    RawQuery(query): RawQuery,
    ws: WebSocketUpgrade,
) -> Response {
    let params = Params::parse(query.as_deref().unwrap_or_default());
    ws.on_upgrade(move |socket| run(sim, socket, params))
}

fn close_msg(code: u16) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: close_reason(code).into(),
    }))
}

async fn run(sim: Simulator, socket: WebSocket, params: Params) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = unbounded_channel();
    let requested = params
        .get("keepalive_timeout_seconds")
        .and_then(|v| v.parse::<i64>().ok())
        .map_or(10, |v| v.clamp(10, 600) as u64);
    let reconnect_id = params.get("reconnect_id").map(str::to_string);
    let setup = sim.with_world(|w| {
        let old = match &reconnect_id {
            Some(rid) => match w.pending_reconnects.remove(rid) {
                Some(old) if w.sessions.contains_key(&old) => Some(old),
                _ => return None,
            },
            None => None,
        };
        let keepalive = old
            .as_ref()
            .map_or(requested, |o| w.sessions[o].keepalive_secs);
        let id = format!("AQoQ{}", random_token(24));
        let now = w.now();
        w.sessions.insert(
            id.clone(),
            WsSession {
                id: id.clone(),
                tx,
                connected_at: now,
                keepalive_secs: keepalive,
                status: "connected".into(),
                used: old.is_some(),
            },
        );
        let welcome = ws_welcome(w, &id, &ts_nanos(now), keepalive);
        if let Some(old) = &old {
            // Subscriptions carry over. Moved before the welcome is written so
            // the client closing the old socket cannot disable them; events
            // queued meanwhile are sent after the welcome.
            for sub in w.subscriptions.values_mut() {
                if let Transport::WebSocket { session_id, .. } = &mut sub.transport {
                    if session_id == old {
                        *session_id = id.clone();
                    }
                }
            }
            crate::conduit::session_moved(w, old, &id);
        }
        Some((id, keepalive, welcome, w.config.clone()))
    });
    let Some((id, keepalive, welcome, cfg)) = setup else {
        let _ = sink.send(close_msg(4007)).await;
        return;
    };
    if sink.send(Message::Text(welcome.into())).await.is_err() {
        finish(&sim, &id, None);
        return;
    }

    let period = cfg
        .ws_keepalive_override
        .unwrap_or(Duration::from_millis(keepalive * 900));
    let mut keepalive_at = Instant::now() + period;
    let unused_at = Instant::now()
        + cfg
            .ws_unused_timeout
            .unwrap_or(Duration::from_secs(keepalive));
    let mut unused_checked = false;
    let mut reconnect_deadline: Option<Instant> = None;
    let mut ping = cfg
        .ws_ping_interval
        .map(|d| interval_at(Instant::now() + d, d));
    let mut awaiting_pong = false;

    let code: Option<u16> = loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(WsCommand::Send(text)) => {
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        break Some(4006);
                    }
                    keepalive_at = Instant::now() + period;
                }
                Some(WsCommand::Close(code, _)) => {
                    let _ = sink.send(close_msg(code)).await;
                    break Some(code);
                }
                Some(WsCommand::ReconnectDeadline(d)) => {
                    reconnect_deadline = Some(Instant::now() + d);
                }
                None => break Some(4000),
            },
            msg = stream.next() => match msg {
                Some(Ok(Message::Pong(_))) => awaiting_pong = false,
                // 4001: "Sending outgoing messages to the server is prohibited with the exception
                // of pong messages", a client's own Ping included
                // (dev.twitch.tv/docs/eventsub/handling-websocket-events/#close-message).
                Some(Ok(Message::Ping(_) | Message::Text(_) | Message::Binary(_))) => {
                    let _ = sink.send(close_msg(4001)).await;
                    break Some(4001);
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break None,
            },
            _ = sleep_until(keepalive_at) => {
                let msg = sim.with_world(|w| ws_keepalive(w));
                if sink.send(Message::Text(msg.into())).await.is_err() {
                    break Some(4006);
                }
                keepalive_at = Instant::now() + period;
            }
            _ = sleep_until(unused_at), if !unused_checked => {
                unused_checked = true;
                let used = sim.with_world(|w| w.sessions.get(&id).is_some_and(|s| s.used));
                if !used {
                    let _ = sink.send(close_msg(4003)).await;
                    break Some(4003);
                }
            }
            _ = async {
                match reconnect_deadline {
                    Some(d) => sleep_until(d).await,
                    None => pending().await,
                }
            } => {
                let _ = sink.send(close_msg(4004)).await;
                break Some(4004);
            }
            _ = async {
                match &mut ping {
                    Some(i) => { i.tick().await; }
                    None => pending::<()>().await,
                }
            } => {
                if awaiting_pong {
                    let _ = sink.send(close_msg(4002)).await;
                    break Some(4002);
                }
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break Some(4006);
                }
                awaiting_pong = true;
            }
        }
    };
    finish(&sim, &id, code);
}

/// Removes the session and disables its subscriptions.
fn finish(sim: &Simulator, id: &str, code: Option<u16>) {
    sim.with_world(|w| {
        w.sessions.remove(id);
        w.pending_reconnects.retain(|_, old| old != id);
        crate::conduit::session_closed(w, id, status_for(code));
        let now = w.now();
        for sub in w.subscriptions.values_mut() {
            if let Transport::WebSocket {
                session_id,
                disconnected_at,
                ..
            } = &mut sub.transport
            {
                if session_id == id && sub.status == "enabled" {
                    sub.status = status_for(code).to_string();
                    *disconnected_at = Some(now);
                }
            }
        }
    });
}
