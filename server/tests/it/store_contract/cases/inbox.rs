//! The durable EventSub inbox: each message id stored once (also among racers), a channel's
//! pending messages in arrival order with every field intact, processed ones kept as dedupe
//! records until the retention has passed, and pending ones never purged.

use app::ssr::store::{InboxMessage, INBOX_RETENTION};

use super::{at, channel_id, race, winners};
use crate::store_contract::Backend;

fn message(id: &str, channel: &str, secs: i64) -> InboxMessage {
    InboxMessage {
        message_id: id.to_owned(),
        channel_id: channel_id(channel),
        received_at: at(secs),
        payload: format!(r#"{{"subscription":{{"type":"x"}},"event":{{"note":"é ✓ {id}"}}}}"#),
    }
}

fn ids(messages: &[InboxMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.message_id.as_str()).collect()
}

fn secs(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap()
}

pub async fn inbox_keeps_each_message_once_in_arrival_order(b: Backend) {
    let (late, early, tie) = (
        message("m-late", "100", 5),
        message("m-early", "100", 1),
        // Same instant as `late`: the message id breaks the tie.
        message("m-a-tie", "100", 5),
    );
    for m in [&late, &early, &tie, &message("other", "200", 0)] {
        assert!(
            b.store.inbox_put(m).await.unwrap(),
            "{} is new",
            m.message_id
        );
    }
    // A redelivery of a stored id is not stored again, whatever it carries.
    assert!(!b
        .store
        .inbox_put(&message("m-late", "100", 9))
        .await
        .unwrap());

    let pending = b.store.inbox_pending(&channel_id("100"), 10).await.unwrap();
    assert_eq!(pending, vec![early.clone(), tie.clone(), late.clone()]);
    assert_eq!(
        ids(&b.store.inbox_pending(&channel_id("100"), 2).await.unwrap()),
        ["m-early", "m-a-tie"]
    );
    assert!(b
        .store
        .inbox_pending(&channel_id("100"), 0)
        .await
        .unwrap()
        .is_empty());
    assert!(b
        .store
        .inbox_pending(&channel_id("300"), 10)
        .await
        .unwrap()
        .is_empty());
}

pub async fn inbox_channels_are_those_with_pending_messages(b: Backend) {
    for m in [
        message("a1", "100", 0),
        message("a2", "100", 1),
        message("b1", "200", 2),
        message("c1", "300", 3),
    ] {
        b.store.inbox_put(&m).await.unwrap();
    }
    assert!(b.store.inbox_done("c1", at(4)).await.unwrap());
    let mut channels = b.store.inbox_channels(10).await.unwrap();
    channels.sort();
    assert_eq!(channels, [channel_id("100"), channel_id("200")]);
    assert_eq!(b.store.inbox_channels(1).await.unwrap().len(), 1);
}

pub async fn inbox_done_keeps_a_dedupe_record_until_the_retention(b: Backend) {
    b.store.inbox_put(&message("m1", "100", 0)).await.unwrap();
    b.store.inbox_put(&message("m2", "100", 1)).await.unwrap();
    assert!(b.store.inbox_done("m1", at(10)).await.unwrap());
    // Twice is harmless; an unknown id is reported.
    assert!(b.store.inbox_done("m1", at(11)).await.unwrap());
    assert!(!b.store.inbox_done("nope", at(11)).await.unwrap());
    assert_eq!(
        ids(&b.store.inbox_pending(&channel_id("100"), 10).await.unwrap()),
        ["m2"]
    );
    // Processed, but remembered: a redelivery is still a duplicate.
    assert!(!b.store.inbox_put(&message("m1", "100", 20)).await.unwrap());

    let retention = secs(INBOX_RETENTION);
    b.store.purge_expired(at(10 + retention - 1)).await.unwrap();
    assert!(!b.store.inbox_put(&message("m1", "100", 30)).await.unwrap());
    // Once the retention has passed it is gone; the pending one, however old, is not.
    let purged = b.store.purge_expired(at(10 + retention + 1)).await.unwrap();
    assert!(purged >= 1, "purged {purged}");
    assert_eq!(
        ids(&b.store.inbox_pending(&channel_id("100"), 10).await.unwrap()),
        ["m2"]
    );
    assert!(b.store.inbox_put(&message("m1", "100", 40)).await.unwrap());
}

pub async fn racing_inbox_put_has_one_winner(b: Backend) {
    let store = b.store.clone();
    let results = race(8, move |i| {
        let store = store.clone();
        async move {
            store
                .inbox_put(&message("raced", "100", i64::try_from(i).unwrap()))
                .await
        }
    })
    .await;
    assert_eq!(winners(&results), 1);
    assert_eq!(
        b.store
            .inbox_pending(&channel_id("100"), 10)
            .await
            .unwrap()
            .len(),
        1
    );
}
