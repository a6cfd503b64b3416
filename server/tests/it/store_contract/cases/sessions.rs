//! VIP sessions: round trips, the one-active-session rule and the sweeper's queries
//! (compare-and-set moves are in `session_cas`).

use app::model::{Actor, SessionState, VipSession, VipSource};
use app::ssr::{ActiveWith, StoreError};

use super::{at, channel_id, ended, session};
use crate::store_contract::Backend;

fn ids(sessions: &[VipSession]) -> Vec<&str> {
    sessions.iter().map(|s| s.id.as_str()).collect()
}

pub async fn sessions_round_trip_every_field(b: Backend) {
    let mut timed = session("s1", "100", "7", Some(3_600));
    timed.metadata = serde_json::json!({
        "reward": { "id": "r1", "cost": 5000 },
        "notes": ["a", "ü", null, 1.5, true],
    });
    let mut external = ended("s2", "100", "8", None, 90);
    external.source = VipSource::External;
    external.granted_by = Actor::Moderator {
        id: "9".into(),
        login: "mod".into(),
    };
    external.state = SessionState::RemovedExternally;
    external.redemption_id = None;
    external.metadata = serde_json::Value::Null;
    let mut manual = session("s3", "100", "10", None);
    manual.source = VipSource::Manual;
    manual.granted_by = Actor::System;
    manual.metadata = serde_json::json!([]);

    for s in [&timed, &external, &manual] {
        b.store.insert_session(s).await.unwrap();
        assert_eq!(b.store.session(&s.id).await.unwrap().as_ref(), Some(s));
    }
    assert_eq!(b.store.session("missing").await.unwrap(), None);
}

pub async fn one_active_session_per_viewer_and_channel(b: Backend) {
    let first = session("s1", "100", "7", Some(60));
    b.store.insert_session(&first).await.unwrap();

    let second = session("s2", "100", "7", Some(120));
    assert!(matches!(
        b.store.insert_session(&second).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(b.store.session("s2").await.unwrap(), None);
    // The same id again is a conflict too.
    let same_id = session("s1", "200", "8", Some(60));
    assert!(matches!(
        b.store.insert_session(&same_id).await,
        Err(StoreError::Conflict(_))
    ));

    // Another channel, or an ended session, is fine.
    b.store
        .insert_session(&session("s3", "200", "7", Some(60)))
        .await
        .unwrap();
    b.store
        .insert_session(&ended("s4", "100", "7", Some(10), 10))
        .await
        .unwrap();

    // Once the first has ended, the viewer may have a new active session.
    let expected = ActiveWith {
        expires_at: first.expires_at,
    };
    assert!(b
        .store
        .end_session("s1", expected, SessionState::Revoked, at(30))
        .await
        .unwrap());
    b.store.insert_session(&second).await.unwrap();
    assert_eq!(
        b.store
            .active_session(&channel_id("100"), "7")
            .await
            .unwrap(),
        Some(second)
    );
}

pub async fn active_session_finds_only_the_active_one(b: Backend) {
    let ch = channel_id("100");
    b.store
        .insert_session(&ended("old", "100", "7", Some(10), 10))
        .await
        .unwrap();
    assert_eq!(b.store.active_session(&ch, "7").await.unwrap(), None);

    let live = session("live", "100", "7", Some(60));
    b.store.insert_session(&live).await.unwrap();
    b.store
        .insert_session(&session("elsewhere", "200", "7", Some(60)))
        .await
        .unwrap();
    assert_eq!(b.store.active_session(&ch, "7").await.unwrap(), Some(live));
    assert_eq!(b.store.active_session(&ch, "8").await.unwrap(), None);
}

pub async fn active_sessions_soonest_first_no_deadline_last(b: Backend) {
    for s in [
        session("in30", "100", "1", Some(30)),
        session("none", "100", "2", None),
        session("in10", "100", "3", Some(10)),
        session("in20", "100", "4", Some(20)),
        ended("gone", "100", "5", Some(5), 5),
        session("other-channel", "200", "6", Some(1)),
    ] {
        b.store.insert_session(&s).await.unwrap();
    }
    let active = b.store.active_sessions(&channel_id("100")).await.unwrap();
    assert_eq!(ids(&active), ["in10", "in20", "in30", "none"]);
    assert!(active.iter().all(|s| s.state == SessionState::Active));
    assert!(b
        .store
        .active_sessions(&channel_id("300"))
        .await
        .unwrap()
        .is_empty());
}

pub async fn due_sessions_only_active_and_due_in_order(b: Backend) {
    for s in [
        session("due-at-now", "100", "1", Some(0)),
        session("due-5", "200", "2", Some(-5)),
        session("due-10", "100", "3", Some(-10)),
        session("future", "100", "4", Some(5)),
        session("no-deadline", "100", "5", None),
        ended("ended", "100", "6", Some(-20), -20),
        ended("ended-external", "200", "7", None, -30),
    ] {
        b.store.insert_session(&s).await.unwrap();
    }
    let due = b.store.due_sessions(at(0), 10).await.unwrap();
    assert_eq!(ids(&due), ["due-10", "due-5", "due-at-now"]);
    assert!(due.iter().all(|s| s.state == SessionState::Active));

    let limited = b.store.due_sessions(at(0), 2).await.unwrap();
    assert_eq!(ids(&limited), ["due-10", "due-5"]);
    assert!(b.store.due_sessions(at(-11), 10).await.unwrap().is_empty());
    assert_eq!(b.store.due_sessions(at(100), 10).await.unwrap().len(), 4);
}

pub async fn next_deadline_is_the_earliest_active_deadline(b: Backend) {
    assert_eq!(b.store.next_deadline().await.unwrap(), None);
    b.store
        .insert_session(&session("none", "100", "1", None))
        .await
        .unwrap();
    b.store
        .insert_session(&ended("ended", "100", "2", Some(-50), -50))
        .await
        .unwrap();
    assert_eq!(b.store.next_deadline().await.unwrap(), None);

    b.store
        .insert_session(&session("later", "100", "3", Some(90)))
        .await
        .unwrap();
    b.store
        .insert_session(&session("sooner", "200", "4", Some(30)))
        .await
        .unwrap();
    assert_eq!(b.store.next_deadline().await.unwrap(), Some(at(30)));

    let expected = ActiveWith {
        expires_at: Some(at(30)),
    };
    assert!(b
        .store
        .end_session("sooner", expected, SessionState::Expired, at(30))
        .await
        .unwrap());
    assert_eq!(b.store.next_deadline().await.unwrap(), Some(at(90)));
}
