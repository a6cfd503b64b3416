//! Every VIP slot of a channel: which VIPs the streamer protects, which viewers may never get VIP
//! from the app (the exclusion list), and how many slots Twitch allows as the app has learned it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, ChannelId, Viewer, VipSession};

/// The session metadata key that marks a VIP the streamer protects: kept without a deadline and
/// never touched by the app (not removed, extended or given a deadline; a redemption by them is
/// refunded as "already VIP").
pub const PROTECTED_KEY: &str = "protected";

impl VipSession {
    /// Whether the streamer protects this VIP.
    pub fn is_protected(&self) -> bool {
        self.metadata
            .get(PROTECTED_KEY)
            .and_then(serde_json::Value::as_bool)
            == Some(true)
    }

    /// The metadata of this session protected (`true`: marked, without a deadline of any kind)
    /// or released (`false`: the mark taken away).
    pub fn metadata_protected(&self, protected: bool) -> serde_json::Value {
        let mut map = match &self.metadata {
            serde_json::Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        map.remove(super::UNTIL_KEY);
        if protected {
            map.insert(PROTECTED_KEY.into(), serde_json::Value::Bool(true));
        } else {
            map.remove(PROTECTED_KEY);
        }
        serde_json::Value::Object(map)
    }
}

/// A viewer who may never get VIP from the app in a channel: their redemptions are refunded with
/// the reason `excluded`, and grants for them are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exclusion {
    pub channel_id: ChannelId,
    pub viewer: Viewer,
    pub excluded_by: Actor,
    pub excluded_at: DateTime<Utc>,
}

/// How many VIPs Twitch lets the channel have, as the app learned it: the number of VIPs Twitch
/// listed when it last answered an Add VIP with 409 (no free slot), raised when more VIPs were
/// seen since. Twitch publishes no way to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotCapacity {
    pub slots: u32,
    pub learned_at: DateTime<Utc>,
}

/// The channel's VIP slots: every active VIP, the slots used against what is known of the
/// capacity, and the exclusion list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    /// Every active VIP: timed ones soonest first, permanent ones last.
    pub vips: Vec<VipSession>,
    /// Slots in use: every active VIP.
    pub used: u32,
    /// `None` until Twitch first answered that every slot is taken.
    pub capacity: Option<SlotCapacity>,
    /// Viewers who may never get VIP from the app, by login.
    pub excluded: Vec<Exclusion>,
}

impl Roster {
    /// The capacity to show: never below the slots in use (more VIPs than the learned number
    /// means Twitch gave the channel more slots since).
    pub fn shown_capacity(&self) -> Option<u32> {
        self.capacity.map(|c| c.slots.max(self.used))
    }

    /// Free slots, when the capacity is known.
    pub fn free(&self) -> Option<u32> {
        self.shown_capacity().map(|c| c - self.used)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{SessionState, VipSource};

    fn session(metadata: serde_json::Value) -> VipSession {
        VipSession {
            id: "s".into(),
            channel_id: "1".into(),
            viewer: Viewer {
                id: "2".into(),
                login: "v".into(),
                display_name: "V".into(),
            },
            source: VipSource::External,
            granted_by: Actor::System,
            granted_at: Utc::now(),
            expires_at: None,
            state: SessionState::Active,
            ended_at: None,
            redemption_id: None,
            metadata,
        }
    }

    #[test]
    fn protection_is_a_metadata_mark_that_drops_the_stream_end() {
        let s = session(json!({ "until": "stream_end", "reward_id": "r" }));
        assert!(!s.is_protected());
        let protected = s.metadata_protected(true);
        assert_eq!(protected, json!({ "protected": true, "reward_id": "r" }));
        let s = session(protected);
        assert!(s.is_protected() && s.is_untimed());
        assert_eq!(s.metadata_protected(false), json!({ "reward_id": "r" }));
        assert!(session(serde_json::Value::Null).metadata_protected(true)[PROTECTED_KEY] == true);
    }

    #[test]
    fn the_shown_capacity_never_falls_below_the_slots_used() {
        let capacity = |slots| SlotCapacity {
            slots,
            learned_at: Utc::now(),
        };
        let roster = |used, cap: Option<u32>| Roster {
            vips: Vec::new(),
            used,
            capacity: cap.map(capacity),
            excluded: Vec::new(),
        };
        assert_eq!(roster(3, None).shown_capacity(), None);
        assert_eq!(roster(3, None).free(), None);
        assert_eq!(roster(3, Some(10)).free(), Some(7));
        assert_eq!(roster(12, Some(10)).shown_capacity(), Some(12));
        assert_eq!(roster(12, Some(10)).free(), Some(0));
    }
}
