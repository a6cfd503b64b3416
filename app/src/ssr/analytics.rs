//! Analytics use case: a channel's redemptions, points spent, refunds, active VIPs and top viewers
//! per day of the streamer's time zone (UTC until set) over a window of recent days. The store
//! keeps counters per channel and UTC day (per UTC hour within it, composed into the zone's days
//! by [`compose`]), updated in the same write as each activity-log entry ([`counters`]), so a render reads one
//! record per day of the window plus the channel's active sessions, whatever the channel's age.
//! A channel whose log predates its counters has them built once from the log first (the
//! store's backfill).
//!
//! Active VIPs are reconstructed backwards: the count now is read from the store's active sessions,
//! and walking back past a session's start (grant, VIP seen outside the app) lowers it by one, past
//! an end (expiry, revoke, removal on Twitch) raises it by one.

pub mod compose;
pub mod counters;
mod tally;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::auth::{authorize_for, Caller, Permission};
use super::{OrInternal, ServerContext};
use crate::error::AppError;
use crate::model::{Analytics, ChannelId, RefundCount, RefundReason, TopViewer, TOP_VIEWERS};

pub use tally::{walk_log, Tally, MAX_SCANNED};

/// The analytics of `channel` over the last `days` UTC days up to `now`.
///
/// # Errors
/// Access errors from [`authorize_for`]; [`AppError::Internal`] on store failure.
pub async fn analytics(
    ctx: &ServerContext,
    caller: &Caller,
    channel: &ChannelId,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Analytics, AppError> {
    authorize_for(ctx, caller, channel, Permission::ReadLog).await?;
    let store = ctx.store();
    store
        .analytics_backfill(channel, now)
        .await
        .or_internal("building analytics counters from the log")?;
    let active_now = store
        .active_sessions(channel)
        .await
        .or_internal("listing VIPs for analytics")?
        .len();
    let zone = streamer_zone(ctx, channel).await?;
    let (from, to) = compose::utc_days_read(days, now, zone);
    let records = store
        .analytics_days(channel, from, to)
        .await
        .or_internal("reading analytics counters")?;
    let active_now = u32::try_from(active_now).unwrap_or(u32::MAX);
    Ok(compose::from_counters_in(
        days, now, zone, active_now, &records,
    ))
}

/// The channel's `time_zone` setting (UTC until set, or when the stored name is unknown).
async fn streamer_zone(
    ctx: &ServerContext,
    channel: &ChannelId,
) -> Result<chrono_tz::Tz, AppError> {
    let record = super::page_reads::channel(ctx.store().as_ref(), channel)
        .await
        .or_internal("reading the channel's time zone")?;
    Ok(record
        .and_then(|c| c.settings.time_zone)
        .and_then(|name| super::zone::parse(&name))
        .unwrap_or(chrono_tz::Tz::UTC))
}

/// A refund reason in a few words, for the chart.
pub fn refund_label(reason: &str) -> String {
    let known = serde_json::from_value::<RefundReason>(Value::String(reason.to_owned()));
    match known {
        Ok(RefundReason::IsModerator) => "Viewer is a moderator",
        Ok(RefundReason::AlreadyVip) => "Already a permanent VIP",
        Ok(RefundReason::SlotsFull) => "VIP slots full",
        Ok(RefundReason::WaitlistTimedOut) => "Waitlist timed out",
        Ok(RefundReason::BuildACommunityRequired) => "Build a Community required",
        Ok(RefundReason::UserBlocked) => "Viewer blocked",
        Ok(RefundReason::UserNotFound) => "Viewer not found",
        Ok(RefundReason::RewardDisabled) => "Reward switched off",
        Ok(RefundReason::TwitchRefused) => "Twitch refused",
        Ok(RefundReason::TwitchUnavailable) => "Twitch unavailable",
        Ok(RefundReason::BroadcasterSelf) => "Broadcaster's own redemption",
        Ok(RefundReason::Excluded) => "Viewer excluded",
        Ok(RefundReason::RewardDeleted) => "Reward deleted",
        Err(_) => return reason.replace('_', " "),
    }
    .to_owned()
}

/// Refund counts by reason, most frequent first (then by reason), zero counts left out.
fn refund_counts(refunds: HashMap<String, u32>) -> Vec<RefundCount> {
    let mut list: Vec<RefundCount> = refunds
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(reason, count)| RefundCount {
            label: refund_label(&reason),
            reason,
            count,
        })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    list
}

/// The window in words: `5 Feb – 6 Mar 2026 (UTC)`.
fn range_text(first_day: NaiveDate, now: DateTime<Utc>) -> String {
    zone_range_text(first_day, now.date_naive(), "UTC")
}

/// The window in words, in a zone: `5 Feb – 6 Mar 2026 (Europe/Berlin)`.
fn zone_range_text(first_day: NaiveDate, last_day: NaiveDate, zone: &str) -> String {
    format!(
        "{} – {} ({zone})",
        first_day.format("%-d %b %Y"),
        last_day.format("%-d %b %Y")
    )
}

/// One viewer's sums over the window.
#[derive(Default)]
struct ViewerTally {
    login: String,
    display_name: String,
    points: u64,
    redemptions: u32,
    grants: u32,
}

/// Most points first, then most redemptions, then most grants; equal numbers share a rank and are
/// listed by login (then id), so the order never depends on the walk.
fn rank_viewers(viewers: HashMap<String, ViewerTally>) -> Vec<TopViewer> {
    let mut list: Vec<(String, ViewerTally)> =
        viewers.into_iter().filter(|(_, v)| v.grants > 0).collect();
    let key = |v: &ViewerTally| (v.points, v.redemptions, v.grants);
    list.sort_by(|(a_id, a), (b_id, b)| {
        key(b)
            .cmp(&key(a))
            .then_with(|| a.login.cmp(&b.login))
            .then_with(|| a_id.cmp(b_id))
    });
    let mut ranked: Vec<TopViewer> = Vec::new();
    for (i, (id, v)) in list.into_iter().take(TOP_VIEWERS).enumerate() {
        let rank = match ranked.last() {
            Some(prev) if (prev.points, prev.redemptions, prev.grants) == key(&v) => prev.rank,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        ranked.push(TopViewer {
            rank,
            id,
            login: v.login,
            display_name: v.display_name,
            points: v.points,
            redemptions: v.redemptions,
            grants: v.grants,
        });
    }
    ranked
}

#[cfg(test)]
mod equivalence;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod zone_tests;
