//! Personal API tokens against a real server in demo mode: created through the settings page's
//! server function, used by a script on the REST API and the live stream, listed on the page
//! without the secret, audited by name and prefix, revoked (401 from then on), and confined to
//! their owner's access: another streamer's token is refused on this channel, and no token
//! opens a page or a server function.

use crate::common;
mod no_js;

use std::time::Duration;

use app::model::{is_api_token, AuditAction, AuditEntry, AuditQuery, ChannelId};
use app::server_fns::{CreateApiToken, GetSettings, ListApiTokens, RevokeApiToken};
use app::ssr::store::prelude::*;
use common::{log_in, log_in_as, TestServer};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

/// Calls a server function the way the hydrated page does; returns the status and JSON body.
pub async fn call<S: ServerFn>(
    server: &TestServer,
    client: &reqwest::Client,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let res = client
        .post(server.url(S::PATH))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Creates a token named `name` for the browser's user; returns the token and its id.
pub async fn create(
    server: &TestServer,
    browser: &reqwest::Client,
    name: &str,
) -> (String, String) {
    let (status, body) = call::<CreateApiToken>(server, browser, &[("name", name)]).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(is_api_token(&token), "{token}");
    assert_eq!(body["info"]["name"], name);
    assert_eq!(body["info"]["prefix"], token[..12]);
    (token, body["info"]["id"].as_str().unwrap().to_owned())
}

/// Sends `req` and returns the status and the JSON body (or the text as a JSON string).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

async fn channel_id(server: &TestServer, login: &str) -> ChannelId {
    let store = server.store().await;
    store.channel_by_login(login).await.unwrap().unwrap().id
}

pub async fn audit(server: &TestServer, action: AuditAction) -> Vec<AuditEntry> {
    let id = channel_id(server, "demo_streamer").await;
    let query = AuditQuery {
        action: Some(action),
        viewer_id: None,
        before: None,
        limit: 10,
    };
    let store = server.store().await;
    store.audit_page(&id, &query).await.unwrap().entries
}

#[tokio::test]
async fn a_token_acts_as_its_owner_on_the_api_until_it_is_revoked() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let (token, id) = create(&server, &browser, "Stream Deck").await;
    // The script has no cookies: only the token.
    let script = &server.http;
    let vips = server.url("/api/vip");

    let (status, body) = send(script.get(&vips).bearer_auth(&token)).await;
    assert_eq!((status, &body), (200, &json!({ "vips": [] })));
    let grant = json!({ "user_login": "viewer_bob", "duration_secs": 3600 });
    let (status, body) = send(script.post(&vips).bearer_auth(&token).json(&grant)).await;
    assert_eq!(status, 201, "{body}");
    let (_, body) = send(script.get(&vips).bearer_auth(&token)).await;
    assert_eq!(body["vips"][0]["user_login"], "viewer_bob");
    assert_eq!(body["vips"][0]["granted_by"], "demo_streamer");

    // The live stream accepts it too.
    let mut live = script
        .get(server.url("/api/ws"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let first = tokio::time::timeout(Duration::from_secs(30), live.chunk()).await;
    let first = first.expect("a first event").unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("ready"));
    drop(live);

    // The page lists it by name and prefix, with its use recorded, and never shows the secret.
    let owner = channel_id(&server, "demo_streamer").await;
    let stored = server
        .store()
        .await
        .api_tokens(owner.as_str())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].last_used_at.is_some(), "the use is recorded");
    assert_ne!(stored[0].hash, token, "only a digest is stored");
    let html = send(browser.get(server.url("/settings"))).await.1;
    let html = html.as_str().unwrap();
    assert!(
        html.contains(&format!(r#"data-api-token="{}""#, &token[..12])),
        "{html}"
    );
    assert!(html.contains("Stream Deck") && html.contains("last used"));
    assert!(!html.contains(&token[12..]), "the token is shown once only");

    // The activity log names it, never quotes it.
    let created = audit(&server, AuditAction::ApiTokenCreated).await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].metadata["token_name"], "Stream Deck");
    assert_eq!(created[0].metadata["token_prefix"], token[..12]);
    assert!(!created[0].metadata.to_string().contains(&token[12..]));

    let (status, _) = call::<RevokeApiToken>(&server, &browser, &[("id", &id)]).await;
    assert_eq!(status, 200);
    for req in [
        script.get(&vips).bearer_auth(&token),
        script.post(&vips).bearer_auth(&token).json(&grant),
        script.get(server.url("/api/ws")).bearer_auth(&token),
    ] {
        let (status, body) = send(req).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "unauthorized");
    }
    let revoked = audit(&server, AuditAction::ApiTokenRevoked).await;
    assert_eq!(revoked[0].metadata["token_name"], "Stream Deck");
    // Revoking again finds nothing.
    let (status, _) = call::<RevokeApiToken>(&server, &browser, &[("id", &id)]).await;
    assert!(status >= 400, "{status}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_token_is_read_from_the_authorization_header_only_and_opens_no_page() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let (token, _) = create(&server, &browser, "Streamer.bot").await;
    let script = &server.http;
    let vips = server.url("/api/vip");

    let elsewhere = [
        script.get(format!("{vips}?access_token={token}")),
        script
            .get(&vips)
            .header("cookie", format!("vip_session={token}")),
        script
            .get(&vips)
            .header("authorization", format!("Basic {token}")),
        script.get(&vips).header("authorization", &token),
    ];
    for req in elsewhere {
        assert_eq!(send(req).await.0, 401);
    }
    // A bad token is refused even when a valid login cookie comes along.
    let forged = format!("vipm_{}", "0".repeat(64));
    let res = browser
        .get(&vips)
        .bearer_auth(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));

    // Pages and server functions know only the login session.
    let (status, _) = send(script.get(server.url("/settings")).bearer_auth(&token)).await;
    assert_eq!(status, 401);
    for path in [GetSettings::PATH, ListApiTokens::PATH, CreateApiToken::PATH] {
        let res = script
            .post(server.url(path))
            .bearer_auth(&token)
            .form(&[("name", "more")])
            .send()
            .await
            .unwrap();
        assert!(res.status().as_u16() >= 400, "{path}: {}", res.status());
        assert!(
            !res.text().await.unwrap().contains("Streamer.bot"),
            "{path}"
        );
    }
    let owner = channel_id(&server, "demo_streamer").await;
    let stored = server
        .store()
        .await
        .api_tokens(owner.as_str())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1, "no token was made with a token");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn another_streamers_token_is_forbidden_on_this_channel() {
    let server = TestServer::start().await;
    let streamer = TestServer::browser();
    log_in(&server, &streamer).await;
    let demo = channel_id(&server, "demo_streamer").await;
    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    let (token, _) = create(&server, &other, "Deck").await;
    let script = &server.http;

    let theirs = server.url(&format!("/api/vip?channel={}", demo.as_str()));
    let (status, body) = send(script.get(&theirs).bearer_auth(&token)).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "forbidden");
    let grant = json!({ "user_login": "viewer_bob", "duration_secs": 60 });
    let (status, _) = send(script.post(&theirs).bearer_auth(&token).json(&grant)).await;
    assert_eq!(status, 403);
    let stream = server.url(&format!("/api/ws?channel={}", demo.as_str()));
    assert_eq!(send(script.get(&stream).bearer_auth(&token)).await.0, 403);
    // On its own channel it works, and sees nothing of the demo channel.
    let (status, body) = send(script.get(server.url("/api/vip")).bearer_auth(&token)).await;
    assert_eq!((status, &body), (200, &json!({ "vips": [] })));
    server.stop().await.unwrap();
}
