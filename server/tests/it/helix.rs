//! `HelixClient` against the Twitch simulator: every classified outcome, token refresh, retries,
//! rate limits, rewards, redemptions and chat.

use crate::support::helix_harness;

use app::model::ChannelId;
use app::ssr::twitch::{
    AddVipError, RedemptionStatus, RemoveVipOutcome, RewardError, RewardSpec, TwitchApi,
    TwitchError,
};
use helix_harness::HelixHarness;
use twitch_sim::RedemptionStatus as SimStatus;

fn spec(title: &str) -> RewardSpec {
    RewardSpec {
        title: title.into(),
        cost: 500,
        prompt: "Become a VIP for a day".into(),
        enabled: true,
        global_cooldown_secs: None,
        max_per_stream: None,
        max_per_user_per_stream: None,
    }
}

#[tokio::test]
async fn add_vip_adds_and_the_lists_show_it() {
    let env = HelixHarness::start().await;
    let alice = env.viewer(0);
    env.client.add_vip(&env.channel, &alice).await.unwrap();
    assert_eq!(env.sim.vips(env.streamer()), vec![alice.clone()]);
    let vips = env.client.vips(&env.channel).await.unwrap();
    assert_eq!(vips.len(), 1);
    assert_eq!(
        (vips[0].id.as_str(), vips[0].login.as_str()),
        (alice.as_str(), "viewer_alice")
    );
    let mods = env.client.moderators(&env.channel).await.unwrap();
    assert_eq!(mods.len(), 1);
    assert_eq!(mods[0].login, "demo_mod");
}

async fn add(env: &HelixHarness, viewer: &str) -> Result<(), AddVipError> {
    env.client.add_vip(&env.channel, viewer).await
}

#[tokio::test]
async fn add_vip_refusals_are_told_apart() {
    let env = HelixHarness::start().await;
    let b = env.streamer();
    assert_eq!(
        add(&env, &env.demo.moderator.id).await,
        Err(AddVipError::IsModerator)
    );

    env.sim.twitch_add_vip(b, "viewer_bob").unwrap();
    assert_eq!(
        add(&env, &env.viewer(1)).await,
        Err(AddVipError::AlreadyVip)
    );

    env.sim.set_blocked(b, "viewer_carol", true).unwrap();
    assert_eq!(
        add(&env, &env.viewer(2)).await,
        Err(AddVipError::UserBlocked)
    );

    assert_eq!(add(&env, "99999999").await, Err(AddVipError::UserNotFound));

    // The broadcaster: a 422 that is neither role, passed on with Twitch's words.
    let own = add(&env, env.channel.as_str()).await;
    assert!(
        matches!(&own, Err(AddVipError::Twitch(TwitchError::Rejected(m))) if m.contains("broadcaster")),
        "{own:?}"
    );

    env.sim.set_vip_slots(b, 1).unwrap();
    assert_eq!(add(&env, &env.viewer(3)).await, Err(AddVipError::SlotsFull));

    env.sim.set_build_a_community(b, false).unwrap();
    assert_eq!(
        add(&env, &env.viewer(3)).await,
        Err(AddVipError::BuildACommunityRequired)
    );
    assert_eq!(env.too_many_requests(), 0);
}

#[tokio::test]
async fn remove_vip_removes_then_finds_no_vip() {
    let env = HelixHarness::start().await;
    let alice = env.viewer(0);
    env.sim.twitch_add_vip(env.streamer(), &alice).unwrap();
    let first = env.client.remove_vip(&env.channel, &alice).await;
    assert_eq!(first, Ok(RemoveVipOutcome::Removed));
    assert!(env.sim.vips(env.streamer()).is_empty());
    let second = env.client.remove_vip(&env.channel, &alice).await;
    assert_eq!(second, Ok(RemoveVipOutcome::NotAVip));
}

#[tokio::test]
async fn vips_are_read_page_by_page() {
    let env = HelixHarness::start().await;
    env.sim.set_vip_slots(env.streamer(), 150).unwrap();
    for i in 0..130 {
        let user = env.sim.add_user(&format!("fan_{i}"));
        env.sim.twitch_add_vip(env.streamer(), &user.id).unwrap();
    }
    let vips = env.client.vips(&env.channel).await.unwrap();
    assert_eq!(vips.len(), 130);
    assert_eq!(vips[129].login, "fan_129");
}

#[tokio::test]
async fn users_are_found_by_login_and_id() {
    let env = HelixHarness::start().await;
    let by_login = env.client.user_by_login(&env.channel, "viewer_alice").await;
    let alice = by_login.unwrap().expect("alice exists");
    assert_eq!(alice.id, env.viewer(0));
    assert_eq!(alice.display_name, "Viewer_alice");
    let by_id = env
        .client
        .user_by_id(&env.channel, &alice.id)
        .await
        .unwrap();
    assert_eq!(by_id.map(|u| u.login), Some("viewer_alice".into()));
    let nobody = env.client.user_by_login(&env.channel, "nobody_here").await;
    assert_eq!(nobody, Ok(None));
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_retried() {
    let env = HelixHarness::start().await;
    env.sim.expire_token(&env.access_token);
    env.client
        .add_vip(&env.channel, &env.viewer(0))
        .await
        .unwrap();
    let stored = env.tokens.get(env.channel.as_str()).await.unwrap();
    use secrecy::ExposeSecret;
    assert_ne!(stored.access_token.expose_secret(), env.access_token);
    // The new token keeps working without another refresh.
    assert_eq!(env.client.vips(&env.channel).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_refresh_or_no_token_is_unauthorized() {
    let env = HelixHarness::start().await;
    let access = env.access_token.clone();
    env.save(env.channel.as_str(), &access, "not-a-refresh-token")
        .await;
    env.sim.expire_token(&access);
    assert_eq!(
        env.client.vips(&env.channel).await,
        Err(TwitchError::Unauthorized)
    );
    let stranger = ChannelId(env.viewer(3));
    assert_eq!(
        env.client.moderators(&stranger).await,
        Err(TwitchError::Unauthorized)
    );
}

#[tokio::test]
async fn one_503_is_retried_two_are_transient() {
    let env = HelixHarness::start().await;
    env.sim.fail_next("POST /helix/channels/vips", 503);
    env.client
        .add_vip(&env.channel, &env.viewer(0))
        .await
        .unwrap();
    env.sim.fail_next("GET /helix/moderation/moderators", 503);
    env.sim.fail_next("GET /helix/moderation/moderators", 503);
    assert!(matches!(
        env.client.moderators(&env.channel).await,
        Err(TwitchError::Transient(_))
    ));
}

#[tokio::test]
async fn an_add_whose_answer_was_lost_is_an_add() {
    let env = HelixHarness::start().await;
    // The VIP is added, but the answer is a 504: the retry's "already a VIP" is that add.
    env.chaos.lose_next_answer("POST /helix/channels/vips", 504);
    assert_eq!(add(&env, &env.viewer(0)).await, Ok(()));
    assert_eq!(env.sim.vips(env.streamer()), vec![env.viewer(0)]);
    // Without a lost answer, "already a VIP" stays a refusal.
    assert_eq!(
        add(&env, &env.viewer(0)).await,
        Err(AddVipError::AlreadyVip)
    );
}

#[tokio::test]
async fn a_429_with_a_near_reset_is_waited_out() {
    let env = HelixHarness::start().await;
    env.sim.fail_next("GET /helix/channels/vips", 429);
    assert_eq!(env.client.vips(&env.channel).await, Ok(vec![]));
    assert_eq!(env.too_many_requests(), 1);
}

#[tokio::test]
async fn rewards_are_created_updated_and_deleted() {
    let env = HelixHarness::start().await;
    let b = env.channel.as_str().to_owned();
    let id = env
        .client
        .create_reward(&env.channel, &spec("VIP"))
        .await
        .unwrap();
    let reward = |env: &HelixHarness| {
        env.sim.with_world(|w| {
            let r = w.channels[&b].rewards.iter().find(|r| r.id == id).cloned();
            r.map(|r| {
                (
                    r.title,
                    r.cost,
                    r.prompt,
                    r.global_cooldown,
                    r.should_redemptions_skip_request_queue,
                )
            })
        })
    };
    assert_eq!(
        reward(&env),
        Some((
            "VIP".into(),
            500,
            "Become a VIP for a day".into(),
            (false, 0),
            false
        ))
    );

    let mut changed = spec("VIP for a day");
    changed.cost = 900;
    changed.global_cooldown_secs = Some(120);
    env.client
        .update_reward(&env.channel, &id, &changed)
        .await
        .unwrap();
    assert_eq!(
        reward(&env),
        Some((
            "VIP for a day".into(),
            900,
            "Become a VIP for a day".into(),
            (true, 120),
            false
        ))
    );

    let too_long = spec(&"x".repeat(46));
    let refused = env.client.update_reward(&env.channel, &id, &too_long).await;
    assert!(
        matches!(refused, Err(RewardError::Twitch(TwitchError::Rejected(m))) if m.contains("45"))
    );
    let dashboard = env.demo.dashboard_reward_id.clone();
    let foreign = env
        .client
        .update_reward(&env.channel, &dashboard, &changed)
        .await;
    assert!(matches!(
        foreign,
        Err(RewardError::Twitch(TwitchError::Forbidden(_)))
    ));

    env.client.delete_reward(&env.channel, &id).await.unwrap();
    assert_eq!(reward(&env), None);
    assert_eq!(
        env.client.delete_reward(&env.channel, &id).await,
        Err(TwitchError::NotFound)
    );
}

#[tokio::test]
async fn unfulfilled_redemptions_are_listed_and_decided_once() {
    let env = HelixHarness::start().await;
    let reward = env
        .client
        .create_reward(&env.channel, &spec("VIP"))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..55 {
        let viewer = env.demo.viewers[i % 4].login.clone();
        let r = env
            .sim
            .redeem(env.streamer(), &viewer, &reward, "")
            .unwrap();
        ids.push(r["id"].as_str().unwrap().to_owned());
    }
    let pending = env
        .client
        .unfulfilled_redemptions(&env.channel, &reward)
        .await
        .unwrap();
    assert_eq!(
        pending.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        ids
    );
    assert_eq!(pending[1].viewer.login, "viewer_bob");
    assert_eq!(pending[1].reward_id, reward);

    let client = &env.client;
    let fulfil = RedemptionStatus::Fulfilled;
    let cancel = RedemptionStatus::Canceled;
    client
        .set_redemption_status(&env.channel, &reward, &ids[0], fulfil)
        .await
        .unwrap();
    assert_eq!(
        client
            .set_redemption_status(&env.channel, &reward, &ids[0], cancel)
            .await,
        Err(TwitchError::NotFound)
    );
    let before = env.sim.points(env.streamer(), "viewer_bob");
    client
        .set_redemption_status(&env.channel, &reward, &ids[1], cancel)
        .await
        .unwrap();
    assert_eq!(env.sim.points(env.streamer(), "viewer_bob"), before + 500);
    let statuses = env.sim.redemptions(env.streamer());
    assert_eq!(statuses[0].1, SimStatus::Fulfilled);
    assert_eq!(statuses[1].1, SimStatus::Canceled);
    let left = env
        .client
        .unfulfilled_redemptions(&env.channel, &reward)
        .await
        .unwrap();
    assert_eq!(left.len(), 53);
}

#[tokio::test]
async fn chat_is_sent_as_the_broadcaster_and_truncated() {
    let env = HelixHarness::start().await;
    assert_eq!(
        env.client.send_chat(&env.channel, "hello chat").await,
        Ok(true)
    );
    let long = "é".repeat(600);
    assert_eq!(env.client.send_chat(&env.channel, &long).await, Ok(true));
    // Twitch drops a duplicate within 30 s: sent, but not delivered.
    assert_eq!(
        env.client.send_chat(&env.channel, "hello chat").await,
        Ok(false)
    );
    let messages = env.sim.chat_messages(env.streamer());
    assert_eq!(messages.len(), 2);
    assert!(messages.iter().all(|m| m.sender_id == env.channel.as_str()));
    assert_eq!(messages[1].message.chars().count(), 500);
}

/// The simulator's VIP window runs on the wall clock (not tokio's), so this test really waits one
/// window (~10 s). A 429 would be waited out too, so the proof is that the simulator never sent one.
#[tokio::test]
async fn eleven_adds_in_a_row_never_meet_a_429() {
    let env = HelixHarness::start().await;
    env.sim.set_vip_slots(env.streamer(), 20).unwrap();
    let fans: Vec<String> = (0..11)
        .map(|i| env.sim.add_user(&format!("fan_{i}")).id)
        .collect();
    let mut tasks = Vec::new();
    for fan in fans {
        let (client, channel) = (env.client.clone(), env.channel.clone());
        tasks.push(tokio::spawn(
            async move { client.add_vip(&channel, &fan).await },
        ));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), Ok(()));
    }
    assert_eq!(env.sim.vips(env.streamer()).len(), 11);
    assert_eq!(env.too_many_requests(), 0);
}
