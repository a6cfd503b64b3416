//! `HelixClient`'s reward calls the lifecycle relies on: a duplicate title told apart, the rewards
//! this client id manages, and cancelling many redemptions at once, also after a lost answer.

use app::ssr::twitch::{RewardError, RewardSpec, TwitchApi};
use twitch_sim::RedemptionStatus;

use super::{Lifecycle, REDEMPTIONS, REWARDS};

fn spec(title: &str, cost: u64) -> RewardSpec {
    super::input(title, cost).spec
}

/// A reward this client created, and one waiting redemption of it by each of the first `viewers`
/// demo viewers.
async fn redeemed(h: &Lifecycle, viewers: usize) -> (String, Vec<String>) {
    let reward = h
        .env
        .client
        .create_reward(h.channel(), &spec("VIP", 10))
        .await
        .unwrap();
    let ids = (0..viewers)
        .map(|i| h.redeem(&h.env.demo.viewers[i].login, &reward))
        .collect();
    (reward, ids)
}

#[tokio::test]
async fn a_taken_title_is_a_duplicate_on_create_and_update() {
    let h = Lifecycle::start().await;
    let client = &h.env.client;
    let id = client
        .create_reward(h.channel(), &spec("VIP", 10))
        .await
        .unwrap();
    assert_eq!(
        client.create_reward(h.channel(), &spec("vip", 20)).await,
        Err(RewardError::DuplicateTitle)
    );
    // "Hydrate" is the demo channel's dashboard reward.
    assert_eq!(
        client
            .update_reward(h.channel(), &id, &spec("HYDRATE", 10))
            .await,
        Err(RewardError::DuplicateTitle)
    );
}

#[tokio::test]
async fn manageable_rewards_are_the_ones_this_client_created_with_their_settings() {
    let h = Lifecycle::start().await;
    let mut wanted = spec("VIP for a day", 900);
    wanted.global_cooldown_secs = Some(120);
    wanted.max_per_user_per_stream = Some(2);
    wanted.enabled = false;
    let id = h
        .env
        .client
        .create_reward(h.channel(), &wanted)
        .await
        .unwrap();
    let mine = h.env.client.manageable_rewards(h.channel()).await.unwrap();
    assert_eq!(mine.len(), 1, "the dashboard's Hydrate is not listed");
    assert_eq!(mine[0].id, id);
    assert_eq!(mine[0].spec, wanted);
    assert!(!mine[0].skips_request_queue);
    let listed = h.calls("GET", REWARDS);
    assert_eq!(
        listed[0].query("only_manageable_rewards").as_deref(),
        Some("true")
    );
}

#[tokio::test]
async fn many_redemptions_are_cancelled_in_one_call_and_only_those_still_waiting() {
    let h = Lifecycle::start().await;
    let client = &h.env.client;
    let (reward, ids) = redeemed(&h, 3).await;
    // The first was fulfilled meanwhile: it stays FULFILLED and is not reported as cancelled.
    client
        .set_redemption_status(
            h.channel(),
            &reward,
            &ids[0],
            app::ssr::twitch::RedemptionStatus::Fulfilled,
        )
        .await
        .unwrap();

    let canceled = client
        .cancel_redemptions(h.channel(), &reward, &ids)
        .await
        .unwrap();

    assert_eq!(canceled, ids[1..].to_vec());
    assert_eq!(h.status(&ids[0]), RedemptionStatus::Fulfilled);
    assert_eq!(h.status(&ids[1]), RedemptionStatus::Canceled);
    let patches = h.calls("PATCH", REDEMPTIONS);
    assert_eq!(patches.len(), 2, "the single fulfil, then one cancel call");
    assert_eq!(patches[1].query_all("id"), ids);
    // Nothing left to cancel: Twitch's 404 means none of them.
    assert_eq!(
        client
            .cancel_redemptions(h.channel(), &reward, &ids[..1])
            .await,
        Ok(vec![])
    );
}

#[tokio::test]
async fn redemptions_cancelled_by_an_attempt_whose_answer_was_lost_are_reported() {
    let h = Lifecycle::start().await;
    let client = &h.env.client;
    let (reward, ids) = redeemed(&h, 2).await;
    h.env
        .chaos
        .lose_next_answer(&format!("PATCH {REDEMPTIONS}"), 502);

    let canceled = client
        .cancel_redemptions(h.channel(), &reward, &ids)
        .await
        .unwrap();

    assert_eq!(canceled, ids, "the retry's 404 is not taken for 'none'");
    let patches = h.calls("PATCH", REDEMPTIONS);
    assert_eq!(patches.len(), 2);
    assert!(patches[0].answer_lost);
    assert_eq!(patches[1].status, 404);
}
