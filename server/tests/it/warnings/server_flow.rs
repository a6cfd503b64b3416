//! Expiry warnings through the whole server: the setting's contract over `GET/PUT /api/settings`,
//! and the expiry scheduler waking for a warning, which reaches the simulated chat once and before
//! the VIP ends.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{eventually, log_in, try_get_json, TestServer};

const HANG_GUARD: Duration = Duration::from_secs(90);

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

#[tokio::test]
async fn lead_times_are_validated_with_a_clear_refusal() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let url = server.url("/api/settings");
    let (_, shown) = send(browser.get(&url)).await;
    assert_eq!(shown["expiry_warnings_secs"], json!([]));
    assert_eq!(shown["discord_warnings"], false);
    assert!(shown["chat"]["warning"]
        .as_str()
        .unwrap()
        .contains("{viewer}"));

    let body = json!({ "expiry_warnings_secs": [3600, 600, 1], "discord_warnings": true });
    let (status, saved) = send(browser.put(&url).json(&body)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["expiry_warnings_secs"], json!([1, 600, 3600]));
    assert_eq!(saved["discord_warnings"], true);
    for (bad, why) in [
        (json!([0]), "at least 1 second"),
        (json!([86_401]), "at most 86400"),
        (json!([1, 2, 3, 4, 5, 6]), "at most 5"),
        (json!(["soon"]), "expiry_warnings_secs"),
    ] {
        let (status, err) = send(
            browser
                .put(&url)
                .json(&json!({ "expiry_warnings_secs": bad })),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {err}");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains("expiry_warnings_secs"), "{message}");
        assert!(message.contains(why), "{message}");
    }
    let (_, shown) = send(browser.get(&url)).await;
    assert_eq!(shown["expiry_warnings_secs"], json!([1, 600, 3600]));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_scheduler_warns_once_before_the_vip_ends() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let body = json!({ "expiry_warnings_secs": [15] });
    let (status, saved) = send(browser.put(server.url("/api/settings")).json(&body)).await;
    assert_eq!(status, 200, "{saved}");
    let grant = json!({ "user_login": "viewer_alice", "duration_secs": 20 });
    let (status, vip) = send(browser.post(server.url("/api/vip")).json(&grant)).await;
    assert_eq!(status, 201, "{vip}");

    let chat_url = server.url("/twitch-sim/sim/channels/demo_streamer");
    let chat = eventually("the VIP time is up in chat", HANG_GUARD, || async {
        let channel = try_get_json(&server.http, &chat_url).await?;
        let chat: Vec<String> = channel["chat"]
            .as_array()?
            .iter()
            .filter_map(|m| m["message"].as_str().map(str::to_owned))
            .collect();
        chat.iter()
            .any(|m| m.contains("VIP time is up"))
            .then_some(chat)
    })
    .await;
    let warned: Vec<usize> = chat
        .iter()
        .enumerate()
        .filter(|(_, m)| m.contains("your VIP ends in"))
        .map(|(i, _)| i)
        .collect();
    let ended = chat
        .iter()
        .position(|m| m.contains("VIP time is up"))
        .unwrap();
    assert_eq!(warned.len(), 1, "{chat:?}");
    assert!(warned[0] < ended, "{chat:?}");
    assert!(chat[warned[0]].starts_with('@'), "{chat:?}");
    server.stop().await.unwrap();
}
