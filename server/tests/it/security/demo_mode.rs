//! Demo mode, reachable by anyone who can reach the server, hurts nobody: its OAuth client sends
//! browsers back to this server only (no open redirect), its simulated Twitch creates no webhook
//! subscriptions (no POST to a port a caller names), and it refuses a database with real channels.

use app::model::{Channel, ChannelId, Settings};
use app::ssr::store::prelude::*;
use server::config::Config;

use crate::common::TestServer;
use crate::security::support::send;

const DEMO_CLIENT: &str = "simdemoclient00000000000000000";
const DEMO_SECRET: &str = "simdemosecret0000000000000000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_login_redirects_to_this_server_only() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let authorize = |redirect: &str| {
        server
            .http
            .get(server.url("/twitch-sim/oauth2/authorize"))
            .query(&[
                ("client_id", DEMO_CLIENT),
                ("redirect_uri", redirect),
                ("response_type", "code"),
                ("scope", "channel:manage:vips"),
                ("state", "s"),
            ])
    };
    let reply = send(authorize("https://evil.example/steal")).await;
    assert_eq!(reply.status, 400, "{:?} {}", reply.headers, reply.body);
    assert!(reply.header("location").is_none());
    let own = server.url("/api/auth/callback");
    let reply = send(authorize(&own)).await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    assert!(reply.header("location").unwrap().starts_with(&own));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_never_posts_to_a_callback_a_caller_names() {
    let server = TestServer::start_with(&[("DEMO_REDEEM_EVERY_SECS", "86400")]).await;
    let token = send(
        server
            .http
            .post(server.url("/twitch-sim/oauth2/token"))
            .form(&[
                ("client_id", DEMO_CLIENT),
                ("client_secret", DEMO_SECRET),
                ("grant_type", "client_credentials"),
            ]),
    )
    .await;
    assert_eq!(token.status, 200, "{}", token.body);
    let token = token.json()["access_token"].as_str().unwrap().to_owned();
    for callback in ["http://127.0.0.1:6379/", "https://internal.example/hook"] {
        let reply = send(
            server
                .http
                .post(server.url("/twitch-sim/helix/eventsub/subscriptions"))
                .bearer_auth(&token)
                .header("client-id", DEMO_CLIENT)
                .json(&serde_json::json!({
                    "type": "user.authorization.revoke",
                    "version": "1",
                    "condition": { "client_id": DEMO_CLIENT },
                    "transport": {
                        "method": "webhook",
                        "callback": callback,
                        "secret": "0123456789abcdef"
                    }
                })),
        )
        .await;
        assert_eq!(reply.status, 400, "{callback}: {}", reply.body);
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_refuses_a_database_with_real_channels() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/vip.db", data.path().display());
    let store = server::store::SqliteStore::connect(&url).await.unwrap();
    store
        .save_channel(&Channel {
            id: ChannelId("987654321".into()),
            login: "real_streamer".into(),
            display_name: "Real_Streamer".into(),
            profile_image_url: None,
            settings: Settings::default(),
            needs_reauth: false,
        })
        .await
        .unwrap();
    let lookup = url.clone();
    let config = Config::from_lookup(&move |key| match key {
        "DATABASE_URL" => Some(lookup.clone()),
        "DEMO" => Some("1".into()),
        _ => None,
    })
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        server::run(config, listener, std::future::pending()),
    )
    .await
    .expect("the demo refuses at once instead of serving");
    let message = format!("{:#}", outcome.unwrap_err());
    assert!(message.contains("real_streamer"), "{message}");
}
