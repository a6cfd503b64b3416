//! One broadcast channel per channel with open dashboards. An event is serialised once, however
//! many dashboards receive it; a slow dashboard that falls behind skips ahead (it reloads its data
//! on the next event it does get).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::model::{ChannelId, LiveEvent};
use app::ssr::live::LiveBus;
use tokio::sync::broadcast;

/// Events buffered per channel for a dashboard that is momentarily slow.
const BUFFER: usize = 64;

/// A serialised event: the SSE `event:` name and its JSON `data:`.
#[derive(Debug, Clone)]
pub struct Frame {
    pub kind: &'static str,
    pub json: Arc<str>,
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
                let _ = sender.send(Frame {
                    kind: event.kind.as_str(),
                    json: json.into(),
                });
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
