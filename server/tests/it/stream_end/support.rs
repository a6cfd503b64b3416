//! Helpers of the stream-end tests: requests, the simulated stream, and waiting for EventSub.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{eventually, try_get_json, TestServer};

/// Only a guard against hangs.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

/// Sends a request; returns the status and the JSON body (or the text as a JSON string).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

/// The demo streamer's channel id.
pub async fn channel_id(server: &TestServer) -> String {
    let stored = server.store().await;
    app::ssr::store::ChannelStore::channel_by_login(&stored, "demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id
        .0
}

/// Waits until the server's EventSub subscriptions to the stream's start and end are enabled.
pub async fn stream_events_subscribed(server: &TestServer) {
    eventually(
        "stream.online and stream.offline subscribed",
        HANG_GUARD,
        || async {
            let subs =
                try_get_json(&server.http, &server.url("/twitch-sim/sim/subscriptions")).await?;
            let list = subs["data"].as_array()?.clone();
            let enabled = |kind: &str| {
                list.iter()
                    .any(|s| s["type"] == kind && s["status"] == "enabled")
            };
            (enabled("stream.online") && enabled("stream.offline")).then_some(())
        },
    )
    .await;
}

/// `POST /twitch-sim/sim/channels/{channel}/{online|offline}`; returns the status.
pub async fn stream(server: &TestServer, channel: &str, what: &str) -> u16 {
    let url = server.url(&format!("/twitch-sim/sim/channels/{channel}/{what}"));
    server
        .http
        .post(url)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Sets the channel's grace period after the stream ends.
pub async fn set_grace(server: &TestServer, browser: &reqwest::Client, secs: u64) {
    let body = json!({ "stream_end_grace_secs": secs });
    let (status, saved) = send(browser.put(server.url("/api/settings")).json(&body)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["stream_end_grace_secs"], secs);
}

/// Grants VIP until the stream ends; returns the status and body.
pub async fn grant_until_stream_end(
    server: &TestServer,
    browser: &reqwest::Client,
    login: &str,
) -> (u16, Value) {
    let body = json!({ "user_login": login, "duration": "stream_end" });
    send(browser.post(server.url("/api/vip")).json(&body)).await
}

/// The VIP entry of `login` in `GET /api/vip`, if listed.
pub async fn listed(server: &TestServer, browser: &reqwest::Client, login: &str) -> Option<Value> {
    let vips = try_get_json(browser, &server.url("/api/vip")).await?;
    vips["vips"]
        .as_array()?
        .iter()
        .find(|v| v["user_login"] == login)
        .cloned()
}

/// Whether the simulated Twitch lists `login` as a VIP of `channel`.
pub async fn vip_on_twitch(server: &TestServer, channel: &str, login: &str) -> bool {
    let url = server.url(&format!("/twitch-sim/sim/channels/{channel}"));
    let snapshot = try_get_json(&server.http, &url).await.unwrap();
    snapshot["vips"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["login"] == login)
}
