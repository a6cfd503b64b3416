//! Messages this instance stored itself, handed to the processor with the wake-up, so that a
//! channel known to have nothing older pending is handled without reading its messages back.
//!
//! A channel is *known* once a read of its pending messages returned all of them (a short
//! batch); it becomes unknown again when the sweep reports it (pending there may be what another
//! instance, or a process before this one, stored) and when its lease had to be taken anew. An
//! unknown channel is read from the store, and what was carried and read is not carried again.
//!
//! A wake-up may come late: the processor's loop takes it only between its own store calls (the
//! sweep's look-up, the idle leases' release), so a worker may meanwhile have read the message from
//! the store (the channel was unknown), handled it, and dropped the channel's entry or replaced its
//! last read. The ids of the messages handled in the last [`HANDLED_FOR`] are kept apart from the
//! channels (at most [`HANDLED_MAX`] of them), so that such a wake-up does not hand the message over
//! a second time. A wake-up later than that (a store stalled for longer) may still do so; the
//! engine's guards make that harmless.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

/// How long a handled message's id is kept: far longer than a store call of the processor's loop
/// should take (SQLite's busy timeout is 5 s).
const HANDLED_FOR: Duration = Duration::from_secs(30);
/// At most this many ids are kept (under 2 MB), whatever the rate: 10 s at 1,000 messages a second,
/// twice SQLite's busy timeout.
const HANDLED_MAX: usize = 10_000;

/// The ids of the messages handled lately, oldest first.
#[derive(Default)]
struct Handled {
    ids: HashSet<String>,
    order: VecDeque<(Instant, String)>,
}

impl Handled {
    fn insert(&mut self, id: &str, now: Instant) {
        if self.ids.insert(id.to_owned()) {
            self.order.push_back((now, id.to_owned()));
        }
        while let Some((at, oldest)) = self.order.front() {
            if self.order.len() <= HANDLED_MAX && now.duration_since(*at) < HANDLED_FOR {
                break;
            }
            self.ids.remove(oldest);
            self.order.pop_front();
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

    /// The message was handled (or skipped as unreadable) at `now`: a late wake-up of it is
    /// ignored. Had its mark in the store failed, it is still pending there, and the next read
    /// of the channel from the store brings it back (at the latest after the sweep reports it).
    pub fn handled(&self, message_id: &str, now: Instant) {
        self.state().handled.insert(message_id, now);
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
        carried.handled("m1", Instant::now());
        assert!(carried.take_if_known(&channel).unwrap().is_empty());
        // Then m1's wake-up arrives, and a new message's.
        carried.carry(message("m1"));
        carried.carry(message("m2"));
        carried.read(&channel, &[], true);
        assert_eq!(ids(&carried.take_if_known(&channel).unwrap()), ["m2"]);
    }

    #[test]
    fn handled_ids_are_kept_for_a_while_and_up_to_a_number() {
        let carried = Carried::default();
        let start = Instant::now();
        carried.handled("m0", start);
        carried.handled("m1", start + HANDLED_FOR / 2);
        carried.handled("m2", start + HANDLED_FOR);
        {
            let handled = &carried.state().handled;
            assert!(
                !handled.ids.contains("m0"),
                "kept no longer than HANDLED_FOR"
            );
            assert!(handled.ids.contains("m1") && handled.ids.contains("m2"));
        }
        let later = start + HANDLED_FOR * 2;
        for i in 0..=HANDLED_MAX {
            carried.handled(&format!("n{i}"), later);
        }
        let handled = &carried.state().handled;
        assert_eq!(handled.ids.len(), HANDLED_MAX);
        assert_eq!(handled.order.len(), HANDLED_MAX);
        assert!(!handled.ids.contains("n0"), "the oldest is let go");
        assert!(handled.ids.contains(&format!("n{HANDLED_MAX}")));
    }
}
