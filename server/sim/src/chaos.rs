//! Chaos for fault-injection tests: a journal of every request the simulator answered, answers
//! that are lost after the request took effect, and EventSub WebSockets dropped without a close
//! frame.
//!
//! * [`Chaos`] wraps the simulator's router ([`Simulator::serve_with_chaos`]). It records each
//!   request (method, path, query, request body, status, when it arrived and when it was answered,
//!   in simulated time) and can replace the answer of the next matching request with a 5xx after the
//!   simulator carried it out ([`Chaos::lose_next_answer`]): the gateway timeout a client cannot
//!   tell from a request that never arrived. [`crate::Simulator::fail_next`] is the other kind: a
//!   failure before anything happens.
//! * [`Simulator::ws_drop`] ends a WebSocket session as a network failure does: no close frame, the
//!   TCP connection just ends; its subscriptions are disabled with `websocket_network_error`.
//!   Control API: `POST /sim/ws/drop` with `{session_id?}` (every session when omitted).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::json;
use tokio::task::JoinHandle;

use crate::error::ApiError;
use crate::state::Transport;
use crate::Simulator;

/// Request bodies larger than this are not recorded (the simulator's bodies are small).
const MAX_RECORDED_BODY: usize = 64 * 1024;

/// One request as the simulator saw it and answered it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    /// The raw query string (empty when none).
    pub query: String,
    /// The request body as text (empty for `GET` and for bodies that are not UTF-8).
    pub body: String,
    /// The status the client received.
    pub status: u16,
    /// The answer was replaced by a 5xx after the request took effect ([`Chaos::lose_next_answer`]).
    pub answer_lost: bool,
    /// Simulated time when the request arrived.
    pub started: DateTime<Utc>,
    /// Simulated time when the answer was ready: the request's effect happened in between.
    pub finished: DateTime<Utc>,
}

impl Exchange {
    /// The request took effect: a 2xx, whether or not the client saw it.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status) || self.answer_lost
    }

    /// Every value of a query parameter, in order.
    pub fn query_all(&self, key: &str) -> Vec<String> {
        form_urlencoded::parse(self.query.as_bytes())
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .collect()
    }

    /// The first value of a query parameter.
    pub fn query(&self, key: &str) -> Option<String> {
        self.query_all(key).into_iter().next()
    }
}

#[derive(Default)]
struct ChaosState {
    journal: Vec<Exchange>,
    /// `(endpoint, status)`: the next matching request is carried out, then answered with `status`.
    lost_answers: Vec<(String, u16)>,
}

/// The journal and lost-answer queue of one simulator. Cheap to clone.
#[derive(Clone, Default)]
pub struct Chaos {
    state: Arc<Mutex<ChaosState>>,
}

impl Chaos {
    /// The next request to `endpoint` (`"POST /helix/channels/vips"`, or a path for any method) that
    /// succeeds is answered with `status` (a Twitch error body) instead. Queued losses are used in
    /// order.
    pub fn lose_next_answer(&self, endpoint: &str, status: u16) {
        self.state
            .lock()
            .lost_answers
            .push((endpoint.to_string(), status));
    }

    /// Forgets queued lost answers that no request has used yet.
    pub fn clear_lost_answers(&self) {
        self.state.lock().lost_answers.clear();
    }

    /// Every request answered so far, in the order the answers were ready.
    pub fn journal(&self) -> Vec<Exchange> {
        self.state.lock().journal.clone()
    }

    fn take_lost_answer(&self, method: &Method, path: &str) -> Option<u16> {
        let full = format!("{method} {path}");
        let mut state = self.state.lock();
        let pos = state
            .lost_answers
            .iter()
            .position(|(ep, _)| *ep == full || *ep == path)?;
        Some(state.lost_answers.remove(pos).1)
    }

    /// `router` with the journal and lost answers in front of it (`/sim` control calls pass
    /// untouched and unrecorded).
    pub fn wrap(&self, sim: &Simulator, router: Router) -> Router {
        router.layer(middleware::from_fn_with_state(
            (sim.clone(), self.clone()),
            record,
        ))
    }
}

async fn record(
    State((sim, chaos)): State<(Simulator, Chaos)>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/sim/") {
        return next.run(req).await;
    }
    let started = sim.with_world(|w| w.now());
    let method = req.method().clone();
    let query = req.uri().query().unwrap_or_default().to_string();
    let (req, body) = if method == Method::GET {
        (req, String::new())
    } else {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_RECORDED_BODY)
            .await
            .unwrap_or_else(|_| Bytes::new());
        let text = String::from_utf8(bytes.to_vec()).unwrap_or_default();
        (Request::from_parts(parts, Body::from(bytes)), text)
    };
    let mut response = next.run(req).await;
    let mut answer_lost = false;
    // Only a request that took effect loses its answer; a refusal stays a refusal.
    if response.status().is_success() {
        if let Some(status) = chaos.take_lost_answer(&method, &path) {
            answer_lost = true;
            response =
                ApiError::new(status, "answer lost after the request took effect").into_response();
        }
    }
    let finished = sim.with_world(|w| w.now());
    chaos.state.lock().journal.push(Exchange {
        method: method.to_string(),
        path,
        query,
        body,
        status: response.status().as_u16(),
        answer_lost,
        started,
        finished,
    });
    response
}

impl Simulator {
    /// Like [`Simulator::serve`], with `chaos` recording and disturbing every request.
    pub async fn serve_with_chaos(
        self,
        addr: SocketAddr,
        chaos: &Chaos,
    ) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        self.set_base_url(&format!("http://{bound}"));
        let app = chaos.wrap(&self, self.router());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "twitch-sim server stopped");
            }
        });
        Ok((bound, task))
    }

    /// Ends a WebSocket session as a network failure would: no close frame, the connection just
    /// ends. Its enabled subscriptions become `websocket_network_error`. Returns whether the
    /// session existed.
    pub fn ws_drop(&self, session_id: &str) -> bool {
        self.with_world(|w| {
            // Dropping the session's command sender ends its task without a close frame.
            if w.sessions.remove(session_id).is_none() {
                return false;
            }
            w.pending_reconnects.retain(|_, old| old != session_id);
            let now = w.now();
            for sub in w.subscriptions.values_mut() {
                if let Transport::WebSocket {
                    session_id: sid,
                    disconnected_at,
                    ..
                } = &mut sub.transport
                {
                    if sid == session_id && sub.status == "enabled" {
                        sub.status = "websocket_network_error".into();
                        *disconnected_at = Some(now);
                    }
                }
            }
            true
        })
    }

    /// [`Simulator::ws_drop`] for every live session; returns how many were dropped.
    pub fn ws_drop_all(&self) -> usize {
        self.ws_sessions()
            .iter()
            .filter(|id| self.ws_drop(id))
            .count()
    }
}

#[derive(Deserialize)]
struct DropReq {
    session_id: Option<String>,
}

/// `POST /sim/ws/drop` `{session_id?}`: drops one session (404 when unknown) or, without an id,
/// every session. Answers `{"dropped": n}`.
pub async fn drop_route(State(sim): State<Simulator>, bytes: Bytes) -> Response {
    let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { &bytes };
    let req: DropReq = match serde_json::from_slice(bytes) {
        Ok(req) => req,
        Err(e) => return ApiError::bad_request(format!("invalid body: {e}")).into_response(),
    };
    let dropped = match req.session_id {
        Some(id) if sim.ws_drop(&id) => 1,
        Some(_) => return ApiError::not_found("session not found").into_response(),
        None => sim.ws_drop_all(),
    };
    Json(json!({ "dropped": dropped })).into_response()
}
