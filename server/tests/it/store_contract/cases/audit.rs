//! The activity log: keyset pages newest first, filters, channel isolation.

use app::model::{Actor, AuditAction, AuditEntry, AuditQuery};

use super::{at, channel_id, viewer};
use crate::store_contract::Backend;

const ACTIONS: [AuditAction; 3] = [AuditAction::Grant, AuditAction::Extend, AuditAction::Expire];

/// 25 entries in channel 100 over two viewers and three actions; pairs share a timestamp, and
/// every fifth has no target. Ids do not follow time, so ties must be broken by id.
fn entries() -> Vec<AuditEntry> {
    (0..25)
        .map(|i| {
            let target = (i % 5 != 0).then(|| viewer(if i % 2 == 0 { "v1" } else { "v2" }));
            AuditEntry {
                id: format!("e{:02}", (i * 7) % 25),
                channel_id: channel_id("100"),
                at: at(i64::from(i / 2)),
                action: ACTIONS[(i % 3) as usize],
                actor: if i % 4 == 0 {
                    Actor::System
                } else {
                    Actor::Moderator {
                        id: "m".into(),
                        login: "mod".into(),
                    }
                },
                target,
                metadata: serde_json::json!({ "n": i }),
            }
        })
        .collect()
}

/// Noise in another channel with the same times, actions and viewers.
fn other_channel() -> Vec<AuditEntry> {
    entries()
        .into_iter()
        .map(|e| AuditEntry {
            id: format!("x-{}", e.id),
            channel_id: channel_id("200"),
            ..e
        })
        .collect()
}

fn newest_first(mut entries: Vec<AuditEntry>) -> Vec<AuditEntry> {
    entries.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
    entries
}

/// Appends both channels' entries in id order, which is not time order.
async fn seed(b: &Backend) {
    let mut all: Vec<_> = entries().into_iter().chain(other_channel()).collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    for e in all {
        b.store.append_audit(&e).await.unwrap();
    }
}

/// Follows `next` from the first page to the last, checking each page's size.
async fn walk(b: &Backend, mut query: AuditQuery) -> Vec<AuditEntry> {
    let mut all = Vec::new();
    for _ in 0..100 {
        let page = b
            .store
            .audit_page(&channel_id("100"), &query)
            .await
            .unwrap();
        assert!(page.entries.len() <= query.limit as usize);
        all.extend(page.entries.iter().cloned());
        match page.next {
            Some(next) => {
                assert_eq!(
                    page.entries.len(),
                    query.limit as usize,
                    "a short page has no next"
                );
                let last = page.entries.last().unwrap();
                assert_eq!((next.at, next.id.as_str()), (last.at, last.id.as_str()));
                query.before = Some(next);
            }
            None => return all,
        }
    }
    panic!("paging never ended");
}

fn query(limit: u32) -> AuditQuery {
    AuditQuery {
        action: None,
        viewer_id: None,
        before: None,
        limit,
    }
}

pub async fn audit_pages_walk_newest_first(b: Backend) {
    seed(&b).await;
    let expected = newest_first(entries());

    let first = b
        .store
        .audit_page(&channel_id("100"), &query(10))
        .await
        .unwrap();
    assert_eq!(first.entries, expected[..10]);
    assert!(first.next.is_some());

    // 10 + 10 + 5, no duplicates, no gaps, nothing from channel 200.
    assert_eq!(walk(&b, query(10)).await, expected);
    // An exact multiple of the limit ends without an empty extra page.
    assert_eq!(walk(&b, query(5)).await, expected);
    assert_eq!(walk(&b, query(1)).await, expected);
    assert_eq!(walk(&b, query(100)).await, expected);

    let empty = b
        .store
        .audit_page(&channel_id("300"), &query(10))
        .await
        .unwrap();
    assert!(empty.entries.is_empty() && empty.next.is_none());
}

pub async fn audit_filters_by_action_and_viewer(b: Backend) {
    seed(&b).await;
    let all = newest_first(entries());
    let target_is = |e: &AuditEntry, id: &str| e.target.as_ref().is_some_and(|v| v.id == id);

    for action in ACTIONS {
        let want: Vec<_> = all.iter().filter(|e| e.action == action).cloned().collect();
        let got = walk(
            &b,
            AuditQuery {
                action: Some(action),
                ..query(3)
            },
        )
        .await;
        assert_eq!(got, want, "{action:?}");
    }
    for id in ["v1", "v2"] {
        let want: Vec<_> = all.iter().filter(|e| target_is(e, id)).cloned().collect();
        let got = walk(
            &b,
            AuditQuery {
                viewer_id: Some(id.into()),
                ..query(4)
            },
        )
        .await;
        assert_eq!(got, want, "{id}");
    }
    let want: Vec<_> = all
        .iter()
        .filter(|e| e.action == AuditAction::Grant && target_is(e, "v1"))
        .cloned()
        .collect();
    assert!(!want.is_empty());
    let both = AuditQuery {
        action: Some(AuditAction::Grant),
        viewer_id: Some("v1".into()),
        ..query(2)
    };
    assert_eq!(walk(&b, both).await, want);

    let none = AuditQuery {
        action: Some(AuditAction::Login),
        ..query(10)
    };
    let page = b.store.audit_page(&channel_id("100"), &none).await.unwrap();
    assert!(page.entries.is_empty() && page.next.is_none());
    let nobody = AuditQuery {
        viewer_id: Some("nobody".into()),
        ..query(10)
    };
    assert!(walk(&b, nobody).await.is_empty());
}
