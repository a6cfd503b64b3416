//! One broadcast channel per channel with open dashboards. An event is serialised once, however
//! many dashboards receive it; a slow dashboard that falls behind skips ahead (it reloads its data
//! on the next event it does get).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::model::{ChannelId, LiveEvent};
use app::ssr::live::LiveBus;
use bytes::Bytes;
use tokio::sync::broadcast;

/// Events buffered per channel for a dashboard that is momentarily slow.
const BUFFER: usize = 64;

/// A serialised event: the SSE `event:` name and its JSON `data:`, and the whole frame as every
/// stream sends it (encoded once, shared by every stream of the channel).
#[derive(Debug, Clone)]
pub struct Frame {
    pub kind: &'static str,
    pub json: Arc<str>,
    pub sse: Bytes,
}

impl Frame {
    fn new(kind: &'static str, json: String) -> Self {
        let sse = Bytes::from(sse_frame(kind, &json));
        Self {
            kind,
            json: json.into(),
            sse,
        }
    }
}

/// One Server-Sent Events frame: `event: {kind}`, `data: {data}`, a blank line. `data` is compact
/// JSON, which holds no line break.
pub fn sse_frame(kind: &str, data: &str) -> String {
    format!("event: {kind}\ndata: {data}\n\n")
}

#[derive(Clone, Default)]
pub struct LiveHub {
    channels: Arc<Mutex<HashMap<ChannelId, broadcast::Sender<Frame>>>>,
}

impl LiveHub {
    /// Receives every event of `channel` from now on.
    pub fn subscribe(&self, channel: &ChannelId) -> broadcast::Receiver<Frame> {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels
            .entry(channel.clone())
            .or_insert_with(|| broadcast::channel(BUFFER).0)
            .subscribe()
    }

    /// Channels with at least one open dashboard.
    pub fn watched(&self) -> usize {
        let channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.values().filter(|s| s.receiver_count() > 0).count()
    }
}

impl LiveBus for LiveHub {
    fn publish(&self, event: LiveEvent) {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        let Some(sender) = channels.get(&event.channel_id) else {
            return;
        };
        if sender.receiver_count() == 0 {
            channels.remove(&event.channel_id);
            return;
        }
        match serde_json::to_string(&event) {
            Ok(json) => {
                let _ = sender.send(Frame::new(event.kind.as_str(), json));
            }
            Err(e) => tracing::error!(error = %e, "a live event does not serialise"),
        }
    }
}

#[cfg(test)]
mod tests {
    use app::model::LiveKind;

    use super::*;

    #[tokio::test]
    async fn events_reach_only_their_channels_dashboards() {
        let hub = LiveHub::default();
        let mut mine = hub.subscribe(&"1".into());
        let mut other = hub.subscribe(&"2".into());
        hub.publish(LiveEvent::new("1".into(), LiveKind::RemovedExternally));
        let frame = mine.recv().await.unwrap();
        assert_eq!(frame.kind, "removed_externally");
        assert!(frame.json.contains(r#""channel_id":"1""#));
        assert_eq!(
            &frame.sse[..],
            format!("event: removed_externally\ndata: {}\n\n", frame.json).as_bytes()
        );
        assert!(other.try_recv().is_err());
    }

    #[test]
    fn channels_nobody_watches_are_forgotten() {
        let hub = LiveHub::default();
        drop(hub.subscribe(&"1".into()));
        hub.publish(LiveEvent::new("1".into(), LiveKind::Granted));
        assert!(hub.channels.lock().unwrap().is_empty());
        assert_eq!(hub.watched(), 0);
    }
}
