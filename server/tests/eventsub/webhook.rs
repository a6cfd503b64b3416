//! The webhook handler: the simulator's signed deliveries and hand-signed requests.

use std::future::IntoFuture;
use std::time::Duration;

use app::ssr::events::TwitchEvent;
use chrono::{SecondsFormat, Utc};
use secrecy::SecretString;
use server::config::EventSubTransport;
use server::eventsub::verify::sign;
use server::eventsub::{webhook, ChannelState, WebhookState, WebhookTarget, WEBHOOK_PATH};

use super::harness::{eventually, Harness};

const SECRET: &str = "a-webhook-secret-of-some-length";
const REDEMPTION: &str =
    include_str!("../fixtures/eventsub/eventsub_redemption_add_notification.webhook_body.json");
const CHALLENGE: &str = include_str!("../fixtures/eventsub/webhook_callback_verification.json");

/// Serves the webhook route on port 0; returns the callback URL.
async fn serve(h: &Harness) -> String {
    let state = WebhookState::new(SECRET.into(), h.store.clone(), h.sink.clone());
    let app: axum::Router = webhook::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app).into_future());
    format!("http://{addr}{WEBHOOK_PATH}")
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// POSTs `body` as Twitch would, signed with `secret`.
async fn post(
    url: &str,
    id: &str,
    kind: &str,
    timestamp: &str,
    body: &str,
    secret: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .header("Twitch-Eventsub-Message-Id", id)
        .header("Twitch-Eventsub-Message-Retry", "0")
        .header("Twitch-Eventsub-Message-Type", kind)
        .header("Twitch-Eventsub-Message-Timestamp", timestamp)
        .header(
            "Twitch-Eventsub-Message-Signature",
            sign(secret.as_bytes(), id, timestamp, body.as_bytes()),
        )
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn simulator_deliveries_are_verified_and_delivered() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let callback = serve(&h).await;
    let mut settings = h.settings(Duration::from_secs(2));
    settings.transport = EventSubTransport::Webhook;
    settings.webhook = Some(WebhookTarget {
        callback: callback.clone(),
        secret: SecretString::from(SECRET),
    });
    let supervisor = h.supervisor(settings);
    assert_eq!(supervisor.start().await.unwrap(), 1);

    // 6 channel types + user.authorization.revoke, each enabled only after its challenge was echoed.
    eventually("webhook subscriptions enabled", || {
        h.enabled_subscriptions().len() == 7
    })
    .await;
    let subs = h.subscriptions();
    assert_eq!(subs.len(), 7);
    assert!(subs
        .iter()
        .all(|s| s["transport"]["callback"] == callback.as_str()));
    assert!(subs.iter().any(|s| s["type"] == "user.authorization.revoke"
        && s["condition"]["client_id"] == h.client_id.as_str()));
    let channel = h.channel();
    eventually("connected", || {
        supervisor.state(&channel) == Some(ChannelState::Connected)
    })
    .await;

    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    assert_eq!(h.sink.redemptions(), [redemption]);

    h.sim
        .revoke_authorization(&h.client_id, &h.streamer.id)
        .unwrap();
    let streamer = h.streamer.id.clone();
    h.sink
        .wait_until("authorization revoked", |events| {
            events.iter().any(|e| {
                matches!(e, TwitchEvent::AuthorizationRevoked { user_id } if *user_id == streamer)
            })
        })
        .await;
    // Every webhook request the simulator made was answered 2xx at the first attempt.
    assert!(h
        .sim
        .webhook_log()
        .iter()
        .all(|a| a.retry == 0 && a.status.is_some_and(|s| (200..300).contains(&s))));
    h.stop().await;
}

#[tokio::test]
async fn duplicates_are_acknowledged_but_delivered_once() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let url = serve(&h).await;
    let ts = now();
    for _ in 0..2 {
        let res = post(&url, "dup-1", "notification", &ts, REDEMPTION, SECRET).await;
        assert_eq!(res.status(), 204);
    }
    let other = post(&url, "dup-2", "notification", &now(), REDEMPTION, SECRET).await;
    assert_eq!(other.status(), 204);
    // Two message ids, one dropped as a duplicate: the engine dedupes the redemption id itself.
    assert_eq!(h.sink.redemptions().len(), 2);
    h.stop().await;
}

#[tokio::test]
async fn challenge_is_echoed_as_plain_text() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let url = serve(&h).await;
    let res = post(
        &url,
        "c-1",
        "webhook_callback_verification",
        &now(),
        CHALLENGE,
        SECRET,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/plain"
    );
    assert_eq!(
        res.text().await.unwrap(),
        "pogchamp-kappa-360noscope-vohiyo"
    );
    h.stop().await;
}

#[tokio::test]
async fn forged_stale_and_malformed_requests_are_rejected() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let url = serve(&h).await;

    let forged = post(
        &url,
        "f-1",
        "notification",
        &now(),
        REDEMPTION,
        "not-the-secret-at-all",
    )
    .await;
    assert_eq!(forged.status(), 403);

    let stale =
        (Utc::now() - chrono::Duration::minutes(11)).to_rfc3339_opts(SecondsFormat::Nanos, true);
    let old = post(&url, "f-2", "notification", &stale, REDEMPTION, SECRET).await;
    assert_eq!(old.status(), 403);

    let ahead =
        (Utc::now() + chrono::Duration::minutes(11)).to_rfc3339_opts(SecondsFormat::Nanos, true);
    let future = post(&url, "f-3", "notification", &ahead, REDEMPTION, SECRET).await;
    assert_eq!(future.status(), 403);

    let malformed = post(
        &url,
        "f-4",
        "notification",
        &now(),
        "{\"subscription\":",
        SECRET,
    )
    .await;
    assert_eq!(malformed.status(), 400);

    let unsigned = reqwest::Client::new()
        .post(&url)
        .header("Twitch-Eventsub-Message-Type", "notification")
        .body(REDEMPTION)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);

    // A byte changed after signing.
    let ts = now();
    let tampered = REDEMPTION.replace("pogchamp", "pogchamq");
    let res = reqwest::Client::new()
        .post(&url)
        .header("Twitch-Eventsub-Message-Id", "f-5")
        .header("Twitch-Eventsub-Message-Type", "notification")
        .header("Twitch-Eventsub-Message-Timestamp", &ts)
        .header(
            "Twitch-Eventsub-Message-Signature",
            sign(SECRET.as_bytes(), "f-5", &ts, REDEMPTION.as_bytes()),
        )
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    assert!(h.sink.events().is_empty(), "nothing was delivered");
    // A rejected message id was not remembered: the genuine message still goes through.
    let genuine = post(&url, "f-1", "notification", &now(), REDEMPTION, SECRET).await;
    assert_eq!(genuine.status(), 204);
    assert_eq!(h.sink.redemptions().len(), 1);
    h.stop().await;
}
