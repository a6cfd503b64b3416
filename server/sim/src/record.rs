//! An opt-in recorder of when things happen on "Twitch's side", for benchmarks: the arrival of
//! every HTTP request the simulator serves, and the moment each webhook message leaves it.
//!
//! Off by default: while off it only counts requests (one atomic add). [`Recorder::start`] turns
//! note-taking on, [`Recorder::take`] hands the notes over. Each note carries a monotonic
//! [`Instant`] (to measure the time between two notes, or between a note and an action of the
//! process that hosts the simulator) and the wall-clock time (to compare with deadlines another
//! process computed from its own clock).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use crate::state::WebhookJob;
use crate::Simulator;

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A request arrived (before authentication, failure injection or routing).
    Request {
        method: String,
        path: String,
        /// The raw query string (empty when none).
        query: String,
    },
    /// A webhook message is about to be sent (signed, right before the POST).
    Webhook {
        /// `notification`, `webhook_callback_verification` or `revocation`.
        message_type: String,
        subscription_type: String,
        message_id: String,
        /// Redelivery counter (0 for the first attempt).
        retry: u32,
        /// The JSON body (`{subscription, event}` for a notification).
        body: String,
    },
}

/// One note.
#[derive(Clone, Debug)]
pub struct Entry {
    pub instant: Instant,
    pub at: DateTime<Utc>,
    pub event: Event,
}

/// See the module docs. Shared by every clone of a [`Simulator`].
#[derive(Debug, Default)]
pub struct Recorder {
    on: AtomicBool,
    requests: AtomicU64,
    entries: Mutex<Vec<Entry>>,
}

impl Recorder {
    /// Starts taking notes (keeping any not yet taken).
    pub fn start(&self) {
        self.on.store(true, Ordering::SeqCst);
    }

    /// Stops taking notes; the notes taken stay until [`Self::take`].
    pub fn stop(&self) {
        self.on.store(false, Ordering::SeqCst);
    }

    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    /// Every note taken so far, oldest first; the recorder keeps none of them.
    pub fn take(&self) -> Vec<Entry> {
        std::mem::take(&mut *self.entries.lock())
    }

    /// Requests served since the simulator was made, recorded or not.
    pub fn requests_seen(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn note(&self, event: Event) {
        let entry = Entry {
            instant: Instant::now(),
            at: Utc::now(),
            event,
        };
        self.entries.lock().push(entry);
    }

    /// Notes a request's arrival.
    pub fn request(&self, method: &str, path: &str, query: &str) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if self.is_on() {
            self.note(Event::Request {
                method: method.to_owned(),
                path: path.to_owned(),
                query: query.to_owned(),
            });
        }
    }

    /// Notes a webhook message about to be sent.
    pub fn webhook(&self, job: &WebhookJob, message_id: &str, retry: u32) {
        if self.is_on() {
            self.note(Event::Webhook {
                message_type: job.message_type.clone(),
                subscription_type: job.subscription_type.clone(),
                message_id: message_id.to_owned(),
                retry,
                body: job.body.clone(),
            });
        }
    }
}

/// Middleware noting each request's arrival; the outermost layer of [`Simulator::router`].
pub async fn layer(State(sim): State<Simulator>, req: Request, next: Next) -> Response {
    let uri = req.uri();
    sim.recorder()
        .request(req.method().as_str(), uri.path(), uri.query().unwrap_or(""));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> WebhookJob {
        WebhookJob {
            subscription_id: "s1".into(),
            callback: "http://127.0.0.1:1/cb".into(),
            secret: "0123456789".into(),
            message_type: "notification".into(),
            subscription_type: "channel.vip.add".into(),
            subscription_version: "1".into(),
            body: "{}".into(),
            challenge: None,
        }
    }

    #[test]
    fn counts_always_but_notes_only_while_on() {
        let r = Recorder::default();
        r.request("GET", "/helix/users", "");
        r.webhook(&job(), "m0", 0);
        assert_eq!(r.requests_seen(), 1);
        assert!(r.take().is_empty());

        r.start();
        r.request("POST", "/helix/channels/vips", "broadcaster_id=1&user_id=2");
        r.webhook(&job(), "m1", 2);
        r.stop();
        r.request("GET", "/helix/users", "");
        assert_eq!(r.requests_seen(), 3);

        let notes = r.take();
        assert_eq!(notes.len(), 2);
        assert_eq!(
            notes[0].event,
            Event::Request {
                method: "POST".into(),
                path: "/helix/channels/vips".into(),
                query: "broadcaster_id=1&user_id=2".into(),
            }
        );
        assert!(matches!(
            &notes[1].event,
            Event::Webhook { message_id, retry: 2, subscription_type, .. }
                if message_id == "m1" && subscription_type == "channel.vip.add"
        ));
        assert!(notes[0].instant <= notes[1].instant);
        assert!(r.take().is_empty(), "taken notes are gone");
    }
}
