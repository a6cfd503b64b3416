//! The EventSub webhook behind the HTTP surface's protections: junk posts spend only their own
//! client's budget and never Twitch's signed deliveries', bodies over 64 KiB are refused before
//! their signature is computed, and timestamps from the future are refused.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;

use app::ssr::events::{EventSink, TwitchEvent};
use chrono::{Duration, SecondsFormat, Utc};
use server::config::Config;
use server::eventsub::inbox::{inbox, InboxSettings};
use server::eventsub::webhook::verify::sign;
use server::eventsub::{webhook, WebhookState, WEBHOOK_PATH};
use server::Security;

use crate::security::support::{send, Reply};

const SECRET: &str = "a-webhook-secret-of-some-length";
const CHALLENGE: &str = include_str!("../../../sim/fixtures/webhook_callback_verification.json");

struct Ignore;

#[async_trait::async_trait]
impl EventSink for Ignore {
    async fn deliver(&self, _event: TwitchEvent) {}
}

/// The webhook route with the server's protections, configured by `vars`, on port 0.
struct Endpoint {
    url: String,
    http: reqwest::Client,
    _data: tempfile::TempDir,
}

async fn endpoint(vars: &[(&'static str, &'static str)]) -> Endpoint {
    let vars = vars.to_vec();
    let config = Config::from_lookup(&move |key| {
        vars.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_owned())
    })
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/vip.db", data.path().display());
    let store: Arc<dyn app::ssr::Store> =
        Arc::new(server::store::SqliteStore::connect(&url).await.unwrap());
    let (intake, _processor) = inbox(store.clone(), InboxSettings::new("test"));
    let state = WebhookState::new(SECRET.into(), store, Arc::new(Ignore), intake);
    let app: axum::Router = webhook::router(state);
    let app = Security::new(&config.security, &config.twitch).protect(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .into_future(),
    );
    Endpoint {
        url: format!("http://{addr}{WEBHOOK_PATH}"),
        http: reqwest::Client::new(),
        _data: data,
    }
}

fn stamp(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// A verification challenge as Twitch sends it, signed with `secret`, stamped `timestamp`.
async fn challenge(e: &Endpoint, secret: &str, timestamp: &str, body: &str) -> Reply {
    let id = uuid::Uuid::new_v4().to_string();
    send(
        e.http
            .post(&e.url)
            .header("Content-Type", "application/json")
            .header("Twitch-Eventsub-Message-Id", &id)
            .header("Twitch-Eventsub-Message-Retry", "0")
            .header(
                "Twitch-Eventsub-Message-Type",
                "webhook_callback_verification",
            )
            .header("Twitch-Eventsub-Message-Timestamp", timestamp)
            .header(
                "Twitch-Eventsub-Message-Signature",
                sign(secret.as_bytes(), &id, timestamp, body.as_bytes()),
            )
            .body(body.to_owned()),
    )
    .await
}

#[tokio::test]
async fn junk_posts_never_spend_the_budget_of_signed_deliveries() {
    let e = endpoint(&[("RATE_LIMIT_WEBHOOK_PER_IP", "3/h")]).await;
    let now = stamp(Utc::now());
    // Signed deliveries are never counted.
    for _ in 0..5 {
        let reply = challenge(&e, SECRET, &now, CHALLENGE).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    // Three unverified posts: unsigned, and signed with the wrong secret.
    assert_eq!(send(e.http.post(&e.url).body("junk")).await.status, 403);
    for _ in 0..2 {
        let reply = challenge(&e, "not-the-secret-at-all", &now, CHALLENGE).await;
        assert_eq!(reply.status, 403);
    }
    // The same client's junk is now refused as too many…
    let reply = send(e.http.post(&e.url).body("junk")).await;
    assert_eq!(reply.status, 429);
    assert!(reply.header("retry-after").is_some());
    // …while Twitch's signed deliveries from the same address still get through.
    let reply = challenge(&e, SECRET, &now, CHALLENGE).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, "pogchamp-kappa-360noscope-vohiyo");
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused_before_the_signature() {
    let e = endpoint(&[]).await;
    let now = stamp(Utc::now());
    let padded = |total: usize| format!("{CHALLENGE}{}", " ".repeat(total - CHALLENGE.len()));
    let reply = challenge(&e, SECRET, &now, &padded(64 * 1024)).await;
    assert_eq!(reply.status, 200, "64 KiB is accepted");
    let reply = challenge(&e, SECRET, &now, &padded(64 * 1024 + 1)).await;
    assert_eq!(reply.status, 413);
}

#[tokio::test]
async fn timestamps_from_the_future_are_refused() {
    let e = endpoint(&[]).await;
    let ahead = stamp(Utc::now() + Duration::minutes(5));
    assert_eq!(challenge(&e, SECRET, &ahead, CHALLENGE).await.status, 403);
    let slightly = stamp(Utc::now() + Duration::seconds(5));
    assert_eq!(
        challenge(&e, SECRET, &slightly, CHALLENGE).await.status,
        200
    );
}
