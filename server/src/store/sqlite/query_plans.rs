//! Checks, with SQLite's own query planner, that the hot queries read the indexes the schema
//! promises: the sweeper's queries only touch active sessions with a deadline, and a channel's VIP
//! list and every activity-log page are index walks without a sort.

use app::model::{AuditAction, AuditCursor, AuditQuery, ChannelId};
use chrono::DateTime;

use super::codec::sql_error;
use super::{analytics, audit, vip_sessions, SqliteStore};

/// SQLite's plan for `sql` on a reader of `store`, one step a line (parameters left unbound).
pub(super) fn plan(store: &SqliteStore, sql: &str) -> String {
    store
        .reads
        .read(|conn| {
            let mut explain = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .map_err(sql_error)?;
            let mut rows = explain.raw_query();
            let mut steps = Vec::new();
            while let Some(row) = rows.next().map_err(sql_error)? {
                steps.push(row.get::<_, String>(3).map_err(sql_error)?);
            }
            Ok(steps.join("\n"))
        })
        .unwrap()
}

/// Asserts that SQLite runs `sql` by walking the index `index`, with no sort of its own.
pub(super) fn assert_walks_without_sorting(store: &SqliteStore, sql: &str, index: &str) {
    let plan = plan(store, sql);
    assert!(plan.contains(&format!("INDEX {index}")), "{sql}\n{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{sql}\n{plan}");
}

async fn store() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/plans.db", dir.path().display());
    (SqliteStore::connect(&url).await.unwrap(), dir)
}

#[tokio::test]
async fn sweeper_queries_read_only_the_due_index() {
    let (store, _dir) = store().await;
    for sql in [vip_sessions::DUE, vip_sessions::NEXT_DEADLINE] {
        assert_walks_without_sorting(&store, sql, "vip_sessions_due");
    }
}

#[tokio::test]
async fn a_channels_vip_list_walks_its_index_without_sorting() {
    let (store, _dir) = store().await;
    assert_walks_without_sorting(&store, vip_sessions::ACTIVE, "vip_sessions_active_order");
}

#[tokio::test]
async fn audit_pages_walk_an_index_without_sorting() {
    let (store, _dir) = store().await;
    let channel = ChannelId::from("1");
    let before = Some(AuditCursor {
        at: DateTime::from_timestamp_micros(1).unwrap(),
        id: "x".into(),
    });
    let base = AuditQuery {
        action: None,
        viewer_id: None,
        before: None,
        limit: 10,
    };
    let cases = [
        ("audit_by_channel", base.clone()),
        (
            "audit_by_channel",
            AuditQuery {
                before: before.clone(),
                ..base.clone()
            },
        ),
        (
            "audit_by_action",
            AuditQuery {
                action: Some(AuditAction::Grant),
                ..base.clone()
            },
        ),
        (
            "audit_by_viewer",
            AuditQuery {
                viewer_id: Some("7".into()),
                before,
                ..base
            },
        ),
    ];
    for (index, query) in cases {
        let (sql, _) = audit::page_query(&channel, &query);
        assert_walks_without_sorting(&store, &sql, index);
    }
}

#[tokio::test]
async fn the_analytics_backfill_walks_the_channel_index_without_sorting() {
    let (store, _dir) = store().await;
    assert_walks_without_sorting(&store, analytics::OLDER_ENTRIES, "audit_by_channel");
}

#[tokio::test]
async fn an_in_memory_url_gives_a_private_database_that_the_writer_and_the_readers_share() {
    use app::ssr::store::CoordinationStore;
    let now = chrono::Utc::now();
    let ttl = std::time::Duration::from_secs(60);
    let one = SqliteStore::connect("sqlite::memory:").await.unwrap();
    let other = SqliteStore::connect("sqlite::memory:").await.unwrap();
    // Written through the writer, read back through a reader: `true` only once per database.
    assert!(one.remember_message("m", now, ttl).await.unwrap());
    assert!(!one.remember_message("m", now, ttl).await.unwrap());
    assert!(other.remember_message("m", now, ttl).await.unwrap());
    let rows: i64 = one
        .reads
        .read(|c| {
            c.query_row("SELECT count(*) FROM seen_messages", [], |row| row.get(0))
                .map_err(sql_error)
        })
        .unwrap();
    assert_eq!(rows, 1);
}
