//! The OBS overlay's keys: one per channel, found by hash, a new key replacing the channel's
//! earlier one at once (also under racing puts), a hash never shared by two channels, and
//! deletion with one winner.

use app::ssr::store::OverlayKey;
use app::ssr::StoreError;

use super::{at, channel_id, race, winners};
use crate::store_contract::Backend;

/// A key of `channel` made at `at(created)`, with a hash derived from `n` (64 hex digits).
fn overlay_key(channel: &str, n: u32, created: i64) -> OverlayKey {
    OverlayKey {
        channel_id: channel_id(channel),
        hash: format!("{n:064x}"),
        created_at: at(created),
    }
}

pub async fn overlay_keys_are_found_by_hash_and_replaced_at_once(b: Backend) {
    let (first, mine) = (overlay_key("100", 1, 10), overlay_key("200", 2, 20));
    b.store.put_overlay_key(&first).await.unwrap();
    b.store.put_overlay_key(&mine).await.unwrap();
    assert_eq!(
        b.store.overlay_key_by_hash(&first.hash).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        b.store.overlay_key(&channel_id("100")).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        b.store
            .overlay_key_by_hash(&format!("{:064x}", 9))
            .await
            .unwrap(),
        None
    );
    let second = overlay_key("100", 3, 30);
    b.store.put_overlay_key(&second).await.unwrap();
    assert_eq!(
        b.store.overlay_key_by_hash(&first.hash).await.unwrap(),
        None
    );
    assert_eq!(
        b.store.overlay_key_by_hash(&second.hash).await.unwrap(),
        Some(second.clone())
    );
    assert_eq!(
        b.store.overlay_key(&channel_id("100")).await.unwrap(),
        Some(second)
    );
    // Another channel's key is untouched.
    assert_eq!(
        b.store.overlay_key_by_hash(&mine.hash).await.unwrap(),
        Some(mine)
    );
}

pub async fn an_overlay_hash_belongs_to_one_channel(b: Backend) {
    b.store
        .put_overlay_key(&overlay_key("100", 1, 0))
        .await
        .unwrap();
    let err = b
        .store
        .put_overlay_key(&overlay_key("200", 1, 5))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(b.store.overlay_key(&channel_id("200")).await.unwrap(), None);
    // Putting the same key again is no change.
    b.store
        .put_overlay_key(&overlay_key("100", 1, 0))
        .await
        .unwrap();
    assert_eq!(
        b.store.overlay_key(&channel_id("100")).await.unwrap(),
        Some(overlay_key("100", 1, 0))
    );
}

pub async fn racing_overlay_key_puts_leave_one_key(b: Backend) {
    let results = race(6, |i| {
        let store = b.store.clone();
        let n = u32::try_from(i).unwrap() + 1;
        async move {
            store
                .put_overlay_key(&overlay_key("100", n, 0))
                .await
                .map(|()| true)
        }
    })
    .await;
    assert_eq!(winners(&results), 6, "{results:?}");
    let kept = b
        .store
        .overlay_key(&channel_id("100"))
        .await
        .unwrap()
        .expect("one key is kept");
    let mut found = 0;
    for n in 1..=6 {
        let hash = format!("{n:064x}");
        if let Some(k) = b.store.overlay_key_by_hash(&hash).await.unwrap() {
            assert_eq!(k, kept);
            found += 1;
        }
    }
    assert_eq!(found, 1, "only the kept key's hash finds the channel");
}

pub async fn racing_overlay_key_deletions_have_one_winner(b: Backend) {
    let k = overlay_key("100", 1, 0);
    b.store.put_overlay_key(&k).await.unwrap();
    let results = race(6, |_| {
        let store = b.store.clone();
        async move { store.delete_overlay_key(&channel_id("100")).await }
    })
    .await;
    assert_eq!(winners(&results), 1, "{results:?}");
    assert_eq!(b.store.overlay_key_by_hash(&k.hash).await.unwrap(), None);
    assert_eq!(b.store.overlay_key(&channel_id("100")).await.unwrap(), None);
    assert!(!b
        .store
        .delete_overlay_key(&channel_id("100"))
        .await
        .unwrap());
}
