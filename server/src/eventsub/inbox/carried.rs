//! Messages this instance stored itself, handed to the processor with the wake-up, so that a
//! channel known to have nothing older pending is handled without reading its messages back.
//!
//! A channel is *known* once a read of its pending messages returned all of them (a short
//! batch); it becomes unknown again when the sweep reports it (pending there may be what another
//! instance, or a process before this one, stored) and when its lease had to be taken anew. An
//! unknown channel is read from the store, and what was carried and read is not carried again.

use std::collections::{HashMap, HashSet};
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

#[derive(Default)]
pub(super) struct Carried {
    channels: Mutex<HashMap<ChannelId, Channel>>,
}

impl Carried {
    fn channels(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelId, Channel>> {
        self.channels.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A message the intake stored.
    pub fn carry(&self, message: InboxMessage) {
        let mut channels = self.channels();
        let channel = channels.entry(message.channel_id.clone()).or_default();
        if !channel.last_read.contains(&message.message_id) {
            channel.messages.push(message);
        }
    }

    /// The channel may have pending messages this instance did not carry.
    pub fn unknown(&self, channel: &ChannelId) {
        if let Some(c) = self.channels().get_mut(channel) {
            c.known = false;
        }
    }

    /// Another instance handles the channel: what was carried is in the store for it.
    pub fn forget(&self, channel: &ChannelId) {
        self.channels().remove(channel);
    }

    /// The carried messages, in the order they were stored, when the channel is known to have
    /// nothing else pending; `None` when it must be read from the store.
    pub fn take_if_known(&self, channel: &ChannelId) -> Option<Vec<InboxMessage>> {
        let mut channels = self.channels();
        let c = channels.get_mut(channel)?;
        if !c.known {
            return None;
        }
        let messages = std::mem::take(&mut c.messages);
        if messages.is_empty() {
            channels.remove(channel);
        }
        Some(messages)
    }

    /// `batch` was read from the store for the channel (`complete`: it is everything pending).
    pub fn read(&self, channel: &ChannelId, batch: &[InboxMessage], complete: bool) {
        let read: HashSet<String> = batch.iter().map(|m| m.message_id.clone()).collect();
        let mut channels = self.channels();
        let c = channels.entry(channel.clone()).or_default();
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
}
