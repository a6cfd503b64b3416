//! Reading the simulator's notes: which redemption notification went out when, and when the
//! server's Add VIP and Remove VIP requests for a (channel, viewer) arrived.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use twitch_sim::record::{Entry, Event};

/// `(broadcaster id, user id)`.
pub type Pair = (String, String);

const VIPS_PATH: &str = "/helix/channels/vips";
const REDEMPTION_ADD: &str = "channel.channel_points_custom_reward_redemption.add";

/// When something first happened for a pair, on both clocks.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub instant: Instant,
    pub at: DateTime<Utc>,
}

/// The notes sorted by what they say.
#[derive(Debug, Default)]
pub struct Traffic {
    /// First delivery attempt of each redemption notification.
    pub redemptions: HashMap<Pair, Seen>,
    /// First Add Channel VIP request per pair.
    pub adds: HashMap<Pair, Seen>,
    /// First Remove Channel VIP request per pair.
    pub removes: HashMap<Pair, Seen>,
    /// Webhook messages that were redeliveries (the server did not answer 2xx in time).
    pub webhook_retries: usize,
}

impl Traffic {
    pub fn read(notes: &[Entry]) -> Self {
        let mut t = Self::default();
        for note in notes {
            let seen = Seen {
                instant: note.instant,
                at: note.at,
            };
            match &note.event {
                Event::Request {
                    method,
                    path,
                    query,
                } if path == VIPS_PATH => {
                    let Some(pair) = query_pair(query) else {
                        continue;
                    };
                    let map = match method.as_str() {
                        "POST" => &mut t.adds,
                        "DELETE" => &mut t.removes,
                        _ => continue,
                    };
                    map.entry(pair).or_insert(seen);
                }
                Event::Webhook { retry, .. } if *retry > 0 => t.webhook_retries += 1,
                Event::Webhook {
                    message_type,
                    subscription_type,
                    body,
                    ..
                } if message_type == "notification" && subscription_type == REDEMPTION_ADD => {
                    if let Some(pair) = event_pair(body) {
                        t.redemptions.entry(pair).or_insert(seen);
                    }
                }
                _ => {}
            }
        }
        t
    }
}

/// `broadcaster_id` and `user_id` of a Helix query string.
fn query_pair(query: &str) -> Option<Pair> {
    let mut b = None;
    let mut u = None;
    for part in query.split('&') {
        match part.split_once('=') {
            Some(("broadcaster_id", v)) => b = Some(v.to_owned()),
            Some(("user_id", v)) => u = Some(v.to_owned()),
            _ => {}
        }
    }
    Some((b?, u?))
}

/// `event.broadcaster_user_id` and `event.user_id` of a notification body.
fn event_pair(body: &str) -> Option<Pair> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let event = v.get("event")?;
    Some((
        event.get("broadcaster_user_id")?.as_str()?.to_owned(),
        event.get("user_id")?.as_str()?.to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(event: Event) -> Entry {
        Entry {
            instant: Instant::now(),
            at: Utc::now(),
            event,
        }
    }

    fn request(method: &str, query: &str) -> Event {
        Event::Request {
            method: method.into(),
            path: VIPS_PATH.into(),
            query: query.into(),
        }
    }

    fn webhook(kind: &str, retry: u32, body: &str) -> Event {
        Event::Webhook {
            message_type: "notification".into(),
            subscription_type: kind.into(),
            message_id: "m".into(),
            retry,
            body: body.into(),
        }
    }

    #[test]
    fn pairs_requests_and_notifications_by_channel_and_viewer() {
        let body = r#"{"subscription":{},"event":{"broadcaster_user_id":"1","user_id":"2"}}"#;
        let notes = vec![
            note(webhook(REDEMPTION_ADD, 0, body)),
            note(webhook(REDEMPTION_ADD, 1, body)),
            note(webhook("channel.vip.add", 0, body)),
            note(request("POST", "broadcaster_id=1&user_id=2")),
            note(request("POST", "user_id=2&broadcaster_id=1")),
            note(request("GET", "broadcaster_id=1")),
            note(request("DELETE", "broadcaster_id=1&user_id=3")),
        ];
        let t = Traffic::read(&notes);
        let pair = ("1".to_owned(), "2".to_owned());
        assert_eq!(t.redemptions.len(), 1);
        assert_eq!(t.redemptions[&pair].instant, notes[0].instant);
        assert_eq!(t.adds.len(), 1);
        assert_eq!(
            t.adds[&pair].instant, notes[3].instant,
            "the first add counts"
        );
        assert!(t.removes.contains_key(&("1".to_owned(), "3".to_owned())));
        assert_eq!(t.webhook_retries, 1);
    }
}
