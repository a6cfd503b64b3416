//! The tally over hand-made log entries, fed newest first as the store returns them.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

use super::{refund_label, Tally};
use crate::model::{Actor, Analytics, AuditAction, AuditEntry, ChannelId, Viewer};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

/// "Now" of every test: Tuesday 10 March 2026, noon UTC. A 7-day window starts on 4 March.
fn now() -> DateTime<Utc> {
    at(10, 12)
}

fn viewer(n: u32) -> Viewer {
    Viewer {
        id: format!("{n}"),
        login: format!("viewer_{n}"),
        display_name: format!("Viewer_{n}"),
    }
}

fn entry(at: DateTime<Utc>, action: AuditAction, who: u32, metadata: Value) -> AuditEntry {
    AuditEntry {
        id: format!("{}-{}-{who}", at.timestamp(), action.as_str()),
        channel_id: ChannelId::from("1"),
        at,
        action,
        actor: Actor::System,
        target: Some(viewer(who)),
        metadata,
    }
}

fn redeemed(at: DateTime<Utc>, who: u32, redemption: &str, cost: u64) -> AuditEntry {
    entry(
        at,
        AuditAction::Grant,
        who,
        json!({ "session_id": format!("s-{redemption}"), "redemption_id": redemption, "cost": cost }),
    )
}

fn refunded(at: DateTime<Utc>, who: u32, redemption: &str, reason: &str) -> AuditEntry {
    entry(
        at,
        AuditAction::Refund,
        who,
        json!({ "reason": reason, "redemption_id": redemption, "cost": 100 }),
    )
}

/// Feeds entries in the order given (newest first), as the use case does.
fn tally(days: u32, active_now: u32, newest_first: &[AuditEntry]) -> Analytics {
    let mut t = Tally::new(days, now(), active_now);
    for e in newest_first {
        if !t.push(e) {
            break;
        }
    }
    t.finish(false)
}

#[test]
fn every_day_of_the_window_is_present_in_utc_oldest_first() {
    let a = tally(7, 0, &[]);
    assert_eq!(a.days, 7);
    let dates: Vec<&str> = a.series.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2026-03-04",
            "2026-03-05",
            "2026-03-06",
            "2026-03-07",
            "2026-03-08",
            "2026-03-09",
            "2026-03-10"
        ]
    );
    assert_eq!(a.series[0].label, "4 Mar");
    assert_eq!(a.range, "4 Mar 2026 – 10 Mar 2026 (UTC)");
    assert!(a
        .series
        .iter()
        .all(|d| d.redemptions() == 0 && d.points == 0));
    assert_eq!(tally(30, 0, &[]).series.len(), 30);
    assert_eq!(tally(90, 0, &[]).series[0].date, "2025-12-11");
}

#[test]
fn redemptions_and_points_are_counted_per_utc_day() {
    // 20:00 at UTC−5 on 9 March is 01:00 UTC on 10 March.
    let evening_in_new_york = DateTime::parse_from_rfc3339("2026-03-09T20:00:00-05:00")
        .unwrap()
        .with_timezone(&Utc);
    let entries = [
        redeemed(evening_in_new_york, 1, "r5", 300),
        redeemed(at(10, 0), 2, "r4", 100),
        // The last second of 9 March.
        refunded(
            at(10, 0) - chrono::Duration::seconds(1),
            3,
            "r3",
            "slots_full",
        ),
        // An extension paid by a redemption counts; a grant by hand costs nothing.
        entry(
            at(6, 9),
            AuditAction::Extend,
            1,
            json!({ "redemption_id": "r2", "cost": 50 }),
        ),
        entry(
            at(6, 8),
            AuditAction::Grant,
            4,
            json!({ "source": "manual" }),
        ),
        redeemed(at(4, 0), 1, "r1", 100),
        // Before the window: the walk stops here.
        redeemed(at(3, 23), 1, "r0", 1_000),
    ];
    let a = tally(7, 0, &entries);
    let per_day: Vec<(u32, u32, u64)> = a
        .series
        .iter()
        .map(|d| (d.fulfilled, d.refunded, d.points))
        .collect();
    assert_eq!(
        per_day,
        [
            (1, 0, 100),
            (0, 0, 0),
            (1, 0, 50),
            (0, 0, 0),
            (0, 0, 0),
            (0, 1, 0),
            (2, 0, 400)
        ]
    );
    assert_eq!(a.totals.fulfilled, 4);
    assert_eq!(a.totals.refunded, 1);
    assert_eq!(a.totals.points_spent, 550);
    assert_eq!(a.totals.points_refunded, 100);
}

#[test]
fn a_redemption_logged_twice_counts_once_and_entries_after_now_are_skipped() {
    let entries = [
        redeemed(now() + chrono::Duration::seconds(1), 1, "late", 999),
        redeemed(at(9, 10), 1, "r1", 100),
        redeemed(at(9, 9), 1, "r1", 100),
        refunded(at(8, 9), 2, "r2", "user_blocked"),
        refunded(at(8, 8), 2, "r2", "user_blocked"),
    ];
    let a = tally(7, 0, &entries);
    assert_eq!(a.totals.fulfilled, 1);
    assert_eq!(a.totals.points_spent, 100);
    assert_eq!(a.totals.refunded, 1);
    assert_eq!(a.refunds.len(), 1);
    assert_eq!(a.refunds[0].count, 1);
}

#[test]
fn refunds_are_grouped_by_reason_most_frequent_first() {
    let entries = [
        refunded(at(10, 9), 1, "a", "user_blocked"),
        refunded(at(10, 8), 2, "b", "slots_full"),
        refunded(at(9, 8), 3, "c", "is_moderator"),
        refunded(at(8, 8), 4, "d", "slots_full"),
        refunded(at(7, 8), 5, "e", "something_new"),
    ];
    let a = tally(7, 0, &entries);
    let got: Vec<(&str, &str, u32)> = a
        .refunds
        .iter()
        .map(|r| (r.reason.as_str(), r.label.as_str(), r.count))
        .collect();
    assert_eq!(
        got,
        [
            ("slots_full", "VIP slots full", 2),
            // Equal counts: by reason code.
            ("is_moderator", "Viewer is a moderator", 1),
            ("something_new", "something new", 1),
            ("user_blocked", "Viewer blocked", 1),
        ]
    );
    assert_eq!(refund_label("waitlist_timed_out"), "Waitlist timed out");
}

#[test]
fn refusals_twitch_gives_no_rule_for_have_labels() {
    assert_eq!(refund_label("twitch_refused"), "Twitch refused");
    assert_eq!(refund_label("twitch_unavailable"), "Twitch unavailable");
    assert_eq!(
        refund_label("broadcaster_self"),
        "Broadcaster's own redemption"
    );
}

#[test]
fn top_viewers_are_ranked_by_points_with_ties_sharing_a_rank_in_login_order() {
    let entries = vec![
        redeemed(at(10, 9), 3, "a", 200),
        redeemed(at(10, 8), 2, "b", 100),
        redeemed(at(9, 8), 2, "c", 100),
        redeemed(at(9, 7), 5, "d", 200),
        redeemed(at(8, 7), 4, "e", 50),
        entry(
            at(8, 6),
            AuditAction::Grant,
            6,
            json!({ "source": "manual" }),
        ),
        // A refund alone spends nothing and grants nothing: not listed.
        refunded(at(8, 5), 7, "f", "slots_full"),
    ];
    let a = tally(7, 0, &entries);
    let got: Vec<(u32, &str, u64, u32)> = a
        .top_viewers
        .iter()
        .map(|v| (v.rank, v.login.as_str(), v.points, v.redemptions))
        .collect();
    assert_eq!(
        got,
        [
            (1, "viewer_2", 200, 2),
            // Same points, fewer redemptions: a rank of its own; then a tie, by login.
            (2, "viewer_3", 200, 1),
            (2, "viewer_5", 200, 1),
            (4, "viewer_4", 50, 1),
            (5, "viewer_6", 0, 0),
        ]
    );
    assert_eq!(a.top_viewers[0].display_name, "Viewer_2");
    assert_eq!(a.top_viewers[4].grants, 1);
    // The same entries in another order within their times rank the same.
    let mut shuffled = entries.clone();
    shuffled.swap(1, 0);
    for (i, e) in shuffled.iter_mut().enumerate() {
        e.at = now() - chrono::Duration::minutes(i as i64);
    }
    assert_eq!(tally(7, 0, &shuffled).top_viewers, a.top_viewers);
}

#[test]
fn top_viewers_are_capped() {
    let entries: Vec<AuditEntry> = (0..15)
        .map(|n| {
            redeemed(
                at(10, 11) - chrono::Duration::minutes(n.into()),
                n,
                &format!("r{n}"),
                10,
            )
        })
        .collect();
    let a = tally(7, 0, &entries);
    assert_eq!(a.top_viewers.len(), crate::model::TOP_VIEWERS);
    assert!(a.top_viewers.iter().all(|v| v.rank == 1));
    assert_eq!(a.top_viewers[0].login, "viewer_0");
    assert_eq!(a.top_viewers[2].login, "viewer_10");
}

#[test]
fn active_vips_are_reconstructed_backwards_from_the_count_now() {
    // Forwards: one VIP (s0) at the window's start; 5 Mar s1 and s2 granted; 7 Mar s1 expires;
    // 9 Mar s2 revoked, then s3 granted; an extension and a repeated grant line change nothing.
    let start = |at, id: &str| entry(at, AuditAction::Grant, 1, json!({ "session_id": id }));
    let end = |at, action, id: &str| entry(at, action, 1, json!({ "session_id": id }));
    let entries = [
        start(at(9, 12), "s3"),
        end(at(9, 11), AuditAction::Revoke, "s2"),
        entry(
            at(8, 9),
            AuditAction::Extend,
            1,
            json!({ "session_id": "s3" }),
        ),
        end(at(7, 10), AuditAction::Expire, "s1"),
        start(at(5, 9), "s2"),
        start(at(5, 8), "s1"),
        start(at(5, 7), "s1"),
    ];
    let a = tally(7, 2, &entries);
    let ends: Vec<u32> = a.series.iter().map(|d| d.active_end).collect();
    let peaks: Vec<u32> = a.series.iter().map(|d| d.active_peak).collect();
    assert_eq!(ends, [1, 3, 3, 2, 2, 2, 2]);
    assert_eq!(peaks, [1, 3, 3, 3, 2, 2, 2]);
    assert_eq!((a.active_at_start, a.active_now), (1, 2));

    // VIPs seen outside the app count; removals on Twitch end them.
    let entries = [
        end(at(8, 9), AuditAction::RemovedExternally, "x1"),
        entry(
            at(6, 9),
            AuditAction::ExternalVipSeen,
            1,
            json!({ "session_id": "x1" }),
        ),
    ];
    let a = tally(7, 0, &entries);
    let ends: Vec<u32> = a.series.iter().map(|d| d.active_end).collect();
    assert_eq!(ends, [0, 0, 1, 1, 0, 0, 0]);
}

#[test]
fn the_count_never_goes_below_zero() {
    // Sessions the log does not explain (older than it) must not underflow.
    let entries = [entry(
        at(9, 9),
        AuditAction::Grant,
        1,
        json!({ "session_id": "s1" }),
    )];
    let a = tally(7, 0, &entries);
    assert!(a.series.iter().all(|d| d.active_end == 0));
    assert_eq!(a.active_at_start, 0);
}
