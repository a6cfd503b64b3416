//! The words every grant use case shares: what asks for a grant (a redemption, a request), what
//! pays for it, how it ends. Kept apart from the pipeline (`grant`) so that `attempts`, `outcome`,
//! `refusals` and `waitlist` read them without importing the pipeline, and the pipeline theirs.

use chrono::{DateTime, Utc};

use super::sessions::Lease;

use crate::model::{
    Actor, ChannelId, GrantLength, NoGrant, RefundReason, Viewer, VipSession, VipSource,
};

/// A redemption as EventSub (or catch-up) delivers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingRedemption {
    pub channel: ChannelId,
    pub redemption_id: String,
    pub reward_id: String,
    pub viewer: Viewer,
    pub redeemed_at: DateTime<Utc>,
}

/// A grant that no redemption pays for: manual (streamer, moderator), subscription, bits.
/// Who may ask for it is the caller's check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRequest {
    pub channel: ChannelId,
    pub viewer: Viewer,
    /// A fixed time, or until the stream ends.
    pub length: GrantLength,
    pub source: VipSource,
    pub actor: Actor,
}

/// The redemption that pays for a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Paid {
    pub id: String,
    pub reward_id: String,
    /// The reward's price in channel points when it was redeemed (recorded for analytics), if known.
    pub cost: Option<u64>,
    /// Which catch-up attempt at the redemption this is (1-based); `None` for its first delivery
    /// and for a grant from the waitlist. A Twitch outage on the last allowed one refunds.
    pub catch_up_attempt: Option<u32>,
}

/// Which attempt at a recorded redemption this is.
pub(super) enum Attempt {
    /// Its first, with the marker its record was stored with (see `attempts`).
    First(Option<Lease>),
    /// A catch-up pass's, counted (1-based) when the count is known.
    CatchUp(Option<u32>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum GrantOutcome {
    /// The viewer is VIP now, until the session's deadline.
    Granted(VipSession),
    /// The viewer was a timed VIP already; the stacking rule moved the deadline.
    Extended(VipSession),
    /// Refunded (a redemption, status CANCELED) or refused (any other source), for this reason.
    Refunded(RefundReason),
    /// No free slot: queued until one frees up or the maximum wait passes.
    Waitlisted,
    /// Not decided: left UNFULFILLED for catch-up.
    Pending(PendingReason),
    /// This redemption was handled already (another delivery, transport or instance).
    Duplicate,
    Ignored(IgnoreReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingReason {
    /// Twitch refused the channel's token; the streamer must log in again.
    NeedsReauth,
    /// Twitch failed (5xx, time-outs, rate limit) after retries; a redemption is taken up again by
    /// catch-up a bounded number of times (see `refusals`).
    TwitchUnavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreReason {
    /// Not one of the app's rewards (or not this channel's).
    NotOurReward,
    UnknownChannel,
    /// A subscription, gift or cheer that the channel's grant rules do not reward.
    NoRule(NoGrant),
}

/// What to do when Twitch says the slots are full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OnFull {
    /// As the channel's settings say (refund, or waitlist a redemption).
    Policy,
    /// The grant comes from the waitlist: leave it there, change nothing.
    KeepQueued,
}

/// Which success a grant ended in.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Granted,
    Extended,
}
