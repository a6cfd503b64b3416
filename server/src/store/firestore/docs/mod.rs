//! The documents this adapter stores, and their conversions to and from the domain types.
//!
//! Small domain values with a stable serde form (viewer, actor, settings, outcome) are stored as
//! nested maps; free-form JSON metadata is stored as a JSON string, because Firestore cannot hold
//! arrays of arrays or integers beyond `i64`. Times are Firestore timestamps (microseconds).

mod activity;
mod catalog;

pub(super) use activity::{ActiveVipDoc, AuditDoc, LeaseDoc, MessageDoc, SessionDoc};
pub(super) use catalog::{ChannelDoc, RedemptionDoc, RewardDoc, TokensDoc, WaitlistDoc};
