//! Which relayed events are new to this instance.

use std::collections::HashMap;
use std::time::Duration;

use app::ssr::store::RelayedEvent;
use chrono::{DateTime, Utc};

/// The reader's memory: which events it read are new to this instance. Events published here
/// are skipped (the local hub had them at once), and each other event is taken once, however
/// many reads return it. Ids are forgotten once they fall out of the window the next read
/// covers, so memory stays bounded by the events of one window.
#[derive(Debug)]
pub(super) struct Inbox {
    own: String,
    window: chrono::Duration,
    /// Where the last read started; never moves back, even when the clock does.
    floor: Option<DateTime<Utc>>,
    /// Delivered ids with their publish times.
    pub(super) delivered: HashMap<String, DateTime<Utc>>,
}

impl Inbox {
    pub(super) fn new(own: String, window: Duration) -> Self {
        Self {
            own,
            window: chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX),
            floor: None,
            delivered: HashMap::new(),
        }
    }

    /// Where a read at `now` starts: `now - window`, but never before the previous start.
    /// Forgets the ids published before it (that read cannot return them).
    pub(super) fn since(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        let start = now
            .checked_sub_signed(self.window)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let since = self.floor.map_or(start, |floor| floor.max(start));
        self.floor = Some(since);
        self.delivered.retain(|_, at| *at >= since);
        since
    }

    /// The events of `read` published elsewhere and not taken before, in their order.
    pub(super) fn take(&mut self, read: Vec<RelayedEvent>) -> Vec<RelayedEvent> {
        let mut fresh = Vec::new();
        for event in read {
            if event.instance_id != self.own && !self.delivered.contains_key(&event.id) {
                self.delivered.insert(event.id.clone(), event.at);
                fresh.push(event);
            }
        }
        fresh
    }
}
