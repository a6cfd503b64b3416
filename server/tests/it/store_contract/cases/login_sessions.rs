//! Login sessions through tower-sessions' `SessionStore`.

use std::collections::HashMap;

use time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::SessionStore;

use crate::store_contract::Backend;

fn record(expires_in: Duration) -> Record {
    let mut data = HashMap::new();
    data.insert("user_id".to_owned(), serde_json::json!("12345"));
    data.insert(
        "csrf".to_owned(),
        serde_json::json!({ "state": "abc", "scopes": ["channel:manage:vips"], "n": 3 }),
    );
    Record {
        id: Id::default(),
        data,
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    }
}

/// Compares expiry to the second: backends may keep less precision.
fn assert_same(loaded: &Record, saved: &Record) {
    assert_eq!(loaded.id, saved.id);
    assert_eq!(loaded.data, saved.data);
    let drift = (loaded.expiry_date - saved.expiry_date).abs();
    assert!(drift < Duration::seconds(1), "expiry drifted by {drift}");
}

pub async fn login_sessions_round_trip(b: Backend) {
    let mut first = record(Duration::hours(1));
    b.sessions.create(&mut first).await.unwrap();
    let loaded = b
        .sessions
        .load(&first.id)
        .await
        .unwrap()
        .expect("created session");
    assert_same(&loaded, &first);

    // A create with an id that is taken gets a fresh one and leaves the first alone.
    let mut second = record(Duration::hours(2));
    second.id = first.id;
    second
        .data
        .insert("user_id".into(), serde_json::json!("other"));
    b.sessions.create(&mut second).await.unwrap();
    assert_ne!(second.id, first.id);
    assert_same(&b.sessions.load(&first.id).await.unwrap().unwrap(), &first);
    assert_same(
        &b.sessions.load(&second.id).await.unwrap().unwrap(),
        &second,
    );

    // Save replaces the data and the expiry.
    first
        .data
        .insert("flash".into(), serde_json::json!(["saved"]));
    first.expiry_date += Duration::days(7);
    b.sessions.save(&first).await.unwrap();
    assert_same(&b.sessions.load(&first.id).await.unwrap().unwrap(), &first);

    // Save only updates: a session nobody created (or one deleted meanwhile) stays absent.
    let third = record(Duration::minutes(5));
    b.sessions.save(&third).await.unwrap();
    assert_eq!(b.sessions.load(&third.id).await.unwrap(), None);
    assert_eq!(b.sessions.load(&Id::default()).await.unwrap(), None);
}

pub async fn login_sessions_expire_and_delete(b: Backend) {
    let mut expired = record(Duration::hours(-1));
    b.sessions.create(&mut expired).await.unwrap();
    assert_eq!(b.sessions.load(&expired.id).await.unwrap(), None);

    // A live session whose expiry is moved into the past stops loading.
    let mut live = record(Duration::hours(1));
    b.sessions.create(&mut live).await.unwrap();
    assert!(b.sessions.load(&live.id).await.unwrap().is_some());
    live.expiry_date = OffsetDateTime::now_utc() - Duration::minutes(1);
    b.sessions.save(&live).await.unwrap();
    assert_eq!(b.sessions.load(&live.id).await.unwrap(), None);

    let mut kept = record(Duration::hours(1));
    b.sessions.create(&mut kept).await.unwrap();
    let mut gone = record(Duration::hours(1));
    b.sessions.create(&mut gone).await.unwrap();
    b.sessions.delete(&gone.id).await.unwrap();
    assert_eq!(b.sessions.load(&gone.id).await.unwrap(), None);
    assert!(b.sessions.load(&kept.id).await.unwrap().is_some());
    // Deleting an unknown id is fine.
    b.sessions.delete(&Id::default()).await.unwrap();
}

pub async fn login_sessions_of_one_user_are_deleted_together(b: Backend) {
    let of = |user: Option<&str>| {
        let mut r = record(Duration::hours(1));
        match user {
            Some(user) => r.data.insert("user_id".into(), serde_json::json!(user)),
            None => r.data.remove("user_id"),
        };
        r
    };
    let (mut first, mut second) = (of(Some("12345")), of(Some("12345")));
    let (mut other, mut anonymous) = (of(Some("678")), of(None));
    for r in [&mut first, &mut second, &mut other, &mut anonymous] {
        b.sessions.create(r).await.unwrap();
    }
    // A session saved again (e.g. its expiry moved on) still belongs to its user.
    b.sessions.save(&second).await.unwrap();

    assert_eq!(b.sessions.delete_user("12345").await.unwrap(), 2);
    assert_eq!(b.sessions.load(&first.id).await.unwrap(), None);
    assert_eq!(b.sessions.load(&second.id).await.unwrap(), None);
    assert!(b.sessions.load(&other.id).await.unwrap().is_some());
    assert!(b.sessions.load(&anonymous.id).await.unwrap().is_some());
    // A request that loaded the session before it was deleted saves it at its end: it stays gone.
    b.sessions.save(&first).await.unwrap();
    assert_eq!(b.sessions.load(&first.id).await.unwrap(), None);
    // Nothing left of that user; an unknown user is fine.
    assert_eq!(b.sessions.delete_user("12345").await.unwrap(), 0);
    assert_eq!(b.sessions.delete_user("nobody").await.unwrap(), 0);
}
