//! The roster: the exclusion list (once per viewer and channel, by login, removal reported once),
//! the learned slot capacity (replaced, per channel), and protecting a session (its deadline
//! cleared and its metadata replaced, by compare-and-set).

use std::sync::Arc;

use app::model::{Actor, Exclusion, SlotCapacity};
use app::ssr::ActiveWith;
use serde_json::json;
use tokio::sync::Barrier;

use super::{at, channel_id, session, viewer};
use crate::store_contract::Backend;

fn exclusion(channel: &str, viewer_id: &str, login: &str, secs: i64) -> Exclusion {
    let mut v = viewer(viewer_id);
    v.login = login.to_owned();
    Exclusion {
        channel_id: channel_id(channel),
        viewer: v,
        excluded_by: Actor::Streamer {
            id: channel.to_owned(),
            login: "streamer".into(),
        },
        excluded_at: at(secs),
    }
}

pub async fn exclusions_are_kept_once_per_viewer_and_listed_by_login(b: Backend) {
    let s = &b.store;
    let first = exclusion("100", "7", "zed", 1);
    assert!(s.exclude_viewer(&first).await.unwrap());
    assert!(
        !s.exclude_viewer(&exclusion("100", "7", "zed", 9))
            .await
            .unwrap(),
        "a second entry changes nothing"
    );
    assert!(s
        .exclude_viewer(&exclusion("100", "8", "amy", 2))
        .await
        .unwrap());
    assert!(s
        .exclude_viewer(&exclusion("200", "7", "zed", 3))
        .await
        .unwrap());

    let listed = s.exclusions(&channel_id("100")).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|e| e.viewer.login.as_str())
            .collect::<Vec<_>>(),
        ["amy", "zed"]
    );
    assert_eq!(
        listed[1], first,
        "every field round-trips, the first entry kept"
    );
    assert!(s.is_excluded(&channel_id("100"), "7").await.unwrap());
    assert!(!s.is_excluded(&channel_id("100"), "9").await.unwrap());

    assert!(s.readmit_viewer(&channel_id("100"), "7").await.unwrap());
    assert!(!s.readmit_viewer(&channel_id("100"), "7").await.unwrap());
    assert!(!s.is_excluded(&channel_id("100"), "7").await.unwrap());
    assert!(
        s.is_excluded(&channel_id("200"), "7").await.unwrap(),
        "per channel"
    );
}

pub async fn racing_readmissions_have_one_winner(b: Backend) {
    let s = b.store.clone();
    s.exclude_viewer(&exclusion("100", "7", "zed", 1))
        .await
        .unwrap();
    let barrier = Arc::new(Barrier::new(4));
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (s, barrier) = (s.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                s.readmit_viewer(&channel_id("100"), "7").await.unwrap()
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 1);
}

pub async fn slot_capacity_is_replaced_per_channel(b: Backend) {
    let s = &b.store;
    assert_eq!(s.slot_capacity(&channel_id("100")).await.unwrap(), None);
    let ten = SlotCapacity {
        slots: 10,
        learned_at: at(1),
    };
    s.set_slot_capacity(&channel_id("100"), &ten).await.unwrap();
    assert_eq!(
        s.slot_capacity(&channel_id("100")).await.unwrap(),
        Some(ten)
    );
    let twenty = SlotCapacity {
        slots: 20,
        learned_at: at(2),
    };
    s.set_slot_capacity(&channel_id("100"), &twenty)
        .await
        .unwrap();
    assert_eq!(
        s.slot_capacity(&channel_id("100")).await.unwrap(),
        Some(twenty)
    );
    assert_eq!(s.slot_capacity(&channel_id("200")).await.unwrap(), None);
}

pub async fn set_untimed_clears_the_deadline_by_compare_and_set(b: Backend) {
    let s = &b.store;
    let timed = session("s1", "100", "7", Some(600));
    s.insert_session(&timed).await.unwrap();
    let protected = json!({ "note": "fixture", "protected": true });
    assert!(
        !s.set_untimed("s1", ActiveWith { expires_at: None }, &protected)
            .await
            .unwrap(),
        "another deadline"
    );
    let expected = ActiveWith {
        expires_at: Some(at(600)),
    };
    assert!(s.set_untimed("s1", expected, &protected).await.unwrap());
    let stored = s.session("s1").await.unwrap().unwrap();
    assert_eq!(stored.expires_at, None);
    assert_eq!(stored.metadata, protected);
    assert!(stored.is_protected());
    assert_eq!(s.next_deadline().await.unwrap(), None, "no longer due ever");

    // Without a deadline now: the metadata is replaced again; an unknown session is `false`.
    let plain = json!({ "note": "fixture" });
    assert!(s
        .set_untimed("s1", ActiveWith { expires_at: None }, &plain)
        .await
        .unwrap());
    assert_eq!(s.session("s1").await.unwrap().unwrap().metadata, plain);
    assert!(!s
        .set_untimed("nope", ActiveWith { expires_at: None }, &plain)
        .await
        .unwrap());
}
