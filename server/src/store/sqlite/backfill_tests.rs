//! A database migrated from before the analytics counters: the log is there, the counters are
//! not. The first backfill builds them from the log, and appends count from then on.

use app::model::{Actor, AuditAction, AuditEntry, ChannelId, Viewer};
use app::ssr::analytics::compose::from_counters;
use app::ssr::analytics::walk_log;
use app::ssr::store::prelude::*;
use app::ssr::store::AnalyticsStore;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

use super::SqliteStore;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

/// Entry `n`, `n` times 5 hours before now: grants, refunds (one per grant, newer), expiries.
fn line(n: i64) -> AuditEntry {
    let who = n % 4;
    let (action, metadata) = match n % 4 {
        0 => (
            AuditAction::Grant,
            json!({ "session_id": format!("s{n}"), "redemption_id": format!("r{n}"), "cost": 100 + n }),
        ),
        1 => (
            AuditAction::Refund,
            json!({ "reason": "slots_full", "redemption_id": format!("r{}", n + 7), "cost": 100 }),
        ),
        2 => (
            AuditAction::Expire,
            json!({ "session_id": format!("s{}", n + 2) }),
        ),
        _ => (
            AuditAction::Extend,
            json!({ "session_id": format!("s{}", n + 3) }),
        ),
    };
    AuditEntry {
        id: format!("e{n:04}"),
        channel_id: ChannelId::from("100"),
        at: now() - Duration::hours(5 * n),
        action,
        actor: Actor::System,
        target: Some(Viewer {
            id: format!("{who}"),
            login: format!("viewer{who}"),
            display_name: format!("Viewer{who}"),
        }),
        metadata,
    }
}

async fn assert_same(store: &SqliteStore, channel: &ChannelId) {
    let records = store
        .analytics_days(
            channel,
            now().date_naive() - Duration::days(29),
            now().date_naive(),
        )
        .await
        .unwrap();
    let got = from_counters(30, now(), 3, &records);
    let want = walk_log(store, channel, 30, now(), 3).await.unwrap();
    assert!(want.totals.fulfilled > 0 && want.totals.refunded > 0);
    assert_eq!(got, want);
}

#[tokio::test]
async fn a_log_from_before_the_counters_is_backfilled_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/upgrade.db", dir.path().display());
    let store = SqliteStore::connect(&url).await.unwrap();
    let channel = ChannelId::from("100");
    for n in (1..150).rev() {
        store.append_audit(&line(n)).await.unwrap();
    }
    // What a database written before the counters existed holds: the log alone.
    store
        .writer
        .run(|c| {
            c.execute_batch(
                "DELETE FROM analytics_days; DELETE FROM analytics_counted;
                 DELETE FROM analytics_markers;",
            )
            .map_err(super::codec::sql_error)
        })
        .await
        .unwrap();
    store.analytics_backfill(&channel, now()).await.unwrap();
    assert_same(&store, &channel).await;
    // Done once: a second backfill changes nothing, and appends count from now on.
    store.analytics_backfill(&channel, now()).await.unwrap();
    store.append_audit(&line(0)).await.unwrap();
    assert_same(&store, &channel).await;
}
