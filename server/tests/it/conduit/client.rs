//! The conduit client against the simulator: every answer classified (the conduit limit, an unknown
//! conduit, a refused shard), a 409 on a subscription adopts the one Twitch names, a 429 of the
//! app's rate limit is waited out until `Ratelimit-Reset` (and one that outlasts two waits is
//! transient, not a limit), and a shard's registration spends the reserve other calls leave.

use std::time::Duration;

use serde_json::json;
use server::eventsub::conduit::classify::{ConduitError, Placed};
use server::eventsub::conduit::ConduitClient;

use crate::support::helix_harness::HelixHarness;

const ADD: &str = "channel.channel_points_custom_reward_redemption.add";

pub(super) fn client(env: &HelixHarness) -> ConduitClient {
    ConduitClient::new(
        reqwest::Client::new(),
        &env.sim.helix_url(),
        env.tokens.clone(),
    )
}

#[tokio::test]
async fn answers_are_classified_and_a_conflict_adopts_the_existing_subscription() {
    let env = HelixHarness::start().await;
    let client = client(&env);
    assert_eq!(client.conduits().await, Ok(vec![]));
    let conduit = client.create_conduit(1).await.unwrap();
    assert_eq!(conduit.shard_count, 1);
    assert_eq!(
        client
            .resize_conduit(&conduit.id, 3)
            .await
            .unwrap()
            .shard_count,
        3
    );
    assert!(matches!(
        client.resize_conduit("no-such-conduit", 2).await,
        Err(ConduitError::NotFound(_))
    ));
    for _ in 0..4 {
        client.create_conduit(1).await.unwrap();
    }
    assert!(
        matches!(client.create_conduit(1).await, Err(ConduitError::Limit(_))),
        "five conduits per application"
    );
    let refused = client.assign_shard(&conduit.id, 0, "no-such-session").await;
    assert!(
        matches!(refused, Err(ConduitError::Rejected { .. })),
        "{refused:?}"
    );

    let condition = json!({"broadcaster_user_id": env.channel.as_str()});
    let Ok(Placed::Created { id, status }) =
        client.subscribe(ADD, condition.clone(), &conduit.id).await
    else {
        panic!("not created");
    };
    assert_eq!(status, "enabled");
    assert_eq!(
        client.subscribe(ADD, condition, &conduit.id).await,
        Ok(Placed::Adopted(Some(id.clone())))
    );
    let listed = client
        .subscriptions(("user_id", env.channel.as_str()))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    client.unsubscribe(&id).await.unwrap();
    client.unsubscribe(&id).await.unwrap();
    assert!(client
        .subscriptions(("user_id", env.channel.as_str()))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_app_rate_limit_is_waited_out() {
    let env = HelixHarness::start().await;
    let client = client(&env);
    env.sim.fail_next("POST /helix/eventsub/conduits", 429);
    let made = client.create_conduit(1).await;
    assert!(made.is_ok(), "{made:?}");
    assert_eq!(
        env.too_many_requests(),
        1,
        "refused once, then waited and sent again"
    );
    assert_eq!(client.conduits().await.unwrap().len(), 1, "made once");

    // Still refused after two waits: the bucket, to be tried again soon, not a limit of the call
    // (which the channel would wait a quarter of an hour for).
    for _ in 0..3 {
        env.sim.fail_next("GET /helix/eventsub/conduits", 429);
    }
    let listed = client.conduits().await;
    assert!(
        matches!(listed, Err(ConduitError::Transient(_))),
        "{listed:?}"
    );
    assert_eq!(env.too_many_requests(), 4);
    assert_eq!(client.conduits().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_shards_registration_spends_the_reserve_other_calls_leave_it() {
    let env = HelixHarness::start().await;
    let client = client(&env);
    // Twelve points a minute: two calls leave ten, the reserve, and the bucket is full again
    // only 10 s later.
    env.sim.set_rate_limit(12);
    let conduit = client.create_conduit(1).await.unwrap();
    assert_eq!(client.conduits().await.unwrap().len(), 1);
    assert!(
        tokio::time::timeout(Duration::from_secs(1), client.conduits())
            .await
            .is_err(),
        "a listing waits for the bucket rather than spend the reserve"
    );
    // Twitch closes a shard's socket unregistered 10 s after its welcome: the registration goes
    // at once (the session is unknown here, so Twitch refuses it, but it was sent).
    let sent = tokio::time::timeout(
        Duration::from_secs(5),
        client.assign_shard(&conduit.id, 0, "no-such-session"),
    )
    .await
    .expect("sent from the reserve, not after the reset");
    assert!(
        matches!(sent, Err(ConduitError::Rejected { .. })),
        "{sent:?}"
    );
}
