//! Messages this instance stored itself, handed to the processor with the wake-up, so that a
//! channel known to have nothing older pending is handled without reading its messages back.
//!
//! A channel is *known* once a read of its pending messages returned all of them (a short
//! batch); it becomes unknown again when the sweep reports it (pending there may be what another
//! instance, or a process before this one, stored) and when its lease had to be taken anew. An
//! unknown channel is read from the store, and what was carried and read is not carried again.
//!
//! A wake-up may come late: after its message was read from the store (the sweep found it first)
//! and handled, and after the channel's entry was dropped with its last read. The ids of the
//! messages handled lately ([`HANDLED_KEPT`]) are kept apart from the channels, so that such a
//! wake-up does not hand the message over a second time.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use app::model::ChannelId;
use app::ssr::store::InboxMessage;

#[derive(Default)]
struct Channel {
    messages: Vec<InboxMessage>,
    known: bool,
    /// The ids the last read returned: a wake-up that arrives after the read for a message it
    /// already returned is not carried a second time.
    last_read: HashSet<String>,
}

/// Handled message ids kept: a wake-up is late by a few reads at most, far fewer messages than this
/// at any rate the server sustains.
const HANDLED_KEPT: usize = 1024;

/// The ids of the messages handled lately, oldest first.
#[derive(Default)]
struct Handled {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Handled {
    fn insert(&mut self, id: &str) {
        if !self.ids.insert(id.to_owned()) {
            return;
        }
        self.order.push_back(id.to_owned());
        if self.order.len() > HANDLED_KEPT {
            if let Some(oldest) = self.order.pop_front() {
                self.ids.remove(&oldest);
            }
        }
    }
}

#[derive(Default)]
struct State {
    channels: HashMap<ChannelId, Channel>,
    handled: Handled,
}

#[derive(Default)]
pub(super) struct Carried {
    state: Mutex<State>,
}

impl Carried {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A message the intake stored.
    pub fn carry(&self, message: InboxMessage) {
        let mut state = self.state();
        if state.handled.ids.contains(&message.message_id) {
            return;
        }
        let channel = state
            .channels
            .entry(message.channel_id.clone())
            .or_default();
        if !channel.last_read.contains(&message.message_id) {
            channel.messages.push(message);
        }
    }

    /// The message was handled: a late wake-up of it is ignored. (Had its mark in the store failed,
    /// it is still pending there, and a read from the store, not a wake-up, brings it back.)
    pub fn handled(&self, message_id: &str) {
        self.state().handled.insert(message_id);
    }

    /// The channel may have pending messages this instance did not carry.
    pub fn unknown(&self, channel: &ChannelId) {
        if let Some(c) = self.state().channels.get_mut(channel) {
            c.known = false;
        }
    }

    /// Another instance handles the channel: what was carried is in the store for it.
    pub fn forget(&self, channel: &ChannelId) {
        self.state().channels.remove(channel);
    }

    /// The carried messages, in the order they were stored, when the channel is known to have
    /// nothing else pending; `None` when it must be read from the store.
    pub fn take_if_known(&self, channel: &ChannelId) -> Option<Vec<InboxMessage>> {
        let mut state = self.state();
        let c = state.channels.get_mut(channel)?;
        if !c.known {
            return None;
        }
        let messages = std::mem::take(&mut c.messages);
        if messages.is_empty() {
            state.channels.remove(channel);
        }
        Some(messages)
    }

    /// `batch` was read from the store for the channel (`complete`: it is everything pending).
    pub fn read(&self, channel: &ChannelId, batch: &[InboxMessage], complete: bool) {
        let read: HashSet<String> = batch.iter().map(|m| m.message_id.clone()).collect();
        let mut state = self.state();
        let c = state.channels.entry(channel.clone()).or_default();
        c.messages.retain(|m| !read.contains(&m.message_id));
        c.known = complete;
        c.last_read = read;
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn message(id: &str) -> InboxMessage {
        InboxMessage {
            message_id: id.into(),
            channel_id: ChannelId("100".into()),
            received_at: Utc::now(),
            payload: String::new(),
        }
    }

    fn ids(messages: &[InboxMessage]) -> Vec<&str> {
        messages.iter().map(|m| m.message_id.as_str()).collect()
    }

    #[test]
    fn a_channel_is_read_from_the_store_until_a_complete_read_and_again_once_reported() {
        let carried = Carried::default();
        let channel = ChannelId("100".into());
        carried.carry(message("m1"));
        carried.carry(message("m2"));
        assert!(
            carried.take_if_known(&channel).is_none(),
            "unknown at first"
        );
        // The store had m0 (from before) and m1; m2 was stored after the read.
        carried.read(&channel, &[message("m0"), message("m1")], true);
        // The wake-up of a message the read already returned comes late: not carried again.
        carried.carry(message("m0"));
        assert_eq!(ids(&carried.take_if_known(&channel).unwrap()), ["m2"]);
        carried.carry(message("m3"));
        carried.unknown(&channel);
        assert!(
            carried.take_if_known(&channel).is_none(),
            "reported by the sweep"
        );
        carried.read(&channel, &[message("m3")], false);
        assert!(
            carried.take_if_known(&channel).is_none(),
            "an incomplete read knows nothing"
        );
        carried.read(&channel, &[], true);
        assert!(carried.take_if_known(&channel).unwrap().is_empty());
        carried.forget(&channel);
        assert!(carried.take_if_known(&channel).is_none());
    }

    #[test]
    fn a_wake_up_later_than_its_message_handled_is_not_carried() {
        let carried = Carried::default();
        let channel = ChannelId("100".into());
        // The sweep found m1 first: read from the store, handled, the channel's entry dropped.
        carried.read(&channel, &[message("m1")], true);
        carried.handled("m1");
        assert!(carried.take_if_known(&channel).unwrap().is_empty());
        // Then m1's wake-up arrives, and a new message's.
        carried.carry(message("m1"));
        carried.carry(message("m2"));
        carried.read(&channel, &[], true);
        assert_eq!(ids(&carried.take_if_known(&channel).unwrap()), ["m2"]);
    }

    #[test]
    fn only_the_latest_handled_ids_are_kept() {
        let carried = Carried::default();
        for i in 0..=HANDLED_KEPT {
            carried.handled(&format!("m{i}"));
        }
        let handled = &carried.state().handled;
        assert_eq!(handled.ids.len(), HANDLED_KEPT);
        assert!(!handled.ids.contains("m0"), "the oldest is let go");
        assert!(handled.ids.contains(&format!("m{HANDLED_KEPT}")));
    }
}
