//! `set_deadline`: a session's deadline set and cleared again by compare-and-set (a VIP until the
//! stream ends gets one at `stream.offline` and loses it when the stream comes back).

use app::model::SessionState;
use app::ssr::ActiveWith;

use super::{at, ended, race, session, winners};
use crate::store_contract::Backend;

pub async fn set_deadline_sets_and_clears_by_compare_and_set(b: Backend) {
    let mut s = session("s1", "100", "7", None);
    s.mark_stream_end();
    b.store.insert_session(&s).await.unwrap();
    let open = ActiveWith { expires_at: None };
    let set = ActiveWith {
        expires_at: Some(at(600)),
    };

    // None → a deadline: the expiry query finds it from then on; the metadata mark stays.
    assert!(b
        .store
        .set_deadline("s1", open, Some(at(600)))
        .await
        .unwrap());
    let stored = b.store.session("s1").await.unwrap().unwrap();
    assert_eq!(stored.expires_at, Some(at(600)));
    assert!(stored.ends_with_stream());
    let due = b.store.due_sessions(at(600), 10).await.unwrap();
    assert_eq!(
        due.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["s1"]
    );
    assert_eq!(b.store.next_deadline().await.unwrap(), Some(at(600)));

    // A stale expectation changes nothing.
    assert!(!b
        .store
        .set_deadline("s1", open, Some(at(900)))
        .await
        .unwrap());
    assert!(!b.store.set_deadline("missing", set, None).await.unwrap());

    // The deadline → None: no longer due, no deadline left.
    assert!(b.store.set_deadline("s1", set, None).await.unwrap());
    let stored = b.store.session("s1").await.unwrap().unwrap();
    assert_eq!(stored.expires_at, None);
    assert_eq!(stored.state, SessionState::Active);
    assert!(b
        .store
        .due_sessions(at(10_000), 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(b.store.next_deadline().await.unwrap(), None);
    assert!(!b.store.set_deadline("s1", set, None).await.unwrap());

    // An ended session never changes.
    b.store
        .insert_session(&ended("done", "100", "9", Some(60), 60))
        .await
        .unwrap();
    let was = ActiveWith {
        expires_at: Some(at(60)),
    };
    assert!(!b.store.set_deadline("done", was, None).await.unwrap());
    assert_eq!(
        b.store.session("done").await.unwrap().unwrap().expires_at,
        Some(at(60))
    );
}

pub async fn racing_set_deadline_has_one_winner(b: Backend) {
    b.store
        .insert_session(&session("s1", "100", "7", Some(600)))
        .await
        .unwrap();
    let store = b.store.clone();
    let results = race(8, move |i| {
        let store = store.clone();
        async move {
            let expected = ActiveWith {
                expires_at: Some(at(600)),
            };
            let to = (i % 2 == 0).then(|| at(1_000 + i as i64));
            store.set_deadline("s1", expected, to).await
        }
    })
    .await;
    assert_eq!(winners(&results), 1);
}
