//! `GET /overlay/{secret}/events`: the OBS overlay's share of the live stream. The secret is the
//! credential (a wrong or revoked one is a 404); the stream carries only what the overlay shows:
//! `vips` (the channel's name, its VIPs' names and time left, the server's clock) first and after
//! every change of the channel's VIPs, and `alert` (a new VIP's name and time) on each grant.
//! No audit entries, ids or tokens. It re-checks its key every few seconds and ends once the URL
//! is revoked or replaced, and when the server shuts down; the browser reconnects by itself.
//!
//! Streams count under the live-stream caps like an API token's (per overlay URL and per client
//! address).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use app::model::{ChannelId, LiveEvent, LiveKind, PublicVip};
use app::ssr::{overlay, ServerContext};
use app::AppError;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Interval, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::caps::{Credential, StreamSlot};
use super::hub::Frame;
use super::stream::{client_address, too_many_streams, StreamState};

/// The kinds that change what the overlay shows.
const VIP_KINDS: [LiveKind; 6] = [
    LiveKind::Granted,
    LiveKind::Extended,
    LiveKind::Revoked,
    LiveKind::Expired,
    LiveKind::RemovedExternally,
    LiveKind::ExternalVip,
];

pub async fn overlay_stream(
    State(state): State<StreamState>,
    Path(secret): Path<String>,
    parts: Parts,
) -> Response {
    let channel = match overlay::open(state.ctx.store().as_ref(), &secret).await {
        Ok(channel) => channel,
        Err(e) => return e.into_response(),
    };
    let hash = overlay::secret_hash(&secret);
    let address = client_address(&state, &parts);
    let credential = format!("overlay:{hash}");
    let slot = match state.caps.open(Credential::Token(&credential), address) {
        Ok(slot) => slot,
        Err(full) => {
            tracing::info!(cap = full.name(), "overlay stream refused: too many open");
            return too_many_streams(full);
        }
    };
    let events = state.hub.subscribe(&channel);
    let mut recheck = tokio::time::interval_at(
        tokio::time::Instant::now() + state.recheck_every,
        state.recheck_every,
    );
    recheck.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut open = OverlayStream {
        events,
        cancel: state.cancel.clone(),
        recheck,
        ctx: state.ctx.clone(),
        channel,
        hash,
        pending: VecDeque::new(),
        _slot: slot,
    };
    if let Some(first) = open.snapshot().await {
        open.pending.push_back(first);
    }
    let stream = futures_util::stream::unfold(open, |mut open| async move {
        let event = open.next().await?;
        Some((Ok::<_, Infallible>(event), open))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

struct OverlayStream {
    events: broadcast::Receiver<Frame>,
    cancel: CancellationToken,
    recheck: Interval,
    ctx: ServerContext,
    channel: ChannelId,
    /// The digest of the URL's secret, re-checked against the store.
    hash: String,
    /// Events decided but not yet sent.
    pending: VecDeque<Event>,
    _slot: StreamSlot,
}

impl OverlayStream {
    /// The whole list now, as a `vips` event; `None` (logged) when the store fails.
    async fn snapshot(&self) -> Option<Event> {
        match overlay::snapshot(self.ctx.store().as_ref(), &self.channel, Utc::now()).await {
            Ok(page) => Event::default().event("vips").json_data(&page).ok(),
            Err(AppError::NotFound) => None,
            Err(e) => {
                tracing::warn!(error = %e, "overlay: the VIP list could not be read");
                None
            }
        }
    }

    /// Whether the URL still opens this channel.
    async fn still_open(&self) -> bool {
        match self.ctx.store().overlay_key_by_hash(&self.hash).await {
            Ok(key) => key.is_some_and(|k| k.channel_id == self.channel),
            // A store hiccup does not end the stream; the next check decides.
            Err(e) => {
                tracing::warn!(error = %e, "overlay: its key could not be re-checked");
                true
            }
        }
    }

    /// The next event to send; `None` ends the stream.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            tokio::select! {
                () = self.cancel.cancelled() => return None,
                _ = self.recheck.tick() => {
                    if !self.still_open().await {
                        return None;
                    }
                }
                next = self.events.recv() => match next {
                    Ok(frame) => self.on_frame(&frame).await,
                    Err(RecvError::Lagged(_)) => {
                        if let Some(list) = self.snapshot().await {
                            self.pending.push_back(list);
                        }
                    }
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    }

    /// Queues what one live event means for the overlay: nothing, or the list (after an alert
    /// for a grant).
    async fn on_frame(&mut self, frame: &Frame) {
        if !VIP_KINDS.iter().any(|k| k.as_str() == frame.kind) {
            return;
        }
        if frame.kind == LiveKind::Granted.as_str() {
            let session = serde_json::from_str::<LiveEvent>(&frame.json)
                .ok()
                .and_then(|e| e.session);
            if let Some(session) = session {
                let vip = PublicVip::from(&session);
                if let Ok(alert) = Event::default().event("alert").json_data(&vip) {
                    self.pending.push_back(alert);
                }
            }
        }
        if let Some(list) = self.snapshot().await {
            self.pending.push_back(list);
        }
    }
}
