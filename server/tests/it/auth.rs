//! Login with Twitch end to end, in demo mode against the simulator mounted on the server.

use crate::common;

use app::model::{AuditAction, AuditQuery, ChannelId};
use app::ssr::store::prelude::*;
use common::{location, log_in, TestServer};

#[tokio::test]
async fn login_creates_the_channel_stores_sealed_tokens_and_audits() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    assert_eq!(log_in(&server, &browser).await, "/dashboard");

    let store = server.store().await;
    let channel = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .expect("channel created on first login");
    assert!(!channel.needs_reauth);
    let sealed = store
        .tokens(channel.id.as_str())
        .await
        .unwrap()
        .expect("tokens stored");
    assert!(!sealed.ciphertext.is_empty());
    let page = store
        .audit_page(
            &channel.id,
            &AuditQuery {
                action: Some(AuditAction::Login),
                viewer_id: None,
                before: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_second_login_keeps_settings_and_clears_needs_reauth() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let store = server.store().await;
    let id: ChannelId = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut settings = store.channel(&id).await.unwrap().unwrap().settings;
    settings.public_page = true;
    store.update_settings(&id, &settings).await.unwrap();
    store.set_needs_reauth(&id, true).await.unwrap();

    log_in(&server, &TestServer::browser()).await;
    let channel = store.channel(&id).await.unwrap().unwrap();
    assert!(channel.settings.public_page, "settings survive a login");
    assert!(!channel.needs_reauth);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_callback_with_a_foreign_state_is_refused() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    // This browser started no login: any state is foreign to it.
    let res = browser
        .get(server.url("/api/auth/callback?code=abc&state=forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let store = server.store().await;
    assert!(store.channels().await.unwrap().is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_refused_consent_returns_to_the_start_page() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    browser
        .get(server.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let res = browser
        .get(server.url("/api/auth/callback?error=access_denied&error_description=no"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/?login=refused");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_grant_rule_asks_once_for_its_scope_at_the_next_login() {
    use app::model::{BitsRule, VipDuration};

    let server = TestServer::start().await;
    log_in(&server, &TestServer::browser()).await;
    let store = server.store().await;
    let id = store
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut settings = store.channel(&id).await.unwrap().unwrap().settings;
    settings.grant_rules.bits = Some(BitsRule {
        min_bits: 100,
        duration: VipDuration::from_secs(3_600).unwrap().into(),
    });
    store.update_settings(&id, &settings).await.unwrap();

    // A new browser asks for the required scopes only; the callback sends it back once for more.
    let browser = TestServer::browser();
    assert_eq!(log_in(&server, &browser).await, "/api/auth/login");
    let res = browser
        .get(server.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let authorize = location(&res);
    assert!(authorize.contains("bits%3Aread"), "{authorize}");
    assert!(!authorize.contains("subscriptions"), "{authorize}");
    let res = browser.get(&authorize).send().await.unwrap();
    let res = browser.get(location(&res)).send().await.unwrap();
    assert_eq!(location(&res), "/dashboard");

    let logins = store
        .audit_page(
            &id,
            &AuditQuery {
                action: Some(AuditAction::Login),
                viewer_id: None,
                before: None,
                limit: 10,
            },
        )
        .await
        .unwrap()
        .entries;
    let granted = &logins[0].metadata["scopes"];
    assert!(
        granted.as_array().unwrap().iter().any(|s| s == "bits:read"),
        "{granted}"
    );
    server.stop().await.unwrap();
}
