//! Creating a reward is idempotent: a reward Twitch created while its answer was lost is taken over,
//! and a title Twitch reserves for a reward the app cannot manage is the streamer's to change.

use app::error::{AppError, Refusal};
use app::model::{AuditAction, RedemptionOutcome};
use app::ssr::engine::GrantOutcome;
use twitch_sim::RedemptionStatus;

use super::{Lifecycle, REWARDS};

#[tokio::test]
async fn a_reward_created_while_the_answer_was_lost_is_taken_over_and_redeemable() {
    let h = Lifecycle::start().await;
    // Twitch creates the reward, then the client gets a 502 instead of its answer; the client's
    // retry is refused as a duplicate title.
    h.env
        .chaos
        .lose_next_answer(&format!("POST {REWARDS}"), 502);

    let reward = h.create("VIP for an hour", 700).await.unwrap();

    let posts = h.calls("POST", REWARDS);
    assert_eq!(posts.len(), 2, "the lost answer and the retry");
    assert!(posts[0].answer_lost);
    assert_eq!(posts[1].status, 400);
    let on_twitch = h.twitch_rewards();
    let ours: Vec<_> = on_twitch.iter().filter(|r| r.3).collect();
    assert_eq!(ours.len(), 1, "one reward on Twitch: {on_twitch:?}");
    assert_eq!(ours[0].0, reward.id);
    let stored = h.env.store.reward(&reward.id).await.unwrap().unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.cost),
        ("VIP for an hour", 700)
    );
    let created = h.audit(AuditAction::RewardCreated).await;
    assert_eq!(created.len(), 1);
    assert!(created[0].metadata["note"]
        .as_str()
        .unwrap()
        .contains("taken over"));

    // Its redemptions are the app's now: granted and fulfilled.
    let redemption = h.redeem("viewer_alice", &reward.id);
    let outcome = h.deliver(&redemption, &reward.id, 0).await;
    assert!(matches!(outcome, GrantOutcome::Granted(_)), "{outcome:?}");
    assert_eq!(h.status(&redemption), RedemptionStatus::Fulfilled);
    assert!(h.env.sim.vips(h.env.streamer()).contains(&h.env.viewer(0)));
    let record = h.env.store.redemption(&redemption).await.unwrap().unwrap();
    assert_eq!(record.outcome, RedemptionOutcome::Fulfilled);
}

#[tokio::test]
async fn an_earlier_attempt_s_reward_is_brought_to_the_requested_settings() {
    let h = Lifecycle::start().await;
    // An earlier attempt created it (another title case, another price), and its answer never
    // reached the app.
    let earlier = h
        .env
        .sim
        .create_reward(
            h.env.streamer(),
            Some(&h.env.demo.client_id),
            "vip FOR an hour",
            100,
        )
        .unwrap();
    let earlier_id = earlier["id"].as_str().unwrap().to_owned();

    let reward = h.create("VIP for an hour", 700).await.unwrap();

    assert_eq!(reward.id, earlier_id);
    let patches = h.calls("PATCH", REWARDS);
    assert_eq!(patches.len(), 1, "one Update Custom Reward");
    let b = h.channel().as_str().to_owned();
    let (title, cost) = h.env.sim.with_world(|w| {
        let r = w.channels[&b]
            .rewards
            .iter()
            .find(|r| r.id == earlier_id)
            .unwrap();
        (r.title.clone(), r.cost)
    });
    assert_eq!((title.as_str(), cost), ("VIP for an hour", 700));

    // Asking again for the same reward answers with it; nothing is changed or logged twice.
    let again = h.create("VIP for an hour", 700).await.unwrap();
    assert_eq!(again, reward);
    assert_eq!(h.calls("PATCH", REWARDS).len(), 1);
    assert_eq!(h.audit(AuditAction::RewardCreated).await.len(), 1);

    // The same title with other settings is not a silent change of the existing reward.
    let other = h.create("VIP for an hour", 900).await;
    assert_eq!(other, Err(AppError::Refused(Refusal::DuplicateRewardTitle)));
    let stored = h.env.store.reward(&reward.id).await.unwrap().unwrap();
    assert_eq!(stored.cost, 700);
}

#[tokio::test]
async fn a_title_taken_by_a_reward_made_elsewhere_is_the_streamer_s_to_change() {
    let h = Lifecycle::start().await;
    // The demo channel has a dashboard reward "Hydrate"; Twitch compares titles ignoring case.
    let before = h.twitch_rewards();

    let refused = h.create("HYDRATE", 300).await;

    let err = refused.unwrap_err();
    assert_eq!(err, AppError::Refused(Refusal::DuplicateRewardTitle));
    assert_eq!(
        err.to_string(),
        "a reward with this title already exists on your channel; rename it"
    );
    assert_eq!(h.twitch_rewards(), before, "nothing adopted or changed");
    assert!(h.calls("PATCH", REWARDS).is_empty());
    assert!(h.env.store.rewards(h.channel()).await.unwrap().is_empty());
    assert!(h.audit(AuditAction::RewardCreated).await.is_empty());
    let problems = h.audit(AuditAction::TwitchError).await;
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].metadata["problem"], "duplicate_reward_title");
    assert_eq!(problems[0].metadata["title"], "HYDRATE");

    // Renaming a reward of the app onto that title is refused the same way.
    let mine = h.create("VIP for an hour", 700).await.unwrap();
    let renamed = app::ssr::rewards::update(
        &h.ctx,
        &h.caller,
        h.channel(),
        &mine.id,
        super::input("hydrate", 700),
    )
    .await;
    assert_eq!(
        renamed,
        Err(AppError::Refused(Refusal::DuplicateRewardTitle))
    );
}
