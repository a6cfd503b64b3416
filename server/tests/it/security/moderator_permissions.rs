//! Moderators get what the streamer grants them, each part separately: managing VIPs
//! (`moderators_can_manage`), managing rewards (`moderators_manage_rewards`) and reading the
//! activity log (`moderators_read_log`), the log without what is the streamer's alone. Settings
//! stay the streamer's whatever is granted.

use app::ssr::store::prelude::*;
use serde_json::{json, Value};

use crate::common::{log_in, log_in_as, TestServer};
use crate::security::support::{send, Reply};

/// The demo streamer signed in, `helpful_mod` signed in and made a moderator on Twitch.
async fn streamer_and_moderator() -> (TestServer, reqwest::Client, reqwest::Client, String) {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let owner = TestServer::browser();
    log_in(&server, &owner).await;
    let moderator = TestServer::browser();
    log_in_as(&server, &moderator, "helpful_mod").await;
    let reply = send(
        server
            .http
            .post(server.url("/twitch-sim/sim/channels/demo_streamer/moderators/add"))
            .json(&json!({ "user": "helpful_mod" })),
    )
    .await;
    assert!(reply.status < 300, "{}", reply.body);
    let channel = server
        .store()
        .await
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id
        .0;
    (server, owner, moderator, channel)
}

async fn allow(server: &TestServer, owner: &reqwest::Client, settings: Value) {
    let reply = send(owner.put(server.url("/api/settings")).json(&settings)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

async fn create_reward(server: &TestServer, moderator: &reqwest::Client, channel: &str) -> Reply {
    let reward = json!({ "title": "VIP by a mod", "cost": 1, "duration_secs": 3600 });
    send(
        moderator
            .post(server.url(&format!("/api/channel-points?channel={channel}")))
            .json(&reward),
    )
    .await
}

async fn read_log(server: &TestServer, moderator: &reqwest::Client, channel: &str) -> Reply {
    send(moderator.get(server.url(&format!("/api/audit-log?channel={channel}&limit=200")))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managing_vips_grants_neither_rewards_nor_the_log() {
    let (server, owner, moderator, channel) = streamer_and_moderator().await;
    allow(&server, &owner, json!({ "moderators_can_manage": true })).await;

    let reply = send(moderator.get(server.url(&format!("/api/vip?channel={channel}")))).await;
    assert_eq!(reply.status, 200, "VIPs are granted: {}", reply.body);
    let reply = create_reward(&server, &moderator, &channel).await;
    assert_eq!(reply.status, 403, "rewards are not: {}", reply.body);
    let reply =
        send(moderator.get(server.url(&format!("/api/channel-points?channel={channel}")))).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    let reply = read_log(&server, &moderator, &channel).await;
    assert_eq!(reply.status, 403, "the log is not: {}", reply.body);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_permission_is_granted_on_its_own_and_settings_stay_the_streamers() {
    let (server, owner, moderator, channel) = streamer_and_moderator().await;
    allow(
        &server,
        &owner,
        json!({ "moderators_manage_rewards": true, "moderators_read_log": true }),
    )
    .await;
    let saved = send(owner.get(server.url("/api/settings"))).await.json();
    assert_eq!(saved["moderators_manage_rewards"], true, "{saved}");
    assert_eq!(saved["moderators_read_log"], true, "{saved}");
    assert_eq!(saved["moderators_can_manage"], false, "{saved}");

    let reply = send(moderator.get(server.url(&format!("/api/vip?channel={channel}")))).await;
    assert_eq!(reply.status, 403, "VIPs are not granted: {}", reply.body);
    let reply = create_reward(&server, &moderator, &channel).await;
    assert_eq!(reply.status, 201, "rewards are: {}", reply.body);

    // The log the moderator reads leaves out settings changes, logins and API tokens.
    let reply = read_log(&server, &moderator, &channel).await;
    assert_eq!(reply.status, 200, "the log is: {}", reply.body);
    let actions: Vec<String> = reply.json()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(actions.iter().any(|a| a == "reward_created"), "{actions:?}");
    for hidden in ["settings_changed", "login", "api_token_created"] {
        assert!(
            !actions.iter().any(|a| a == hidden),
            "{hidden} shown: {actions:?}"
        );
    }
    let own = send(owner.get(server.url("/api/audit-log?limit=200"))).await;
    assert!(
        own.body.contains("settings_changed"),
        "the streamer sees all: {}",
        own.body
    );
    let reply = read_log_filtered(&server, &moderator, &channel, "settings_changed").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["entries"], json!([]), "{}", reply.body);

    for reply in [
        send(moderator.get(server.url(&format!("/api/settings?channel={channel}")))).await,
        send(
            moderator
                .put(server.url(&format!("/api/settings?channel={channel}")))
                .json(&json!({ "public_page": true })),
        )
        .await,
    ] {
        assert_eq!(
            reply.status, 403,
            "settings stay the streamer's: {}",
            reply.body
        );
    }
    server.stop().await.unwrap();
}

async fn read_log_filtered(
    server: &TestServer,
    moderator: &reqwest::Client,
    channel: &str,
    action: &str,
) -> Reply {
    send(moderator.get(server.url(&format!("/api/audit-log?channel={channel}&action={action}"))))
        .await
}
