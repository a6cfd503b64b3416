//! Connecting the app's chat bot: an operator-only login guarded by `BOT_CONNECT_SECRET`.

use app::ssr::store::prelude::*;
use serde_json::{json, Value};

use crate::common::{location, TestServer};

pub const SECRET: &str = "an-operator-secret-of-forty-characters!!";

async fn bot_status(server: &TestServer) -> Value {
    let res = server
        .http
        .get(server.url("/api/chat-bot"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Connects the simulated account `login` as the app's chat bot (the operator's steps); returns
/// its user id.
pub async fn connect_bot(server: &TestServer, login: &str) -> String {
    let res = server
        .http
        .post(server.url("/twitch-sim/sim/users"))
        .json(&json!({ "login": login }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let operator = TestServer::browser();
    let res = operator
        .get(server.url(&format!("/api/auth/bot?secret={SECRET}")))
        .send()
        .await
        .unwrap();
    let res = operator
        .get(format!("{}&login={login}", location(&res)))
        .send()
        .await
        .unwrap();
    let res = operator.get(location(&res)).send().await.unwrap();
    assert_eq!(location(&res), "/settings?bot=connected");
    let status = bot_status(server).await;
    status["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_operator_connects_the_bot_with_the_secret_and_nobody_without_it() {
    let server = TestServer::start_with(&[
        ("DEMO_REDEEM_EVERY_SECS", "86400"),
        ("BOT_CONNECT_SECRET", SECRET),
    ])
    .await;
    let res = server
        .http
        .post(server.url("/twitch-sim/sim/users"))
        .json(&json!({"login": "vipbot"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let browser = TestServer::browser();
    for path in ["/api/auth/bot", "/api/auth/bot?secret=wrong"] {
        let res = browser.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    let almost = format!("/api/auth/bot?secret={}", &SECRET[..SECRET.len() - 1]);
    let res = browser.get(server.url(&almost)).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        bot_status(&server).await,
        json!({"connected": false, "reason": "not_connected"})
    );

    let res = browser
        .get(server.url(&format!("/api/auth/bot?secret={SECRET}")))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let authorize = location(&res);
    assert!(
        authorize.contains("/twitch-sim/oauth2/authorize?"),
        "{authorize}"
    );
    let scope = reqwest::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(scope, "user:read:chat user:write:chat user:bot");
    let res = browser
        .get(format!("{authorize}&login=vipbot"))
        .send()
        .await
        .unwrap();
    let res = browser.get(location(&res)).send().await.unwrap();
    assert_eq!(location(&res), "/settings?bot=connected");

    let status = bot_status(&server).await;
    assert_eq!(status["connected"], true, "{status}");
    assert_eq!(status["login"], "vipbot");
    let sealed = server.store().await.tokens("chat-bot").await.unwrap();
    assert!(sealed.is_some(), "the bot's tokens are stored sealed");
    // The operator's browser is not signed in as the bot.
    let res = browser
        .get(server.url("/api/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn without_a_configured_secret_no_bot_can_be_connected() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let res = server
        .http
        .get(server.url(&format!("/api/auth/bot?secret={SECRET}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "bot_connect_off");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_bot_whose_authorisation_is_gone_is_reported_not_connected_with_the_reason() {
    let server = TestServer::start_with(&[
        ("DEMO_REDEEM_EVERY_SECS", "86400"),
        ("BOT_CONNECT_SECRET", SECRET),
    ])
    .await;
    let status = bot_status(&server).await;
    assert_eq!(status["reason"], "not_connected", "{status}");
    connect_bot(&server, "vipbot").await;
    let res = TestServer::browser()
        .get(server.url(&format!("/api/auth/bot?secret={SECRET}")))
        .send()
        .await
        .unwrap();
    let authorize = location(&res);
    let client_id = authorize
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("client_id="))
        .unwrap()
        .to_owned();
    let res = server
        .http
        .post(server.url("/twitch-sim/sim/authorizations/revoke"))
        .json(&json!({"client_id": client_id, "user": "vipbot"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let status = bot_status(&server).await;
    assert_eq!(status["connected"], false, "{status}");
    assert_eq!(status["reason"], "token_invalid", "{status}");
    server.stop().await.unwrap();
}
