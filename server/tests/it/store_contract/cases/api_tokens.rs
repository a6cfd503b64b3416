//! Personal API tokens: found by hash, listed per user newest first, limited per user (also under
//! racing creations), used without ever moving `last_used_at` back, and revoked by their owner
//! only, once.

use app::ssr::{ApiTokenRecord, StoreError};

use super::{at, race, winners};
use crate::store_contract::Backend;

/// A token of `user` created at `at(created)`, with a hash derived from `n` (64 hex digits).
fn token(user: &str, n: u32, created: i64) -> ApiTokenRecord {
    ApiTokenRecord {
        hash: format!("{n:064x}"),
        id: format!("token-{n}"),
        user_id: user.to_owned(),
        name: format!("Tool {n}"),
        prefix: format!("vipm_{n:07x}"),
        created_at: at(created),
        last_used_at: None,
    }
}

pub async fn api_tokens_round_trip_and_are_found_by_hash(b: Backend) {
    let (first, second) = (token("100", 1, 10), token("100", 2, 20));
    let mut used = token("200", 3, 5);
    used.last_used_at = Some(at(7));
    for t in [&second, &first, &used] {
        assert!(b.store.create_api_token(t, 10).await.unwrap());
    }
    assert_eq!(
        b.store.api_token_by_hash(&first.hash).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        b.store.api_token_by_hash(&used.hash).await.unwrap(),
        Some(used.clone())
    );
    assert_eq!(
        b.store
            .api_token_by_hash(&format!("{:064x}", 99))
            .await
            .unwrap(),
        None
    );
    // Newest first, each user's own.
    assert_eq!(
        b.store.api_tokens("100").await.unwrap(),
        vec![second.clone(), first.clone()]
    );
    assert_eq!(b.store.api_tokens("200").await.unwrap(), vec![used]);
    assert!(b.store.api_tokens("300").await.unwrap().is_empty());

    // Tokens created at the same instant are ordered by id, descending.
    let mut twin = token("100", 4, 20);
    twin.id = "token-0".into();
    assert!(b.store.create_api_token(&twin, 10).await.unwrap());
    assert_eq!(
        b.store.api_tokens("100").await.unwrap(),
        vec![second, twin, first]
    );
}

pub async fn api_tokens_are_unique_and_limited_per_user(b: Backend) {
    for n in 0..3 {
        assert!(b
            .store
            .create_api_token(&token("100", n, 0), 3)
            .await
            .unwrap());
    }
    assert!(!b
        .store
        .create_api_token(&token("100", 3, 0), 3)
        .await
        .unwrap());
    assert_eq!(
        b.store
            .api_token_by_hash(&token("100", 3, 0).hash)
            .await
            .unwrap(),
        None
    );
    assert_eq!(b.store.api_tokens("100").await.unwrap().len(), 3);
    // Another user has their own allowance.
    assert!(b
        .store
        .create_api_token(&token("200", 4, 0), 3)
        .await
        .unwrap());

    // A hash is never stored twice, whoever would own it.
    let mut same_hash = token("300", 0, 0);
    same_hash.id = "other".into();
    assert!(matches!(
        b.store.create_api_token(&same_hash, 3).await,
        Err(StoreError::Conflict(_))
    ));
    // Nor an id twice for one user.
    let mut same_id = token("200", 5, 0);
    same_id.id = token("200", 4, 0).id;
    assert!(matches!(
        b.store.create_api_token(&same_id, 3).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(b.store.api_tokens("200").await.unwrap().len(), 1);
    assert!(b.store.api_tokens("300").await.unwrap().is_empty());

    // Revoking one makes room again.
    assert!(b
        .store
        .revoke_api_token("100", "token-1")
        .await
        .unwrap()
        .is_some());
    assert!(b
        .store
        .create_api_token(&token("100", 6, 0), 3)
        .await
        .unwrap());
    assert!(!b
        .store
        .create_api_token(&token("100", 7, 0), 3)
        .await
        .unwrap());
}

pub async fn racing_api_token_creations_respect_the_limit(b: Backend) {
    let results = race(6, |i| {
        let store = b.store.clone();
        let t = token("100", i as u32, i as i64);
        async move { store.create_api_token(&t, 2).await }
    })
    .await;
    assert_eq!(winners(&results), 2, "{results:?}");
    let stored = b.store.api_tokens("100").await.unwrap();
    assert_eq!(stored.len(), 2);
    for (i, won) in results.iter().enumerate() {
        let found = b
            .store
            .api_token_by_hash(&token("100", i as u32, 0).hash)
            .await;
        assert_eq!(found.unwrap().is_some(), *won, "racer {i}");
    }
}

pub async fn api_token_uses_never_move_back_and_never_revive_a_token(b: Backend) {
    let t = token("100", 1, 0);
    assert!(b.store.create_api_token(&t, 10).await.unwrap());
    assert!(b.store.touch_api_token(&t.hash, at(60)).await.unwrap());
    let last = |b: &Backend| {
        let store = b.store.clone();
        let hash = t.hash.clone();
        async move {
            store
                .api_token_by_hash(&hash)
                .await
                .unwrap()
                .unwrap()
                .last_used_at
        }
    };
    assert_eq!(last(&b).await, Some(at(60)));
    assert!(b.store.touch_api_token(&t.hash, at(30)).await.unwrap());
    assert_eq!(last(&b).await, Some(at(60)), "an older use is ignored");
    assert!(b.store.touch_api_token(&t.hash, at(120)).await.unwrap());
    assert_eq!(last(&b).await, Some(at(120)));
    // Only the use moved: everything else is as created.
    let stored = b.store.api_token_by_hash(&t.hash).await.unwrap().unwrap();
    assert_eq!(
        stored,
        ApiTokenRecord {
            last_used_at: Some(at(120)),
            ..t.clone()
        }
    );

    assert!(b
        .store
        .revoke_api_token("100", &t.id)
        .await
        .unwrap()
        .is_some());
    assert!(!b.store.touch_api_token(&t.hash, at(180)).await.unwrap());
    assert_eq!(b.store.api_token_by_hash(&t.hash).await.unwrap(), None);
    let unknown = format!("{:064x}", 42);
    assert!(!b.store.touch_api_token(&unknown, at(0)).await.unwrap());
}

pub async fn api_tokens_are_revoked_by_their_owner_only(b: Backend) {
    let (mine, theirs) = (token("100", 1, 0), token("200", 2, 0));
    assert!(b.store.create_api_token(&mine, 10).await.unwrap());
    assert!(b.store.create_api_token(&theirs, 10).await.unwrap());

    assert_eq!(
        b.store.revoke_api_token("100", &theirs.id).await.unwrap(),
        None,
        "someone else's token"
    );
    assert_eq!(
        b.store.revoke_api_token("100", "no-such-id").await.unwrap(),
        None
    );
    assert_eq!(
        b.store.api_token_by_hash(&theirs.hash).await.unwrap(),
        Some(theirs.clone())
    );

    assert_eq!(
        b.store.revoke_api_token("100", &mine.id).await.unwrap(),
        Some(mine.clone())
    );
    assert_eq!(b.store.api_token_by_hash(&mine.hash).await.unwrap(), None);
    assert!(b.store.api_tokens("100").await.unwrap().is_empty());
    assert_eq!(
        b.store.revoke_api_token("100", &mine.id).await.unwrap(),
        None
    );
    assert_eq!(b.store.api_tokens("200").await.unwrap(), vec![theirs]);
}

pub async fn racing_api_token_revocations_have_one_winner(b: Backend) {
    let t = token("100", 1, 0);
    assert!(b.store.create_api_token(&t, 10).await.unwrap());
    assert!(b
        .store
        .create_api_token(&token("100", 2, 0), 10)
        .await
        .unwrap());
    let results = race(6, |_| {
        let store = b.store.clone();
        let id = t.id.clone();
        async move {
            store
                .revoke_api_token("100", &id)
                .await
                .map(|r| r.is_some())
        }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");
    let left = b.store.api_tokens("100").await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, "token-2");
}
