//! EventSub through the whole server in demo mode (WebSocket transport, the simulated Twitch
//! mounted in the server): the account page lists each subscription's status as rendered on the
//! server (no JavaScript), and a stream going live is caught up, greeted once in chat and recorded.

mod common;

use std::time::Duration;

use app::model::{AuditAction, AuditQuery};
use app::ssr::Store;
use common::{eventually, log_in, TestServer};
use serde_json::Value;
use server::eventsub::subscribe::base_types;
use server::reconcile::ONLINE_MESSAGE;

/// Only a guard against hangs.
const HANG_GUARD: Duration = Duration::from_secs(60);

async fn account_page(server: &TestServer, browser: &reqwest::Client) -> String {
    let res = browser.get(server.url("/account")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

fn enabled(html: &str, kind: &str) -> bool {
    html.contains(&format!(
        r#"data-subscription="{kind}" data-state="enabled""#
    ))
}

async fn chat(server: &TestServer, channel: &str) -> Vec<String> {
    let res = server
        .http
        .get(server.url(&format!("/twitch-sim/sim/channels/{channel}")))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    body["chat"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_account_page_lists_each_subscription_and_going_live_is_greeted_once() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let html = eventually(
        "every subscription enabled on the page",
        HANG_GUARD,
        || async {
            let html = account_page(&server, &browser).await;
            base_types()
                .iter()
                .all(|kind| enabled(&html, kind))
                .then_some(html)
        },
    )
    .await;
    assert!(html.contains(r#"id="eventsub-subscriptions""#), "{html}");
    assert!(!html.contains(r#"data-state="failed""#), "{html}");

    let store = server.store().await;
    let channel = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let online = server.url(&format!("/twitch-sim/sim/channels/{channel}/online"));
    let res = server.http.post(&online).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let query = AuditQuery {
        action: Some(AuditAction::StreamOnline),
        viewer_id: None,
        before: None,
        limit: 10,
    };
    let entry = eventually("the stream start recorded", HANG_GUARD, || async {
        let page = store.audit_page(&channel, &query).await.unwrap();
        page.entries.into_iter().next()
    })
    .await;
    assert_eq!(entry.metadata["type"], "live");
    assert_eq!(entry.metadata["chat"], "sent", "{}", entry.metadata);
    let greetings = chat(&server, channel.as_str())
        .await
        .into_iter()
        .filter(|m| m == ONLINE_MESSAGE)
        .count();
    assert_eq!(greetings, 1);
    server.stop().await.unwrap();
}
