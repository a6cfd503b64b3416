//! A streamer who disconnects the app is noticed at once on the conduit transport: the app-wide
//! `user.authorization.revoke` subscription is made on the conduit at start-up (with the app token,
//! condition `client_id`), and its notification, delivered through a shard, marks the channel for
//! re-authorisation.

use app::model::ChannelId;

use crate::intake::world::{eventually, Transport, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_authorisation_reaches_the_server_through_the_conduit() {
    let w = World::new(1).await;
    let _server = w.start(Transport::Conduit).await;
    let client_id = w.client_id().to_owned();
    eventually("user.authorization.revoke on the conduit", || async {
        w.sim
            .subscriptions()
            .iter()
            .any(|s| {
                s["type"] == "user.authorization.revoke"
                    && s["condition"]["client_id"] == client_id.as_str()
                    && s["transport"]["method"] == "conduit"
                    && s["status"] == "enabled"
            })
            .then_some(())
    })
    .await;
    eventually("the channel subscribed", || async {
        w.redemptions_enabled().then_some(())
    })
    .await;
    // Twitch keeps no queue for a conduit without an enabled shard (the simulator counts such a
    // notification lost): the revocation must come once the server's shard is registered, or it
    // tells nothing. The server subscribes only then (`start_up`); this says so where it is used.
    eventually("the server's shard enabled", || async {
        (!super::enabled_sessions(&w).is_empty()).then_some(())
    })
    .await;

    // The channel's own subscriptions go quietly (as Delete EventSub Subscription does, with no
    // revocation message), so only the app-wide subscription can tell the server.
    for sub in w.channel_subscriptions() {
        assert!(w.sim.delete_subscription(sub["id"].as_str().unwrap()));
    }
    w.sim
        .revoke_authorization(&client_id, &w.streamer.id)
        .unwrap();
    let store = w.store().await;
    let channel = ChannelId(w.streamer.id.clone());
    eventually("the channel needs re-authorisation", || async {
        let stored = store.channel(&channel).await.unwrap()?;
        stored.needs_reauth.then_some(())
    })
    .await;
    assert_eq!(w.sim.conduit_notifications_lost(), 0);
}
