//! The broadcast channels of each channel with open dashboards. An event is serialised once,
//! however many dashboards receive it; a slow dashboard that falls behind skips ahead (it reloads
//! its data on the next event it does get). Every settings change (this instance's, and those the
//! relay brings from others) is also told to the one follower of [`LiveHub::settings_changes`],
//! open dashboards or not.
//!
//! A channel's dashboards are spread over broadcast channels of at most [`SHARD`] receivers. One
//! broadcast channel with 10,000 receivers wakes them all from one list, under one lock that every
//! receiver takes again as it reads, and every receiver counts down the same slot: the two cores
//! fought over those cache lines, and walking the list was a sixth of the server's time in the
//! fan-out (BENCHMARKS.md, "Sharded fan-out").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::model::{ChannelId, LiveEvent, LiveKind};
use app::ssr::live::LiveBus;
use axum::extract::ws::Utf8Bytes;
use tokio::sync::{broadcast, mpsc};

/// Events buffered per channel for a dashboard that is momentarily slow.
const BUFFER: usize = 64;
/// Dashboards per broadcast channel.
const SHARD: usize = 128;

/// A serialised event: the SSE `event:` name and its JSON `data:`, and the same as one WebSocket
/// text message, `{"event": name, "data": JSON}`, shared by every socket that sends it.
#[derive(Debug, Clone)]
pub struct Frame {
    pub kind: &'static str,
    pub json: Arc<str>,
    pub text: Utf8Bytes,
}

impl Frame {
    pub fn new(kind: &'static str, json: &str) -> Self {
        Self {
            kind,
            json: json.into(),
            text: message(kind, json),
        }
    }
}

/// The WebSocket message of the event `kind` with the JSON `data`.
pub fn message(kind: &str, data: &str) -> Utf8Bytes {
    format!(r#"{{"event":"{kind}","data":{data}}}"#).into()
}

#[derive(Clone, Default)]
pub struct LiveHub {
    channels: Arc<Mutex<HashMap<ChannelId, Shards>>>,
    settings_changed: Arc<Mutex<Option<mpsc::UnboundedSender<ChannelId>>>>,
}

impl LiveHub {
    /// Receives every event of `channel` from now on.
    pub fn subscribe(&self, channel: &ChannelId) -> broadcast::Receiver<Frame> {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.entry(channel.clone()).or_default().subscribe()
    }

    /// Receives the channel of every settings change from now on; a later call replaces the
    /// earlier receiver.
    pub fn settings_changes(&self) -> mpsc::UnboundedReceiver<ChannelId> {
        let (tell, changes) = mpsc::unbounded_channel();
        *self
            .settings_changed
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(tell);
        changes
    }

    /// Channels with at least one open dashboard.
    pub fn watched(&self) -> usize {
        let channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.values().filter(|s| s.watched()).count()
    }
}

impl LiveBus for LiveHub {
    fn publish(&self, event: LiveEvent) {
        if event.kind == LiveKind::SettingsChanged {
            let follower = self
                .settings_changed
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if let Some(tell) = follower.as_ref() {
                let _ = tell.send(event.channel_id.clone());
            }
        }
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        let Some(shards) = channels.get_mut(&event.channel_id) else {
            return;
        };
        if !shards.forget_unwatched() {
            channels.remove(&event.channel_id);
            return;
        }
        match serde_json::to_string(&event) {
            Ok(json) => shards.send(&Frame::new(event.kind.as_str(), &json)),
            Err(e) => tracing::error!(error = %e, "a live event does not serialise"),
        }
    }
}

/// One channel's broadcast channels, each with at most [`SHARD`] receivers.
#[derive(Default)]
struct Shards(Vec<broadcast::Sender<Frame>>);

impl Shards {
    /// A receiver on the first broadcast channel with room, or on a new one.
    fn subscribe(&mut self) -> broadcast::Receiver<Frame> {
        if let Some(shard) = self.0.iter().find(|s| s.receiver_count() < SHARD) {
            return shard.subscribe();
        }
        let (shard, events) = broadcast::channel(BUFFER);
        self.0.push(shard);
        events
    }

    fn watched(&self) -> bool {
        self.0.iter().any(|s| s.receiver_count() > 0)
    }

    /// Drops the broadcast channels nobody receives any more; whether any are left.
    fn forget_unwatched(&mut self) -> bool {
        self.0.retain(|s| s.receiver_count() > 0);
        !self.0.is_empty()
    }

    fn send(&self, frame: &Frame) {
        for shard in &self.0 {
            // An error only means that every receiver of this one left meanwhile.
            let _ = shard.send(frame.clone());
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
        let message: serde_json::Value = serde_json::from_str(frame.text.as_str()).unwrap();
        assert_eq!(message["event"], "removed_externally");
        assert_eq!(message["data"]["channel_id"], "1");
        assert!(other.try_recv().is_err());
    }

    #[test]
    fn settings_changes_reach_their_follower_without_a_dashboard() {
        let hub = LiveHub::default();
        let mut changes = hub.settings_changes();
        hub.publish(LiveEvent::new("1".into(), LiveKind::Granted));
        hub.publish(LiveEvent::new("2".into(), LiveKind::SettingsChanged));
        assert_eq!(changes.try_recv().unwrap(), ChannelId::from("2"));
        assert!(changes.try_recv().is_err());
    }

    #[tokio::test]
    async fn every_dashboard_of_a_channel_gets_its_events_however_many_are_open() {
        let hub = LiveHub::default();
        let mut dashboards: Vec<_> = (0..SHARD * 2 + 1)
            .map(|_| hub.subscribe(&"1".into()))
            .collect();
        let other = hub.subscribe(&"2".into());
        assert_eq!(
            hub.channels.lock().unwrap()[&ChannelId::from("1")].0.len(),
            3
        );
        hub.publish(LiveEvent::new("1".into(), LiveKind::Granted));
        for dashboard in &mut dashboards {
            assert_eq!(dashboard.recv().await.unwrap().kind, "granted");
        }
        assert!(other.is_empty());
    }

    #[tokio::test]
    async fn a_closed_dashboards_place_is_taken_by_the_next_and_empty_shards_are_dropped() {
        let hub = LiveHub::default();
        let mut first: Vec<_> = (0..SHARD).map(|_| hub.subscribe(&"1".into())).collect();
        let second = hub.subscribe(&"1".into());
        first.pop();
        let mut third = hub.subscribe(&"1".into());
        let shards = |hub: &LiveHub| hub.channels.lock().unwrap()[&ChannelId::from("1")].0.len();
        assert_eq!(shards(&hub), 2);
        drop(second);
        hub.publish(LiveEvent::new("1".into(), LiveKind::Granted));
        assert_eq!(shards(&hub), 1);
        assert_eq!(third.recv().await.unwrap().kind, "granted");
        assert_eq!(first[0].recv().await.unwrap().kind, "granted");
        let _fourth = hub.subscribe(&"1".into());
        assert_eq!(shards(&hub), 2);
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
