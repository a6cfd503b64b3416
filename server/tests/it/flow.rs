//! The whole product in demo mode, over HTTP only: a streamer logs in, creates a reward through the
//! REST API, a viewer redeems it on the simulated Twitch, EventSub delivers it, VIP is granted, the
//! redemption fulfilled, chat told, the dashboard stream notified — and VIP is removed when the time
//! is up.

use crate::common;

use std::time::Duration;

use common::{
    create_reward, eventually, log_in, redeem, redemptions_subscribed, try_get_json, TestServer,
};
use serde_json::{json, Value};

async fn sim_channel(server: &TestServer) -> Value {
    server
        .http
        .get(server.url("/twitch-sim/sim/channels/demo_streamer"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn logins(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redemption_becomes_a_timed_vip_and_expires() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;

    redemptions_subscribed(&server).await;

    let reward_id = create_reward(&server, &browser, "VIP for a moment", 100, 3).await;

    let mut live = browser.get(server.url("/api/ws")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    let first = live.chunk().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: ready"));

    redeem(&server, "viewer_alice", &reward_id).await;

    // The dashboard stream hears of the grant.
    let granted = tokio::time::timeout(Duration::from_secs(20), async {
        let mut seen = String::new();
        while let Some(chunk) = live.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: granted") {
                return seen;
            }
        }
        panic!("the stream ended: {seen}");
    })
    .await
    .expect("a granted event within the hang guard");
    assert!(granted.contains("viewer_alice"), "{granted}");

    let vips: Value = browser
        .get(server.url("/api/vip"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let vip = &vips["vips"][0];
    assert_eq!(vip["user_login"], "viewer_alice");
    assert_eq!(vip["source"], "channel_points");
    assert!(vip["expires_at"].is_string());

    let channel = sim_channel(&server).await;
    assert!(logins(&channel["vips"]).contains(&"viewer_alice".to_owned()));
    assert_eq!(channel["redemptions"][0]["status"], "FULFILLED");
    assert!(
        channel["chat"].to_string().contains("viewer_alice")
            || channel["chat"].to_string().contains("Viewer_alice"),
        "a chat message names the viewer: {}",
        channel["chat"]
    );

    // The deadline passes: VIP is removed on Twitch and the session ends.
    eventually("VIP removed on Twitch", Duration::from_secs(20), || async {
        let channel = sim_channel(&server).await;
        (!logins(&channel["vips"]).contains(&"viewer_alice".to_owned())).then_some(())
    })
    .await;
    let vips: Value = browser
        .get(server.url("/api/vip"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(vips["vips"], json!([]));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_rest_api_refuses_strangers_and_explains_refusals() {
    let server = TestServer::start().await;
    let res = server
        .http
        .get(server.url("/api/vip"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let browser = TestServer::browser();
    log_in(&server, &browser).await;

    let res = browser
        .post(server.url("/api/vip"))
        .json(&json!({ "user_login": "nobody_by_this_name", "duration_secs": 60 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "user_not_found");

    // demo_mod is a moderator of the demo channel: Twitch would answer 422.
    let res = browser
        .post(server.url("/api/vip"))
        .json(&json!({ "user_login": "demo_mod", "duration_secs": 60 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "is_moderator");

    let res = browser
        .post(server.url("/api/vip"))
        .json(&json!({ "user_login": "viewer_bob", "duration_secs": 0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let res = browser
        .post(server.url("/api/vip"))
        .json(&json!({ "user_login": "viewer_bob", "duration_secs": 3600 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = browser
        .post(server.url("/api/vip/extend"))
        .json(&json!({ "user_id": res.json::<Value>().await.unwrap()["user_id"], "duration_secs": 60 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let vip: Value = res.json().await.unwrap();
    let res = browser
        .delete(server.url(&format!("/api/vip/{}", vip["user_id"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);

    // Another channel's VIPs are not the caller's to see.
    let res = browser
        .get(server.url("/api/vip?channel=999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        403,
        "the same answer as a channel the caller may not touch"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_grant_on_a_channel_that_needs_reauthorisation_says_so() {
    use app::ssr::store::prelude::*;
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let store = server.store().await;
    let id = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    store.set_needs_reauth(&id, true).await.unwrap();
    let res = browser
        .post(server.url("/api/vip"))
        .json(&json!({ "user_login": "viewer_bob", "duration_secs": 3600 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "needs_reauth");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_demo_mode_a_simulated_audience_redeems_once_the_streamer_logged_in() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "1")]).await;
    let health: Value = server
        .http
        .get(server.url("/api/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    // The audience creates the demo reward, then viewers redeem it through the simulated Twitch.
    let vip = eventually(
        "a redemption granted VIP",
        Duration::from_secs(60),
        || async {
            let vips = try_get_json(&browser, &server.url("/api/vip")).await?;
            vips["vips"].as_array()?.first().cloned()
        },
    )
    .await;
    assert_eq!(vip["source"], "channel_points");
    let rewards: Value = browser
        .get(server.url("/api/channel-points"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rewards["rewards"][0]["title"], "VIP for 5 minutes");
    server.stop().await.unwrap();
}
