//! A reward's lifecycle rules over real HTTP: titles unique per channel (ignoring case, with
//! Twitch's error code as the message), many redemptions decided in one call, and what deleting a
//! reward does to its pending redemptions.

use crate::common::rewards::*;
use crate::common::*;
use reqwest::Method;
use serde_json::json;
use twitch_sim::RedemptionStatus;

#[tokio::test]
async fn duplicate_titles_are_refused_per_channel_ignoring_case() {
    let env = env().await;
    let path = rewards_path(&env);
    let env = &env;
    let create = |title: &str| {
        let (path, body) = (path.clone(), json!({"title": title, "cost": 5}));
        async move { env.helix(Method::POST, &path, &env.token, Some(body)).await }
    };
    // A dashboard reward's title is taken for every client.
    env.sim
        .create_reward("streamer", None, "Hydrate", 100)
        .unwrap();
    let r = create("HYDRATE").await;
    assert_error(&r, 400);
    assert_eq!(r.body["message"], "CREATE_CUSTOM_REWARD_DUPLICATE_REWARD");
    // Case is ignored beyond ASCII too.
    env.create_reward("Äpfel", 5).await;
    assert_error(&create("äPFEL").await, 400);
    // Another channel may use the title.
    env.sim.add_streamer("other");
    assert!(env.sim.create_reward("other", None, "Hydrate", 5).is_ok());
    // Renaming onto a taken title is refused; a reward may change its own title's case.
    let mine = env.create_reward("Mine", 5).await;
    let rename = |title: &str| {
        let (path, body) = (format!("{path}&id={mine}"), json!({"title": title}));
        async move {
            env.helix(Method::PATCH, &path, &env.token, Some(body))
                .await
        }
    };
    let r = rename("hydrate").await;
    assert_error(&r, 400);
    assert_eq!(r.body["message"], "UPDATE_CUSTOM_REWARD_DUPLICATE_REWARD");
    assert_eq!(rename("MINE").await.status, 200);
}

#[tokio::test]
async fn many_redemptions_change_in_one_call_and_only_unfulfilled_ones() {
    let env = env().await;
    env.sim.add_user("viewer");
    let reward = env.create_reward("VIP", 5).await;
    let ids: Vec<String> = (0..3)
        .map(|_| {
            let r = env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
            r["id"].as_str().unwrap().to_string()
        })
        .collect();
    let env = &env;
    let patch = |ids: &[String], status: &str| {
        let query: String = ids.iter().map(|id| format!("&id={id}")).collect();
        let (path, body) = (
            redemptions_path(env, &reward, &query),
            json!({ "status": status }),
        );
        async move {
            env.helix(Method::PATCH, &path, &env.token, Some(body))
                .await
        }
    };
    assert_eq!(patch(&ids[..1], "FULFILLED").await.status, 200);
    let r = patch(&ids, "CANCELED").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let changed: Vec<&str> = r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(changed, [ids[1].as_str(), ids[2].as_str()]);
    assert_eq!(env.sim.points("streamer", "viewer"), 1_000_000 - 5);
    // None of them UNFULFILLED any more: 404.
    assert_error(&patch(&ids, "CANCELED").await, 404);
    let too_many: Vec<String> = (0..51).map(|i| format!("r{i}")).collect();
    assert_error(&patch(&too_many, "CANCELED").await, 400);
}

#[tokio::test]
async fn deleting_a_reward_fulfils_pending_redemptions() {
    let env = env().await;
    env.sim.add_user("viewer");
    let reward = env.create_reward("VIP", 5).await;
    env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    // Cancelled first: the only way the viewer gets the points back.
    let refunded = env.sim.redeem("streamer", "viewer", &reward, "").unwrap();
    let refunded = refunded["id"].as_str().unwrap().to_string();
    let r = set_redemption_status(&env, &reward, &refunded, "CANCELED").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = env
        .helix(
            Method::DELETE,
            &format!("{}&id={reward}", rewards_path(&env)),
            &env.token,
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        redemption_statuses(&env),
        [RedemptionStatus::Fulfilled, RedemptionStatus::Canceled]
    );
    // The fulfilled one's points are kept; the cancelled one's came back.
    assert_eq!(env.sim.points("streamer", "viewer"), 1_000_000 - 5);
}
