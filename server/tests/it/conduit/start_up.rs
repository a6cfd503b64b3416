//! A new conduit's subscriptions wait for the server's shard. A subscription on a conduit is
//! enabled as it is made, and Twitch keeps no queue for a conduit without an enabled shard: a
//! notification sent before the shard is registered reaches no one. With Update Conduit Shards
//! answering slowly, the server still has its shard enabled before any subscription of its own.

use std::time::Duration;

use crate::intake::world::{eventually, Transport, World};

const UPDATE_SHARDS: &str = "PATCH /helix/eventsub/conduits/shards";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_are_made_once_the_servers_shard_is_registered() {
    let w = World::new(1).await;
    w.sim.set_delay(UPDATE_SHARDS, Duration::from_secs(3));
    let _server = w.start(Transport::Conduit).await;
    let client_id = w.client_id().to_owned();
    let made = || {
        w.sim
            .subscriptions()
            .into_iter()
            .filter(|s| {
                s["condition"]["broadcaster_user_id"] == w.streamer.id.as_str()
                    || s["condition"]["client_id"] == client_id.as_str()
            })
            .count()
    };
    eventually("the first subscription", || async {
        (made() > 0).then_some(())
    })
    .await;
    // The shard was registered before the first subscription was made, and is still enabled.
    assert_eq!(
        super::enabled_sessions(&w).len(),
        1,
        "{:?}",
        super::shards(&w)
    );
    w.sim.set_delay(UPDATE_SHARDS, Duration::ZERO);

    // The first redemption after the channel is subscribed is delivered, and granted.
    eventually("the channel subscribed", || async {
        super::redemptions_on_the_conduit(&w).then_some(())
    })
    .await;
    let viewer = &w.viewers[0];
    let redemption = w.redeem(viewer);
    super::granted(&w, viewer, &redemption).await;
    assert_eq!(w.sim.conduit_notifications_lost(), 0);
}
