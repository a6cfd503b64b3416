//! An open live stream of one channel, whatever carries it: its channel's events until the server
//! shuts down or its caller loses the right to watch. [`Open::wait`] only waits (it may be raced
//! against the transport's own reads without losing anything); what a wake-up means is decided
//! after it, by [`Open::step`].

use app::model::LiveKind;
use axum::extract::ws::Utf8Bytes;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Interval;
use tokio_util::sync::CancellationToken;

use super::caps::StreamSlot;
use super::hub::{message, Frame};
use super::rights::StreamRight;

/// The stream's state between two updates.
pub(super) struct Open {
    pub(super) events: broadcast::Receiver<Frame>,
    pub(super) cancel: CancellationToken,
    pub(super) recheck: Interval,
    pub(super) right: StreamRight,
    /// A moderator's stream: a settings change's diff is the streamer's alone.
    pub(super) moderator: bool,
    /// Its place under the caps, freed when the stream is dropped.
    pub(super) _slot: StreamSlot,
}

/// What woke an open stream.
pub(super) enum Wake {
    Shutdown,
    Recheck,
    Event(Result<Frame, RecvError>),
}

/// What to send next.
#[derive(Debug, Clone)]
pub(super) enum Update {
    /// A change, as the hub serialised it.
    Change(Frame),
    /// The settings changed, told to a moderator without the diff.
    SettingsChanged,
    /// The stream fell behind: the dashboard reloads rather than miss changes.
    Resync,
}

impl Update {
    /// The event's name and its JSON data.
    pub(super) fn parts(&self) -> (&'static str, &str) {
        match self {
            Self::Change(frame) => (frame.kind, &frame.json),
            Self::SettingsChanged => (LiveKind::SettingsChanged.as_str(), "{}"),
            Self::Resync => ("resync", "{}"),
        }
    }

    /// The update as one WebSocket text message; a change's is the hub's, shared.
    pub(super) fn text(&self) -> Utf8Bytes {
        match self {
            Self::Change(frame) => frame.text.clone(),
            other => {
                let (kind, data) = other.parts();
                message(kind, data)
            }
        }
    }
}

impl Open {
    /// Waits for the next reason to act. Cancel-safe.
    pub(super) async fn wait(&mut self) -> Wake {
        tokio::select! {
            () = self.cancel.cancelled() => Wake::Shutdown,
            _ = self.recheck.tick() => Wake::Recheck,
            next = self.events.recv() => Wake::Event(next),
        }
    }

    /// What `wake` asks of the stream.
    pub(super) async fn step(&self, wake: Wake) -> Step {
        match wake {
            Wake::Shutdown | Wake::Event(Err(RecvError::Closed)) => Step::End(Ended::Shutdown),
            // Boxed: the re-check's store reads make a large future, and a stream spends its life
            // waiting, not re-checking.
            Wake::Recheck if Box::pin(self.right.holds()).await => Step::Checked,
            Wake::Recheck => Step::End(Ended::RightLost),
            Wake::Event(Ok(frame))
                if self.moderator && frame.kind == LiveKind::SettingsChanged.as_str() =>
            {
                Step::Send(Update::SettingsChanged)
            }
            Wake::Event(Ok(frame)) => Step::Send(Update::Change(frame)),
            Wake::Event(Err(RecvError::Lagged(_))) => Step::Send(Update::Resync),
        }
    }

    /// The next update to send; `None` ends the stream.
    pub(super) async fn next(&mut self) -> Option<Update> {
        loop {
            let wake = self.wait().await;
            match self.step(wake).await {
                Step::Send(update) => return Some(update),
                Step::Checked => {}
                Step::End(_) => return None,
            }
        }
    }
}

/// What a wake-up asks of the stream.
pub(super) enum Step {
    Send(Update),
    /// The caller still holds the right; nothing to send.
    Checked,
    End(Ended),
}

/// Why a stream ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ended {
    /// The server is shutting down.
    Shutdown,
    /// The caller signed out, lost the token or the streamer's consent.
    RightLost,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(update: &Update) -> serde_json::Value {
        serde_json::from_str(update.text().as_str()).unwrap()
    }

    #[test]
    fn every_update_is_one_message_of_the_same_shape() {
        let change = Update::Change(Frame::new("granted", r#"{"channel_id":"1"}"#));
        assert_eq!(change.parts(), ("granted", r#"{"channel_id":"1"}"#));
        assert_eq!(
            parsed(&change),
            serde_json::json!({"event": "granted", "data": {"channel_id": "1"}})
        );
        assert_eq!(
            parsed(&Update::SettingsChanged),
            serde_json::json!({"event": "settings_changed", "data": {}})
        );
        assert_eq!(
            parsed(&Update::Resync),
            serde_json::json!({"event": "resync", "data": {}})
        );
    }
}
