//! EventSub through the whole server in demo mode (WebSocket transport, the simulated Twitch
//! mounted in the server): the account page lists each subscription's status as rendered on the
//! server (no JavaScript), a stream going live is caught up, greeted once in chat and recorded, and
//! the grant rules turn a shared resubscription, a Power-up, a Combo and a cheer into VIP — the
//! cheer once, though Twitch reports it twice.

use crate::common;

use std::time::Duration;

use app::model::{AuditAction, AuditQuery, ChannelId};
use app::ssr::store::prelude::*;
use common::{eventually, location, log_in, try_get_json, TestServer};
use serde_json::{json, Value};
use server::eventsub::subscriptions::subscribe::base_types;
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

/// `POST /twitch-sim/sim/channels/demo_streamer/{action}`: something a viewer does on Twitch.
async fn on_twitch(server: &TestServer, action: &str, body: Value) {
    let res = server
        .http
        .post(server.url(&format!("/twitch-sim/sim/channels/demo_streamer/{action}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{action}: {}", res.status());
}

/// Waits until `login` is listed as VIP by the REST API; returns the entry.
async fn vip(server: &TestServer, browser: &reqwest::Client, login: &str) -> Value {
    eventually(&format!("{login} is VIP"), HANG_GUARD, || async {
        let vips = try_get_json(browser, &server.url("/api/vip")).await?;
        vips["vips"]
            .as_array()?
            .iter()
            .find(|v| v["user_login"] == login)
            .cloned()
    })
    .await
}

async fn audit_count(
    store: &impl Store,
    channel: &ChannelId,
    action: AuditAction,
    viewer: &str,
) -> usize {
    let query = AuditQuery {
        action: Some(action),
        viewer_id: Some(viewer.to_owned()),
        before: None,
        limit: 100,
    };
    store
        .audit_page(channel, &query)
        .await
        .unwrap()
        .entries
        .len()
}

#[tokio::test]
async fn resubscriptions_power_ups_and_combos_grant_vip_and_a_cheer_grants_once() {
    // No simulated audience: every grant here is one the test caused.
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    // Alice subscribed long before the rules were on.
    on_twitch(&server, "subscribe", json!({"user": "viewer_alice"})).await;

    let rules = json!({ "grant_rules": {
        "subscription": 3600,
        "bits": { "min_bits": 100, "duration": 3600 },
    } });
    let res = browser
        .put(server.url("/api/settings"))
        .json(&rules)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let authorize = log_in_again(&server, &browser).await;
    assert!(authorize.contains("bits%3Aread"), "{authorize}");
    assert!(
        authorize.contains("channel%3Aread%3Asubscriptions"),
        "{authorize}"
    );
    let wanted = [
        "channel.subscription.message",
        "channel.cheer",
        "channel.bits.use",
    ];
    eventually("the rules' subscriptions enabled", HANG_GUARD, || async {
        let enabled = enabled_at_twitch(&server).await?;
        wanted
            .iter()
            .all(|w| enabled.iter().any(|e| e == w))
            .then_some(())
    })
    .await;

    on_twitch(
        &server,
        "resubscribe",
        json!({"user": "viewer_alice", "cumulative_months": 6, "message": "half a year"}),
    )
    .await;
    assert_eq!(
        vip(&server, &browser, "viewer_alice").await["source"],
        "subscription"
    );
    on_twitch(
        &server,
        "power_up",
        json!({"user": "viewer_bob", "type": "gigantify_an_emote", "bits": 100}),
    )
    .await;
    assert_eq!(vip(&server, &browser, "viewer_bob").await["source"], "bits");

    // One cheer (`channel.cheer` and `channel.bits.use`) and one anonymous cheer, then a Combo.
    // Notifications of one socket are handled in order: once the Combo's VIP shows, both cheers'
    // notifications have been handled.
    on_twitch(
        &server,
        "cheer",
        json!({"user": "viewer_carol", "bits": 100, "message": "Cheer100"}),
    )
    .await;
    on_twitch(
        &server,
        "cheer",
        json!({"bits": 500, "message": "Cheer500"}),
    )
    .await;
    on_twitch(
        &server,
        "combo",
        json!({"user": "viewer_dave", "bits": 100}),
    )
    .await;
    assert_eq!(
        vip(&server, &browser, "viewer_dave").await["source"],
        "bits"
    );
    assert_eq!(
        vip(&server, &browser, "viewer_carol").await["source"],
        "bits"
    );

    let store = server.store().await;
    let channel = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let carol = vip(&server, &browser, "viewer_carol").await["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        audit_count(&store, &channel, AuditAction::Grant, &carol).await,
        1
    );
    assert_eq!(
        audit_count(&store, &channel, AuditAction::Extend, &carol).await,
        0
    );
    let vips = try_get_json(&browser, &server.url("/api/vip"))
        .await
        .unwrap();
    let mut logins: Vec<&str> = vips["vips"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["user_login"].as_str())
        .collect();
    logins.sort_unstable();
    // Nobody else: the anonymous cheer's placeholder account least of all.
    assert_eq!(
        logins,
        ["viewer_alice", "viewer_bob", "viewer_carol", "viewer_dave"]
    );
    server.stop().await.unwrap();
}

/// The streamer logs in again, granting the scopes their settings need; returns Twitch's
/// authorisation URL the login sent them to.
async fn log_in_again(server: &TestServer, browser: &reqwest::Client) -> String {
    let res = browser
        .get(server.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let authorize = location(&res).to_owned();
    let res = browser.get(&authorize).send().await.unwrap();
    let res = browser.get(location(&res)).send().await.unwrap();
    assert_eq!(location(&res), "/dashboard");
    authorize
}

/// The types of the subscriptions enabled at the simulated Twitch.
async fn enabled_at_twitch(server: &TestServer) -> Option<Vec<String>> {
    let subs = try_get_json(&server.http, &server.url("/twitch-sim/sim/subscriptions")).await?;
    let enabled = subs["data"]
        .as_array()?
        .iter()
        .filter(|s| s["status"] == "enabled")
        .filter_map(|s| s["type"].as_str().map(str::to_owned))
        .collect();
    Some(enabled)
}

/// A grant rule turned off, or on again with its scopes already granted, changes the channel's
/// subscriptions without a new login or a restart: the started server follows each settings
/// change. (Its check of every channel comes only every ten minutes.)
#[tokio::test]
async fn subscriptions_follow_a_settings_change_without_a_new_login() {
    const GIFTS: &str = "channel.subscription.gift";
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let put_rules = |rules: Value| {
        let req = browser
            .put(server.url("/api/settings"))
            .json(&json!({ "grant_rules": rules }));
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        }
    };
    let gifts = |on: bool| {
        let server = &server;
        async move {
            let what = if on {
                "gift subscriptions followed"
            } else {
                "gift subscriptions dropped"
            };
            eventually(what, HANG_GUARD, || async {
                let enabled = enabled_at_twitch(server).await?;
                (enabled.iter().any(|t| t == GIFTS) == on).then_some(())
            })
            .await;
        }
    };
    let with_gifts = json!({ "subscription": 3600, "gift": { "min_gifts": 1, "duration": 3600 } });

    put_rules(with_gifts.clone()).await;
    log_in_again(&server, &browser).await;
    gifts(true).await;

    put_rules(json!({ "subscription": 3600, "gift": null })).await;
    gifts(false).await;
    put_rules(with_gifts).await;
    gifts(true).await;
    server.stop().await.unwrap();
}
