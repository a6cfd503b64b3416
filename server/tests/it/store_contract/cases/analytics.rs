//! The analytics counters: kept by every audit append, backfilled once for entries older than
//! them, and giving the analytics the log walk gives, each entry counted once also when
//! backfills and appends race.

use app::model::{Actor, Analytics, AuditAction, AuditEntry};
use app::ssr::analytics::compose::from_counters;
use app::ssr::analytics::walk_log;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::{at, channel_id, race, viewer};
use crate::store_contract::Backend;

/// Hour `h` of the history: one entry per hour, so the order entries are counted in within an
/// hour never matters.
fn hour(h: i64) -> DateTime<Utc> {
    at(h * 3600)
}

fn now() -> DateTime<Utc> {
    hour(200)
}

fn line(h: i64, channel: &str, action: AuditAction, who: &str, metadata: Value) -> AuditEntry {
    AuditEntry {
        id: format!("{channel}-{h:04}"),
        channel_id: channel_id(channel),
        at: hour(h),
        action,
        actor: Actor::System,
        target: Some(viewer(who)),
        metadata,
    }
}

/// Entry `h` of a channel's history: paid grants, refunds (one of an already granted
/// redemption), grants by hand, expiries and a VIP seen outside the app.
fn history_line(h: i64, channel: &str) -> AuditEntry {
    let who = ["1", "2", "3"][usize::try_from(h % 3).unwrap()];
    match h % 6 {
        0 | 3 => line(
            h,
            channel,
            AuditAction::Grant,
            who,
            json!({ "session_id": format!("s{h}"), "redemption_id": format!("r{h}"), "cost": 100 + h }),
        ),
        1 => line(
            h,
            channel,
            AuditAction::Refund,
            who,
            json!({ "reason": "slots_full", "redemption_id": format!("r{h}"), "cost": 50 }),
        ),
        // The refund of the grant three hours before: the newer line counts.
        2 => line(
            h,
            channel,
            AuditAction::Refund,
            who,
            json!({ "reason": "reward_deleted", "redemption_id": format!("r{}", h - 2), "cost": 100 + h - 2 }),
        ),
        4 => line(
            h,
            channel,
            AuditAction::Expire,
            who,
            json!({ "session_id": format!("s{}", h - 4) }),
        ),
        _ => line(
            h,
            channel,
            AuditAction::ExternalVipSeen,
            who,
            json!({ "session_id": format!("x{h}") }),
        ),
    }
}

async fn counted(b: &Backend, channel: &str, days: u32) -> Analytics {
    let to = now().date_naive();
    let from = to - Duration::days(i64::from(days) - 1);
    let records = b
        .store
        .analytics_days(&channel_id(channel), from, to)
        .await
        .unwrap();
    from_counters(days, now(), 4, &records)
}

async fn walked(b: &Backend, channel: &str, days: u32) -> Analytics {
    walk_log(&*b.store, &channel_id(channel), days, now(), 4)
        .await
        .unwrap()
}

async fn assert_same(b: &Backend, channel: &str) {
    for days in [7, 30] {
        let (got, want) = (
            counted(b, channel, days).await,
            walked(b, channel, days).await,
        );
        assert!(want.totals.fulfilled > 0 && want.totals.refunded > 0);
        assert_eq!(got, want, "{channel}, {days} days");
    }
}

pub async fn analytics_counters_follow_every_append(b: Backend) {
    for h in 0..120 {
        b.store.append_audit(&history_line(h, "100")).await.unwrap();
        // Noise in another channel, at the same times.
        b.store.append_audit(&history_line(h, "200")).await.unwrap();
    }
    // Counted as written: the backfill finds nothing older to count.
    b.store
        .analytics_backfill(&channel_id("100"), now())
        .await
        .unwrap();
    assert_same(&b, "100").await;

    // A refused duplicate counts nothing.
    assert!(b.store.append_audit(&history_line(0, "100")).await.is_err());
    assert_same(&b, "100").await;
    let none = counted(&b, "300", 7).await;
    assert_eq!((none.totals.fulfilled, none.totals.refunded), (0, 0));
}

pub async fn analytics_backfill_counts_the_older_log_once(b: Backend) {
    // The counters start with the newest entry; the older ones are written after it (another
    // instance's clock is behind), so they are the backfill's.
    b.store
        .append_audit(&history_line(150, "100"))
        .await
        .unwrap();
    for h in 0..150 {
        b.store.append_audit(&history_line(h, "100")).await.unwrap();
    }
    let before = counted(&b, "100", 30).await;
    assert_eq!(
        before.totals.refunded, 0,
        "older entries wait for the backfill"
    );
    for _ in 0..2 {
        b.store
            .analytics_backfill(&channel_id("100"), now())
            .await
            .unwrap();
        assert_same(&b, "100").await;
    }
    // Counted live from now on, also entries older than the counters' start.
    for h in [151, 152, 153] {
        b.store.append_audit(&history_line(h, "100")).await.unwrap();
    }
    assert_same(&b, "100").await;
}

pub async fn racing_backfills_and_appends_count_each_entry_once(b: Backend) {
    // Most of the log is older than the counters; while three backfills run, older and newer
    // entries are written.
    b.store
        .append_audit(&history_line(100, "100"))
        .await
        .unwrap();
    for h in (0..100).filter(|h| h % 2 == 0 || *h > 16) {
        b.store.append_audit(&history_line(h, "100")).await.unwrap();
    }
    // Racing appends land in any order: none of these refers to another's redemption (a refund
    // written before the grant it refunds cannot happen).
    let later: Vec<i64> = (0..16).filter(|h| h % 2 == 1).chain([101, 103]).collect();
    let store = b.store.clone();
    let results = race(3 + later.len(), |i| {
        let store = store.clone();
        let entry = later
            .get(i.wrapping_sub(3))
            .map(|h| history_line(*h, "100"));
        async move {
            match entry.filter(|_| i >= 3) {
                Some(entry) => store.append_audit(&entry).await.map(|()| true),
                None => store
                    .analytics_backfill(&channel_id("100"), now())
                    .await
                    .map(|()| true),
            }
        }
    })
    .await;
    assert!(results.iter().all(|ok| *ok));
    for h in [102].into_iter().chain(104..140) {
        b.store.append_audit(&history_line(h, "100")).await.unwrap();
    }
    b.store
        .analytics_backfill(&channel_id("100"), now())
        .await
        .unwrap();
    assert_same(&b, "100").await;
}
