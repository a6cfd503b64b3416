//! The queue that carries `stream.online` events from both transports to their one consumer (the
//! server's catch-up loop, which takes the receiving end once). Bounded: when nobody drains it,
//! further events are dropped with a warning rather than piling up.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::{self, error::TrySendError};

use crate::eventsub::parse::stream::StreamOnline;

/// How many events may wait.
pub const CAPACITY: usize = 256;

/// Cheap to clone; every clone feeds the same receiver.
#[derive(Clone)]
pub struct OnlineQueue {
    tx: mpsc::Sender<StreamOnline>,
    rx: Arc<Mutex<Option<mpsc::Receiver<StreamOnline>>>>,
}

impl Default for OnlineQueue {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel(CAPACITY);
        Self {
            tx,
            rx: Arc::new(Mutex::new(Some(rx))),
        }
    }
}

impl OnlineQueue {
    /// Queues an event without waiting.
    pub fn push(&self, online: StreamOnline) {
        match self.tx.try_send(online) {
            Ok(()) => {}
            Err(TrySendError::Full(e)) => {
                tracing::warn!(channel = %e.channel, "stream.online queue full; event dropped")
            }
            Err(TrySendError::Closed(e)) => {
                tracing::debug!(channel = %e.channel, "stream.online consumer gone; event dropped")
            }
        }
    }

    /// The receiving end, for the one consumer: `None` once taken.
    pub fn take_receiver(&self) -> Option<mpsc::Receiver<StreamOnline>> {
        self.rx.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::ChannelId;

    fn online(stream: &str) -> StreamOnline {
        StreamOnline {
            channel: ChannelId::from("1"),
            stream_id: stream.into(),
            kind: "live".into(),
            started_at: chrono::Utc::now(),
        }
    }

    #[tokio::test]
    async fn events_reach_the_one_receiver_in_order_and_overflow_is_dropped() {
        let queue = OnlineQueue::default();
        let mut rx = queue.take_receiver().unwrap();
        assert!(queue.take_receiver().is_none());
        for i in 0..CAPACITY + 5 {
            queue.clone().push(online(&i.to_string()));
        }
        for i in 0..CAPACITY {
            assert_eq!(rx.recv().await.unwrap().stream_id, i.to_string());
        }
        assert!(rx.try_recv().is_err(), "the overflow was dropped");
    }
}
