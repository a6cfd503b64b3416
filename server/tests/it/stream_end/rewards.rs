//! A channel-point reward whose VIP lasts until the stream ends: created over REST with
//! `"duration": "stream_end"` (listed back the same way), refused for a bad shape, and a
//! redemption of it listed with `"until": "stream_end"`.

use serde_json::{json, Value};

use super::support::{listed, send, HANG_GUARD};
use crate::common::{eventually, log_in, redeem, redemptions_subscribed, TestServer};

#[tokio::test]
async fn a_stream_end_reward_grants_vip_until_the_stream_ends() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let rewards = server.url("/api/channel-points");
    for body in [
        json!({ "title": "VIP a while", "cost": 10 }),
        json!({ "title": "VIP a while", "cost": 10, "duration": "forever" }),
        json!({ "title": "VIP a while", "cost": 10, "duration": "stream_end", "duration_secs": 60 }),
    ] {
        let (status, err) = send(browser.post(&rewards).json(&body)).await;
        assert_eq!(status, 400, "{body}: {err}");
        assert_eq!(err["error"], "invalid_request", "{err}");
    }
    let body = json!({ "title": "VIP this stream", "cost": 10, "duration": "stream_end" });
    let (status, reward) = send(browser.post(&rewards).json(&body)).await;
    assert_eq!(status, 201, "{reward}");
    assert_eq!(reward["duration"], "stream_end");
    let (_, list) = send(browser.get(&rewards)).await;
    let shown: Vec<&Value> = list["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["id"] == reward["id"])
        .collect();
    assert_eq!(shown[0]["duration"], "stream_end", "{list}");

    redemptions_subscribed(&server).await;
    redeem(&server, "viewer_carol", reward["id"].as_str().unwrap()).await;
    let carol = eventually("carol is VIP", HANG_GUARD, || async {
        listed(&server, &browser, "viewer_carol").await
    })
    .await;
    assert_eq!(carol["until"], "stream_end", "{carol}");
    assert_eq!(carol["expires_at"], Value::Null, "{carol}");
    server.stop().await.unwrap();
}
