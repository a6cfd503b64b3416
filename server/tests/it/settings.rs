//! The settings and account pages against a real server in demo mode: settings saved through the
//! server functions (as the hydrated page posts them, and as a plain HTML form without JavaScript),
//! refused input, the activity log, rewards changed on the simulated Twitch, and the scopes the
//! account page lists.

mod api;
use crate::common;

use app::model::{AuditAction, AuditQuery, Channel, SlotsFullPolicy, StackingRule};
use app::server_fns::{CreateReward, DeleteReward, SaveSettings, SetRewardEnabled, UpdateReward};
use app::ssr::store::prelude::*;
use common::{location, log_in, TestServer};
use leptos::server_fn::ServerFn;
use serde_json::Value;

/// A valid settings form, as the page posts it.
fn settings_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("form[default_amount]", "2"),
        ("form[default_unit]", "hours"),
        ("form[stacking]", "reset"),
        ("form[auto_remove]", "on"),
        ("form[slots_full]", "waitlist"),
        ("form[max_wait_amount]", "30"),
        ("form[max_wait_unit]", "minutes"),
        ("form[chat_enabled]", "on"),
        ("form[chat_granted]", "{viewer} is VIP for {duration}"),
        ("form[chat_extended]", "{viewer} +{duration}"),
        ("form[chat_expired]", "bye {viewer}"),
        ("form[chat_refunded]", "sorry {viewer}: {reason}"),
        ("form[public_page]", "on"),
        (
            "form[discord_webhook_url]",
            "https://discord.com/api/webhooks/123/secret-token",
        ),
        ("form[bits_enabled]", "on"),
        ("form[bits_min]", "500"),
        ("form[bits_amount]", "3"),
        ("form[bits_unit]", "hours"),
    ]
}

fn with(
    form: &[(&'static str, &'static str)],
    key: &'static str,
    value: &'static str,
) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = form.iter().filter(|(k, _)| *k != key).copied().collect();
    out.push((key, value));
    out
}

async fn channel(server: &TestServer) -> Channel {
    let store = server.store().await;
    store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
}

async fn settings_audit(server: &TestServer) -> Vec<app::model::AuditEntry> {
    let id = channel(server).await.id;
    let query = AuditQuery {
        action: Some(AuditAction::SettingsChanged),
        viewer_id: None,
        before: None,
        limit: 10,
    };
    let store = server.store().await;
    store.audit_page(&id, &query).await.unwrap().entries
}

/// Calls a server function the way the hydrated page does; returns the status and JSON body.
async fn call<S: ServerFn>(
    server: &TestServer,
    browser: &reqwest::Client,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let res = browser
        .post(server.url(S::PATH))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn page(server: &TestServer, browser: &reqwest::Client, path: &str) -> (u16, String) {
    let res = browser.get(server.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn settings_round_trip_and_are_audited_without_the_webhook_token() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    let (status, _) = page(&server, &browser, "/settings").await;
    assert_eq!(status, 401, "strangers are asked to log in");
    log_in(&server, &browser).await;

    let (status, body) = call::<SaveSettings>(&server, &browser, &settings_form()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["settings"]["default_duration"], 7_200);
    assert_eq!(body["settings"]["discord_webhook_url"], Value::Null);
    assert_eq!(body["webhook_hint"], "…/api/webhooks/123/…");

    let saved = channel(&server).await.settings;
    assert_eq!(saved.default_duration.as_secs(), 7_200);
    assert_eq!(saved.stacking, StackingRule::Reset);
    assert_eq!(saved.slots_full, SlotsFullPolicy::Waitlist);
    assert_eq!(saved.waitlist_max_wait.as_secs(), 1_800);
    assert!(saved.auto_remove && saved.public_page && !saved.moderators_can_manage);
    assert_eq!(saved.chat.expired, "bye {viewer}");
    assert_eq!(saved.grant_rules.bits.unwrap().min_bits, 500);
    assert_eq!(
        saved.discord_webhook_url.as_deref(),
        Some("https://discord.com/api/webhooks/123/secret-token")
    );

    let entries = settings_audit(&server).await;
    assert_eq!(entries.len(), 1);
    let changed = &entries[0].metadata["changed"];
    assert_eq!(changed["default_duration"]["to"], 7_200);
    assert_eq!(changed["stacking"]["from"], "extend");
    assert_eq!(changed["chat.expired"]["to"], "bye {viewer}");
    assert!(!entries[0].metadata.to_string().contains("secret-token"));

    // The page shows what was saved, and never the webhook's token.
    let (status, html) = page(&server, &browser, "/settings").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="default-amount""#), "{html}");
    assert!(html.contains(r#"value="2""#));
    assert!(html.contains(r#"id="stacking-reset" checked"#), "{html}");
    assert!(html.contains("bye {viewer}"));
    assert!(!html.contains("secret-token"));

    // Saving the same form again changes nothing and logs nothing; a blank webhook keeps it.
    let same = with(&settings_form(), "form[discord_webhook_url]", "");
    let (status, _) = call::<SaveSettings>(&server, &browser, &same).await;
    assert_eq!(status, 200);
    assert_eq!(settings_audit(&server).await.len(), 1);
    assert!(channel(&server)
        .await
        .settings
        .discord_webhook_url
        .is_some());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn bad_settings_are_refused_with_a_reason_and_nothing_is_saved() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let before = channel(&server).await.settings;

    let zero = with(&settings_form(), "form[default_amount]", "0");
    let (status, body) = call::<SaveSettings>(&server, &browser, &zero).await;
    assert!(status >= 400, "{status}");
    assert!(body.to_string().contains("at least one second"), "{body}");
    let bad_url = with(
        &settings_form(),
        "form[discord_webhook_url]",
        "https://example.com/api/webhooks/1/x",
    );
    let (status, body) = call::<SaveSettings>(&server, &browser, &bad_url).await;
    assert!(status >= 400, "{status}");
    assert!(body.to_string().contains("Discord webhook"), "{body}");

    // Without JavaScript: the form posts, the server redirects back and the page shows the error.
    let res = browser
        .post(server.url(SaveSettings::PATH))
        .header("accept", "text/html")
        .header("referer", server.url("/settings"))
        .form(&bad_url)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = location(&res);
    assert!(back.contains("/settings"), "{back}");
    let html = browser
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("the Discord webhook must look like"),
        "{html}"
    );

    assert_eq!(channel(&server).await.settings, before, "nothing saved");
    assert!(settings_audit(&server).await.is_empty());
    server.stop().await.unwrap();
}

async fn sim_reward(server: &TestServer, id: &str) -> Option<Value> {
    let channel: Value = server
        .http
        .get(server.url("/twitch-sim/sim/channels/demo_streamer"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    channel["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
}

fn reward_form(title: &'static str, cost: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("form[title]", title),
        ("form[cost]", cost),
        ("form[prompt]", "VIP, timed"),
        ("form[amount]", "90"),
        ("form[unit]", "minutes"),
        ("form[cooldown_minutes]", "5"),
        ("form[max_per_stream]", ""),
        ("form[max_per_user_per_stream]", "1"),
        ("form[enabled]", "on"),
    ]
}

#[tokio::test]
async fn rewards_are_created_changed_switched_and_deleted_on_twitch() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;

    let (status, reward) =
        call::<CreateReward>(&server, &browser, &reward_form("VIP for a while", "1500")).await;
    assert_eq!(status, 200, "{reward}");
    let id = reward["id"].as_str().unwrap().to_owned();
    assert_eq!(reward["duration"], 5_400);
    let on_twitch = sim_reward(&server, &id).await.expect("created on Twitch");
    assert_eq!(on_twitch["title"], "VIP for a while");
    assert_eq!(on_twitch["cost"], 1_500);
    assert_eq!(
        on_twitch["global_cooldown_setting"]["global_cooldown_seconds"],
        300
    );
    assert_eq!(
        on_twitch["max_per_user_per_stream_setting"]["max_per_user_per_stream"],
        1
    );
    let (_, html) = page(&server, &browser, "/settings").await;
    assert!(html.contains(r#"data-reward="VIP for a while""#), "{html}");

    let mut edit = reward_form("VIP, longer", "2500");
    edit.push(("reward_id", id.as_str()));
    let (status, body) = call::<UpdateReward>(&server, &browser, &edit).await;
    assert_eq!(status, 200, "{body}");
    let on_twitch = sim_reward(&server, &id).await.unwrap();
    assert_eq!(on_twitch["title"], "VIP, longer");
    assert_eq!(on_twitch["cost"], 2_500);

    let off = [("reward_id", id.as_str()), ("enabled", "false")];
    let (status, body) = call::<SetRewardEnabled>(&server, &browser, &off).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sim_reward(&server, &id).await.unwrap()["is_enabled"], false);
    assert_eq!(
        sim_reward(&server, &id).await.unwrap()["title"],
        "VIP, longer"
    );

    let bad = reward_form("", "0");
    let (status, body) = call::<CreateReward>(&server, &browser, &bad).await;
    assert!(
        status >= 400 && body.to_string().contains("title"),
        "{body}"
    );

    let (status, _) = call::<DeleteReward>(&server, &browser, &[("reward_id", id.as_str())]).await;
    assert_eq!(status, 200);
    assert!(
        sim_reward(&server, &id).await.is_none(),
        "deleted on Twitch"
    );
    let store = server.store().await;
    assert!(store.reward(&id).await.unwrap().is_none());
    server.stop().await.unwrap();
}

/// Logs in like [`log_in`], but consents to every scope except `drop`.
async fn log_in_without(server: &TestServer, browser: &reqwest::Client, drop: &str) {
    let res = browser
        .get(server.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let authorize = location(&res);
    let encoded = drop.replace(':', "%3A");
    let narrowed = authorize
        .replace(&format!("+{encoded}"), "")
        .replace(&format!("%20{encoded}"), "");
    assert_ne!(narrowed, authorize, "{authorize}");
    let res = browser.get(&narrowed).send().await.unwrap();
    let callback = location(&res);
    let res = browser.get(&callback).send().await.unwrap();
    assert_eq!(location(&res), "/dashboard");
}

#[tokio::test]
async fn the_account_page_asks_for_the_scope_a_grant_rule_needs() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let res = browser
        .put(server.url("/api/settings"))
        .json(&serde_json::json!({ "grant_rules": { "subscription": 86400 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (_, html) = page(&server, &browser, "/account").await;
    assert!(
        html.contains(r#"data-scope="channel:read:subscriptions" data-granted="false""#),
        "{html}"
    );
    assert!(html.contains("grant VIP for subscriptions, resubscriptions and gifted subs"));
    assert!(html.contains(r#"id="reauth-prompt""#));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_account_page_lists_scopes_and_asks_to_reauthorise_when_one_is_missing() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    let (status, _) = page(&server, &browser, "/account").await;
    assert_eq!(status, 401);

    log_in_without(&server, &browser, "user:write:chat").await;
    let (status, html) = page(&server, &browser, "/account").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"data-scope="user:write:chat" data-granted="false""#),
        "{html}"
    );
    assert!(html.contains(r#"data-scope="channel:manage:vips" data-granted="true""#));
    assert!(
        html.contains("announce grants and refunds in chat"),
        "reasons shown"
    );
    assert!(html.contains(r#"id="reauth-prompt""#));
    assert!(html.contains(r#"href="/api/auth/login?force=true""#));
    assert!(html.contains("Demo_streamer") || html.contains("demo_streamer"));

    // With every scope granted the prompt goes away.
    log_in(&server, &browser).await;
    let (_, html) = page(&server, &browser, "/account").await;
    assert!(!html.contains(r#"data-granted="false""#), "{html}");
    assert!(!html.contains(r#"id="reauth-prompt""#));
    assert!(html.contains(r#"id="token-health""#));
    server.stop().await.unwrap();
}
