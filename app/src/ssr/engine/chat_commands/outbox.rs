//! Replies to chat commands, per channel, within Twitch's chat rate limits: 20 messages per 30 s
//! when the sender is not a moderator of the channel, 100 when it is (the broadcaster is). A reply
//! goes out at once while the window has room. When it has none, replies wait for the window in
//! arrival order; whoever's turn comes sends everything waiting, coalesced into as few messages as
//! fit in 500 characters (the first reply's thread is kept). Twitch drops a message identical to
//! one the sender sent within 30 s (`msg_duplicate`), which two moderators asking the same thing
//! would hit: such a reply gets an invisible tag space (U+E0000, as chat clients add to repeat a
//! message) appended. Nothing is dropped: a send that fails is logged and written to the activity
//! log by the caller.
//!
//! The decisions ([`Lane::take`]) are pure and unit-tested; the engine does the waiting.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::{ChannelId, MAX_CHAT_CHARS};

/// The window Twitch counts a sender's chat messages in.
pub const CHAT_WINDOW: Duration = Duration::from_secs(30);
/// Messages per window for a sender that is not a moderator of the channel.
pub const CHAT_LIMIT: usize = 20;
/// Messages per window for a moderator (or the broadcaster).
pub const CHAT_LIMIT_MODERATOR: usize = 100;

/// How replies to several commands are joined into one message.
const JOINER: &str = " · ";
/// Appended to a reply identical to one sent within the window.
const REPEAT_MARK: &str = " \u{E0000}";

/// One reply to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    /// The chat message this answers (`reply_parent_message_id`).
    pub parent: Option<String>,
}

/// What the caller does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Take {
    /// Send these now (their sending is already counted in the window).
    Send(Vec<Reply>),
    /// The window is full: look again after this long.
    Wait(Duration),
    /// Nothing waits any more (another caller sent it).
    Done,
}

/// One channel's window and waiting replies.
#[derive(Debug, Default)]
pub struct Lane {
    sent: VecDeque<(DateTime<Utc>, String)>,
    waiting: VecDeque<Reply>,
}

impl Lane {
    pub fn push(&mut self, reply: Reply) {
        self.waiting.push_back(reply);
    }

    /// Takes what may be sent at `now` with `limit` messages per window.
    pub fn take(&mut self, now: DateTime<Utc>, limit: usize) -> Take {
        let window = chrono::Duration::from_std(CHAT_WINDOW).expect("30 s fits");
        while self.sent.front().is_some_and(|(t, _)| *t + window <= now) {
            self.sent.pop_front();
        }
        if self.waiting.is_empty() {
            return Take::Done;
        }
        let room = limit.max(1).saturating_sub(self.sent.len());
        if room == 0 {
            let oldest = self.sent.front().expect("a full window has a message").0;
            let wait = (oldest + window - now).to_std().unwrap_or(Duration::ZERO);
            return Take::Wait(wait.max(Duration::from_millis(10)));
        }
        let mut out: Vec<Reply> = Vec::new();
        while out.len() < room {
            let Some(next) = self.waiting.pop_front() else {
                break;
            };
            // Coalesce with the message before when both fit in one.
            let used = out.len();
            match out.last_mut() {
                Some(last)
                    if last.text.chars().count() + JOINER.len() + next.text.chars().count()
                        <= MAX_CHAT_CHARS =>
                {
                    last.text.push_str(JOINER);
                    last.text.push_str(&next.text);
                }
                _ if used + 1 > room => {
                    self.waiting.push_front(next);
                    break;
                }
                _ => out.push(next),
            }
        }
        // Coalesce what is left into the last message too, while it fits.
        while let Some(next) = self.waiting.front() {
            let last = out.last_mut().expect("room for at least one");
            if last.text.chars().count() + JOINER.len() + next.text.chars().count() > MAX_CHAT_CHARS
            {
                break;
            }
            last.text.push_str(JOINER);
            last.text.push_str(&next.text);
            self.waiting.pop_front();
        }
        for reply in &mut out {
            while self.sent.iter().any(|(_, text)| *text == reply.text) {
                reply.text.push_str(REPEAT_MARK);
            }
            self.sent.push_back((now, reply.text.clone()));
        }
        Take::Send(out)
    }
}

/// Every channel's lane.
#[derive(Debug, Default)]
pub struct ChatOutbox {
    lanes: Mutex<HashMap<ChannelId, Lane>>,
}

impl ChatOutbox {
    pub fn push(&self, channel: &ChannelId, reply: Reply) {
        if let Ok(mut lanes) = self.lanes.lock() {
            lanes.entry(channel.clone()).or_default().push(reply);
        }
    }

    pub fn take(&self, channel: &ChannelId, now: DateTime<Utc>, limit: usize) -> Take {
        match self.lanes.lock() {
            Ok(mut lanes) => lanes.entry(channel.clone()).or_default().take(now, limit),
            Err(_) => Take::Done,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(millis: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(1_700_000_000_000 + millis)
            .unwrap()
    }

    fn reply(text: &str) -> Reply {
        Reply {
            text: text.into(),
            parent: Some(format!("parent-{text}")),
        }
    }

    #[test]
    fn a_reply_goes_out_at_once_while_the_window_has_room() {
        let mut lane = Lane::default();
        for i in 0..CHAT_LIMIT {
            lane.push(reply(&format!("r{i}")));
            assert_eq!(
                lane.take(at(0), CHAT_LIMIT),
                Take::Send(vec![reply(&format!("r{i}"))])
            );
        }
        assert_eq!(lane.take(at(0), CHAT_LIMIT), Take::Done);
        lane.push(reply("late"));
        assert_eq!(
            lane.take(at(1_000), CHAT_LIMIT),
            Take::Wait(Duration::from_secs(29))
        );
        assert_eq!(
            lane.take(at(30_000), CHAT_LIMIT),
            Take::Send(vec![reply("late")])
        );
    }

    #[test]
    fn replies_that_waited_are_coalesced_keeping_the_first_thread() {
        let mut lane = Lane::default();
        lane.push(reply("first"));
        assert!(matches!(lane.take(at(0), 1), Take::Send(_)));
        for text in ["a", "b", "c"] {
            lane.push(reply(text));
        }
        assert!(matches!(lane.take(at(10), 1), Take::Wait(_)));
        let Take::Send(sent) = lane.take(at(30_000), 1) else {
            panic!("the window moved on")
        };
        assert_eq!(
            sent,
            [Reply {
                text: "a · b · c".into(),
                parent: Some("parent-a".into())
            }]
        );
        assert_eq!(lane.take(at(30_000), 1), Take::Done);
    }

    #[test]
    fn nothing_is_lost_when_coalesced_messages_exceed_the_room() {
        let mut lane = Lane::default();
        let long = "x".repeat(300);
        for _ in 0..5 {
            lane.push(reply(&long));
        }
        let mut sent = 0;
        let mut now = 0;
        loop {
            match lane.take(at(now), 2) {
                Take::Send(batch) => {
                    assert!(batch.len() <= 2);
                    assert!(batch
                        .iter()
                        .all(|r| r.text.chars().count() <= MAX_CHAT_CHARS));
                    sent += batch.len();
                }
                Take::Wait(d) => now += i64::try_from(d.as_millis()).unwrap(),
                Take::Done => break,
            }
        }
        assert_eq!(sent, 5);
    }

    #[test]
    fn a_reply_repeated_within_the_window_is_not_identical() {
        let mut lane = Lane::default();
        let mut texts = Vec::new();
        for _ in 0..3 {
            lane.push(reply("same"));
            let Take::Send(sent) = lane.take(at(0), CHAT_LIMIT) else {
                panic!("room")
            };
            texts.push(sent[0].text.clone());
        }
        assert_eq!(texts[0], "same");
        assert_ne!(texts[1], texts[0]);
        assert_ne!(texts[2], texts[1]);
        assert!(texts
            .iter()
            .all(|t| t.trim_end_matches([' ', '\u{E0000}']) == "same"));
        lane.push(reply("same"));
        assert_eq!(
            lane.take(at(30_000), CHAT_LIMIT),
            Take::Send(vec![reply("same")])
        );
    }

    #[test]
    fn a_moderator_sender_gets_the_higher_limit() {
        let mut lane = Lane::default();
        for i in 0..CHAT_LIMIT_MODERATOR {
            lane.push(reply(&format!("r{i}")));
            assert!(
                matches!(lane.take(at(0), CHAT_LIMIT_MODERATOR), Take::Send(_)),
                "{i}"
            );
        }
        lane.push(reply("over"));
        assert!(matches!(
            lane.take(at(0), CHAT_LIMIT_MODERATOR),
            Take::Wait(_)
        ));
    }
}
