//! Compare-and-set moves on sessions: alone, one after the other, and racing (whatever the
//! interleaving, exactly one caller wins).

use app::model::{SessionState, VipSession};
use app::ssr::{ActiveWith, StoreError};

use super::{at, ended, race, session, winners};
use crate::store_contract::Backend;

pub async fn extend_session_is_compare_and_set(b: Backend) {
    let s = session("s1", "100", "7", Some(60));
    b.store.insert_session(&s).await.unwrap();
    let was = ActiveWith {
        expires_at: Some(at(60)),
    };
    assert!(b.store.extend_session("s1", was, at(120)).await.unwrap());
    let stored = b.store.session("s1").await.unwrap().unwrap();
    assert_eq!(
        stored,
        VipSession {
            expires_at: Some(at(120)),
            ..s
        }
    );

    // A stale expectation, a wrong `None`, or an unknown id changes nothing.
    assert!(!b.store.extend_session("s1", was, at(999)).await.unwrap());
    let none = ActiveWith { expires_at: None };
    assert!(!b.store.extend_session("s1", none, at(999)).await.unwrap());
    assert!(!b
        .store
        .extend_session("missing", was, at(999))
        .await
        .unwrap());
    assert_eq!(
        b.store.session("s1").await.unwrap().unwrap().expires_at,
        Some(at(120))
    );

    // A session without a deadline matches an expected `None`.
    b.store
        .insert_session(&session("open", "100", "8", None))
        .await
        .unwrap();
    assert!(!b.store.extend_session("open", was, at(300)).await.unwrap());
    assert!(b.store.extend_session("open", none, at(300)).await.unwrap());
    assert_eq!(
        b.store.session("open").await.unwrap().unwrap().expires_at,
        Some(at(300))
    );

    // An ended session never moves.
    b.store
        .insert_session(&ended("done", "100", "9", Some(60), 60))
        .await
        .unwrap();
    assert!(!b.store.extend_session("done", was, at(300)).await.unwrap());
    assert_eq!(
        b.store.session("done").await.unwrap().unwrap().expires_at,
        Some(at(60))
    );
}

pub async fn end_session_is_compare_and_set(b: Backend) {
    let s = session("s1", "100", "7", Some(60));
    b.store.insert_session(&s).await.unwrap();
    let stale = ActiveWith {
        expires_at: Some(at(30)),
    };
    assert!(!b
        .store
        .end_session("s1", stale, SessionState::Expired, at(60))
        .await
        .unwrap());
    assert_eq!(b.store.session("s1").await.unwrap(), Some(s.clone()));

    // `Active` is not a final state: refused as a conflict, nothing changes.
    let right = ActiveWith {
        expires_at: Some(at(60)),
    };
    let refused = b
        .store
        .end_session("s1", right, SessionState::Active, at(60))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(b.store.session("s1").await.unwrap(), Some(s.clone()));

    assert!(b
        .store
        .end_session("s1", right, SessionState::Expired, at(61))
        .await
        .unwrap());
    let stored = b.store.session("s1").await.unwrap().unwrap();
    let want = VipSession {
        state: SessionState::Expired,
        ended_at: Some(at(61)),
        ..s
    };
    assert_eq!(stored, want);
    assert!(!b
        .store
        .end_session("s1", right, SessionState::Revoked, at(62))
        .await
        .unwrap());
    assert_eq!(b.store.session("s1").await.unwrap(), Some(want));
    assert!(!b
        .store
        .end_session("missing", right, SessionState::Revoked, at(62))
        .await
        .unwrap());

    // No-deadline sessions end with an expected `None`.
    b.store
        .insert_session(&session("open", "100", "8", None))
        .await
        .unwrap();
    assert!(!b
        .store
        .end_session("open", right, SessionState::RemovedExternally, at(5))
        .await
        .unwrap());
    let none = ActiveWith { expires_at: None };
    assert!(b
        .store
        .end_session("open", none, SessionState::RemovedExternally, at(5))
        .await
        .unwrap());
    let open = b.store.session("open").await.unwrap().unwrap();
    assert_eq!(
        (open.state, open.ended_at),
        (SessionState::RemovedExternally, Some(at(5)))
    );
}

pub async fn racing_end_session_has_one_winner(b: Backend) {
    b.store
        .insert_session(&session("s1", "100", "7", Some(60)))
        .await
        .unwrap();
    let expected = ActiveWith {
        expires_at: Some(at(60)),
    };
    let results = race(8, |i| {
        let store = b.store.clone();
        let secs = i64::try_from(i).unwrap();
        async move {
            store
                .end_session("s1", expected, SessionState::Expired, at(60 + secs))
                .await
        }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");
    let winner = i64::try_from(results.iter().position(|won| *won).unwrap()).unwrap();
    let stored = b.store.session("s1").await.unwrap().unwrap();
    assert_eq!(stored.state, SessionState::Expired);
    assert_eq!(stored.ended_at, Some(at(60 + winner)));
}

/// The sweeper read the session, then an extension landed before its expiry: the expiry, still
/// expecting the old deadline, must lose.
pub async fn extension_landing_first_beats_expiry(b: Backend) {
    b.store
        .insert_session(&session("s1", "100", "7", Some(60)))
        .await
        .unwrap();
    let read = b.store.due_sessions(at(60), 10).await.unwrap();
    assert_eq!(read.len(), 1);
    let seen = ActiveWith {
        expires_at: read[0].expires_at,
    };

    assert!(b.store.extend_session("s1", seen, at(3_660)).await.unwrap());
    assert!(!b
        .store
        .end_session("s1", seen, SessionState::Expired, at(60))
        .await
        .unwrap());

    let stored = b.store.session("s1").await.unwrap().unwrap();
    assert_eq!(stored.state, SessionState::Active);
    assert_eq!(stored.expires_at, Some(at(3_660)));
    assert_eq!(stored.ended_at, None);
    assert!(b.store.due_sessions(at(60), 10).await.unwrap().is_empty());
    assert_eq!(b.store.next_deadline().await.unwrap(), Some(at(3_660)));
}

/// Many rounds of one extension and one expiry starting together from the same read.
pub async fn racing_extend_and_end_have_one_winner(b: Backend) {
    for round in 0..40 {
        let id = format!("s{round}");
        let original = session(&id, "100", &format!("viewer-{round}"), Some(60));
        b.store.insert_session(&original).await.unwrap();
        let seen = ActiveWith {
            expires_at: original.expires_at,
        };

        let results = race(2, |i| {
            let (store, id) = (b.store.clone(), id.clone());
            async move {
                if i == 0 {
                    store.extend_session(&id, seen, at(600)).await
                } else {
                    store
                        .end_session(&id, seen, SessionState::Expired, at(60))
                        .await
                }
            }
        })
        .await;
        assert_eq!(winners(&results), 1, "round {round}: {results:?}");

        let stored = b.store.session(&id).await.unwrap().unwrap();
        let want = if results[0] {
            VipSession {
                expires_at: Some(at(600)),
                ..original
            }
        } else {
            VipSession {
                state: SessionState::Expired,
                ended_at: Some(at(60)),
                ..original
            }
        };
        assert_eq!(stored, want, "round {round}");
    }
}
