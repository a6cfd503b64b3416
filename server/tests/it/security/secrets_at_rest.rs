//! A channel's Discord webhook URL is stored sealed with the token keys: the database holds no URL
//! in clear, the app reads it back as it was, and a URL stored in clear by an older version still
//! works and is sealed the next time the settings are saved.

use serde_json::{json, Value};

use crate::common::{log_in, TestServer};
use crate::security::support::send;

/// The demo channel's settings exactly as the database holds them.
async fn raw_settings(server: &TestServer) -> String {
    let pool = sqlx::SqlitePool::connect(&server.database_url)
        .await
        .unwrap();
    let raw = sqlx::query_scalar("SELECT settings FROM channels WHERE login = 'demo_streamer'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    raw
}

/// Writes `url` into the demo channel's settings in clear, as an older version did.
async fn store_in_clear(server: &TestServer, url: &str) {
    let pool = sqlx::SqlitePool::connect(&server.database_url)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE channels SET settings = json_set(settings, '$.discord_webhook_url', ?1)
         WHERE login = 'demo_streamer'",
    )
    .bind(url)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

async fn hint(server: &TestServer, browser: &reqwest::Client) -> Value {
    let reply = send(browser.get(server.url("/api/settings"))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["discord_webhook_hint"].clone()
}

#[tokio::test]
async fn discord_webhooks_are_stored_sealed_and_clear_ones_still_work() {
    let server = TestServer::start().await;
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let settings = server.url("/api/settings");

    let webhook = "https://discord.com/api/webhooks/42/very-secret-token";
    let reply = send(
        browser
            .put(&settings)
            .json(&json!({ "discord_webhook_url": webhook })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let raw = raw_settings(&server).await;
    assert!(
        !raw.contains("very-secret-token") && !raw.contains("discord.com"),
        "{raw}"
    );
    assert!(raw.contains("sealed:v1:"), "{raw}");
    assert_eq!(hint(&server, &browser).await, "…/api/webhooks/42/…");
    let stored = server.store().await;
    let channel = app::ssr::store::ChannelStore::channel_by_login(&stored, "demo_streamer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        channel.settings.discord_webhook_url.as_deref(),
        Some(webhook)
    );

    // A row an older version wrote in clear is read as it is, and sealed at the next save.
    store_in_clear(
        &server,
        "https://discord.com/api/webhooks/77/old-clear-token",
    )
    .await;
    assert_eq!(hint(&server, &browser).await, "…/api/webhooks/77/…");
    let reply = send(browser.put(&settings).json(&json!({ "public_page": true }))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let raw = raw_settings(&server).await;
    assert!(
        !raw.contains("old-clear-token") && raw.contains("sealed:v1:"),
        "{raw}"
    );
    assert_eq!(hint(&server, &browser).await, "…/api/webhooks/77/…");
    server.stop().await.unwrap();
}
