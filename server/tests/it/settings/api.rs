//! `GET|PUT /api/settings` and `GET /api/settings/scopes` over HTTP: partial updates, the webhook
//! kept secret, refusals as the API's JSON errors, and nobody else's settings.

use app::ssr::store::prelude::*;
use serde_json::{json, Value};

use crate::common::{log_in, log_in_as, TestServer};

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
async fn settings_are_read_and_changed_field_by_field() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    let url = server.url("/api/settings");
    assert_eq!(send(browser.get(&url)).await.0, 401);
    log_in(&server, &browser).await;

    let (status, before) = send(browser.get(&url)).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["public_page"], false);
    assert_eq!(before["discord_webhook_hint"], Value::Null);

    let webhook = "https://discord.com/api/webhooks/42/very-secret";
    let change = json!({
        "public_page": true,
        "default_duration": 7200,
        "chat": { "granted": "{viewer} is VIP!" },
        "discord_webhook_url": webhook,
    });
    let (status, saved) = send(browser.put(&url).json(&change)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["public_page"], true);
    assert_eq!(saved["default_duration"], 7200);
    assert_eq!(saved["chat"]["granted"], "{viewer} is VIP!");
    assert_eq!(saved["chat"]["expired"], before["chat"]["expired"]);
    assert!(!saved.to_string().contains("very-secret"), "{saved}");
    assert_eq!(saved["discord_webhook_hint"], "…/api/webhooks/42/…");

    // What GET shows saves back unchanged, the webhook included.
    let (_, shown) = send(browser.get(&url)).await;
    assert_eq!(shown, saved);
    assert_eq!(
        send(browser.put(&url).json(&shown)).await,
        (200, saved.clone())
    );
    let stored = server
        .store()
        .await
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.settings.discord_webhook_url.as_deref(),
        Some(webhook)
    );

    for (body, word) in [
        (json!({ "default_duration": 0 }), "default_duration"),
        (json!({ "stacking": "sideways" }), "stacking"),
        (json!({ "no_such_setting": 1 }), "no_such_setting"),
    ] {
        let (status, err) = send(browser.put(&url).json(&body)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(err["error"], "invalid_request");
        assert!(err["message"].as_str().unwrap().contains(word), "{err}");
    }
    let (status, err) = send(
        browser
            .put(&url)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!((status, &err["error"]), (400, &json!("invalid_request")));
    assert_eq!(
        send(browser.get(&url)).await.1,
        saved,
        "refusals saved nothing"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn scopes_list_granted_required_and_missing() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    let url = server.url("/api/settings/scopes");
    assert_eq!(send(browser.get(&url)).await.0, 401);
    log_in(&server, &browser).await;
    let (status, scopes) = send(browser.get(&url)).await;
    assert_eq!(status, 200, "{scopes}");
    let required = scopes["required"].as_array().unwrap();
    let granted = scopes["granted"].as_array().unwrap();
    assert!(required.contains(&json!("channel:manage:vips")));
    assert!(required.iter().all(|s| granted.contains(s)));
    assert_eq!(scopes["missing"], json!([]));

    // A bits rule needs a scope the first login did not ask for.
    let rule = json!({ "grant_rules": { "bits": { "min_bits": 500, "duration": 3600 } } });
    let (status, body) = send(browser.put(server.url("/api/settings")).json(&rule)).await;
    assert_eq!(status, 200, "{body}");
    let (_, scopes) = send(browser.get(&url)).await;
    assert_eq!(scopes["missing"], json!(["bits:read"]), "{scopes}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn grant_rules_may_last_until_the_stream_ends() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let url = server.url("/api/settings");
    let rules = json!({ "grant_rules": {
        "subscription": "stream_end",
        "gift": { "min_gifts": 5, "duration": "stream_end" },
        "bits": { "min_bits": 500, "duration": 3600 },
    } });
    let (status, saved) = send(browser.put(&url).json(&rules)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["grant_rules"], rules["grant_rules"], "{saved}");
    let (_, shown) = send(browser.get(&url)).await;
    assert_eq!(shown["grant_rules"], rules["grant_rules"]);
    for bad in [json!("forever"), json!(0), json!(-1)] {
        let body = json!({ "grant_rules": { "subscription": bad } });
        let (status, err) = send(browser.put(&url).json(&body)).await;
        assert_eq!(status, 400, "{bad}: {err}");
        assert!(
            err["message"].as_str().unwrap().contains("grant_rules"),
            "{err}"
        );
    }
    let (_, kept) = send(browser.get(&url)).await;
    assert_eq!(kept["grant_rules"], rules["grant_rules"], "nothing changed");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn another_streamer_cannot_read_or_change_these_settings() {
    let server = TestServer::start().await;
    let demo = TestServer::browser();
    log_in(&server, &demo).await;
    let (_, mine) = send(demo.get(server.url("/api/settings"))).await;
    let other = TestServer::browser();
    log_in_as(&server, &other, "other_streamer").await;
    let channel = server
        .store()
        .await
        .channel_by_login("demo_streamer")
        .await
        .unwrap()
        .unwrap()
        .id;

    for path in ["/api/settings", "/api/settings/scopes"] {
        let url = server.url(&format!("{path}?channel={channel}"));
        assert_eq!(send(other.get(&url)).await.0, 403, "{path}");
    }
    let url = server.url(&format!("/api/settings?channel={channel}"));
    let (status, _) = send(other.put(&url).json(&json!({ "public_page": true }))).await;
    assert_eq!(status, 403);
    let (status, theirs) = send(other.get(server.url("/api/settings"))).await;
    assert_eq!(status, 200, "their own settings");
    assert_eq!(theirs["public_page"], false);
    assert_eq!(send(demo.get(server.url("/api/settings"))).await.1, mine);
    server.stop().await.unwrap();
}
