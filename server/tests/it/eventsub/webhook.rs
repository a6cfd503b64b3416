//! The webhook transport: the simulator's signed deliveries and hand-signed requests; each
//! subscription's status read back from Twitch; unwatching and a revoked authorisation delete the
//! channel's subscriptions at Twitch.

use app::model::EventSubConnection;
use std::future::IntoFuture;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use app::model::{ChannelId, SubscriptionState};
use app::ssr::events::TwitchEvent;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use chrono::{SecondsFormat, Utc};
use secrecy::SecretString;
use serde_json::Value;
use server::config::EventSubTransport;
use server::eventsub::subscriptions::subscribe::base_types;
use server::eventsub::supervisor::settings::callback_version;
use server::eventsub::webhook::verify::sign;
use server::eventsub::{webhook, EventSubSupervisor, WebhookState, WebhookTarget, WEBHOOK_PATH};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use super::harness::{eventually, Harness, HANG_GUARD};

const SECRET: &str = "a-webhook-secret-of-some-length";
const REDEMPTION: &str =
    include_str!("../../../sim/fixtures/eventsub_redemption_add_notification.webhook_body.json");
const CHALLENGE: &str = include_str!("../../../sim/fixtures/webhook_callback_verification.json");

/// Serves the webhook route on port 0; returns the callback URL.
async fn serve(h: &Harness) -> String {
    let (_, intake) = h.supervisor_with_intake(h.settings(Duration::from_secs(2)));
    let state = WebhookState::new(SECRET.into(), h.store.clone(), h.sink.clone(), intake);
    let app: axum::Router = webhook::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app).into_future());
    format!("http://{addr}{WEBHOOK_PATH}")
}

/// A webhook-transport supervisor whose callback is served on port 0 by a handler that tells it of
/// `stream.online`, revocations and revoked authorisations. Returns it with the callback URL.
pub async fn webhook_supervisor(
    h: &Harness,
    status_poll: Duration,
) -> (EventSubSupervisor, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callback = format!("http://{}{WEBHOOK_PATH}", listener.local_addr().unwrap());
    let mut settings = h.settings(Duration::from_secs(2));
    settings.transport = EventSubTransport::Webhook;
    settings.status_poll = status_poll;
    settings.webhook = Some(WebhookTarget {
        callback: callback.clone(),
        secret: SecretString::from(SECRET),
    });
    let (supervisor, intake) = h.supervisor_with_intake(settings);
    let state = WebhookState::new(SECRET.into(), h.store.clone(), h.sink.clone(), intake)
        .with_supervisor(supervisor.clone());
    let app: axum::Router = webhook::router(state);
    tokio::spawn(axum::serve(listener, app).into_future());
    (supervisor, callback)
}

/// The simulator's subscriptions for the channel (every status), by id.
fn channel_subscriptions(h: &Harness) -> Vec<Value> {
    h.subscriptions()
        .into_iter()
        .filter(|s| s["condition"]["broadcaster_user_id"] == h.streamer.id.as_str())
        .collect()
}

fn ids(subs: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = subs
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort_unstable();
    ids
}

/// Whether the supervisor reports every wanted type enabled, with the simulator's ids.
fn all_enabled(h: &Harness, supervisor: &EventSubSupervisor, channel: &ChannelId) -> bool {
    let reported = supervisor.subscriptions(channel);
    let mut reported_ids: Vec<String> = reported.iter().filter_map(|s| s.id.clone()).collect();
    reported_ids.sort_unstable();
    reported.len() == base_types().len()
        && reported
            .iter()
            .all(|s| s.state == SubscriptionState::Enabled)
        && reported_ids == ids(&channel_subscriptions(h))
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

    // The channel's types + user.authorization.revoke, each enabled only after its challenge was
    // echoed.
    let wanted = base_types().len() + 1;
    eventually("webhook subscriptions enabled", || {
        h.enabled_subscriptions().len() == wanted
    })
    .await;
    let subs = h.subscriptions();
    assert_eq!(subs.len(), wanted);
    assert!(subs
        .iter()
        .all(|s| s["transport"]["callback"] == callback.as_str()));
    assert!(subs.iter().any(|s| s["type"] == "user.authorization.revoke"
        && s["condition"]["client_id"] == h.client_id.as_str()));
    let channel = h.channel();
    eventually("connected", || {
        supervisor.state(&channel) == Some(EventSubConnection::Connected)
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
    h.inbox_settled().await;
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
    // Readable JSON, but the event lacks what its type documents.
    let shapeless = REDEMPTION.replace("\"reward\"", "\"not_a_reward\"");
    assert_ne!(shapeless, REDEMPTION);
    let res = post(&url, "f-6", "notification", &now(), &shapeless, SECRET).await;
    assert_eq!(res.status(), 400);

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

    // Refused before the inbox: nothing was stored, so nothing can be delivered later.
    assert!(h.store.inbox_channels(10).await.unwrap().is_empty());
    assert!(h.sink.events().is_empty(), "nothing was delivered");
    // A rejected message id was not remembered: the genuine message still goes through.
    let genuine = post(&url, "f-1", "notification", &now(), REDEMPTION, SECRET).await;
    assert_eq!(genuine.status(), 204);
    h.inbox_settled().await;
    assert_eq!(h.sink.redemptions().len(), 1);
    h.stop().await;
}

#[tokio::test]
async fn statuses_follow_twitch_and_disabled_subscriptions_are_replaced() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    // No periodic look: what changes below is seen through webhooks and the re-watch.
    let (supervisor, _) = webhook_supervisor(&h, HANG_GUARD * 10).await;
    let channel = h.channel();
    supervisor.watch(channel.clone());
    eventually("every subscription enabled", || {
        all_enabled(&h, &supervisor, &channel)
    })
    .await;
    assert_eq!(
        supervisor.state(&channel),
        Some(EventSubConnection::Connected)
    );

    // Twitch revokes one subscription: the revocation is recorded with its reason.
    let victim = channel_subscriptions(&h)
        .into_iter()
        .find(|s| s["type"] == "channel.vip.add")
        .unwrap();
    let victim_id = victim["id"].as_str().unwrap().to_owned();
    h.sim
        .with_world(|w| twitch_sim::events::revoke_subscription(w, &victim_id, "version_removed"));
    eventually("revocation recorded", || {
        supervisor.subscriptions(&channel).iter().any(|s| {
            s.kind == "channel.vip.add"
                && s.state == SubscriptionState::Revoked("version_removed".into())
        })
    })
    .await;

    // Watched anew (as after a login): the dead one is deleted and made again; the others stay.
    let before = ids(&channel_subscriptions(&h));
    supervisor.rewatch(channel.clone());
    eventually("replaced and enabled", || {
        all_enabled(&h, &supervisor, &channel)
            && !ids(&channel_subscriptions(&h)).contains(&victim_id)
    })
    .await;
    let after = ids(&channel_subscriptions(&h));
    let kept = after.iter().filter(|id| before.contains(id)).count();
    assert_eq!(
        kept,
        base_types().len() - 1,
        "only the revoked one was replaced"
    );
    h.stop().await;
}

#[tokio::test]
async fn unwatching_deletes_the_subscriptions_and_watching_again_makes_them_anew() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let (supervisor, callback) = webhook_supervisor(&h, HANG_GUARD * 10).await;
    let channel = h.channel();
    supervisor.watch(channel.clone());
    eventually("every subscription enabled", || {
        all_enabled(&h, &supervisor, &channel)
    })
    .await;
    let first = ids(&channel_subscriptions(&h));

    supervisor.unwatch(&channel);
    assert_eq!(supervisor.state(&channel), None);
    eventually("deleted at Twitch", || channel_subscriptions(&h).is_empty()).await;

    // Unwatched and watched at once (the deletion must not take the new ones with it).
    supervisor.watch(channel.clone());
    eventually("enabled again", || all_enabled(&h, &supervisor, &channel)).await;
    supervisor.unwatch(&channel);
    supervisor.watch(channel.clone());
    eventually("enabled once more", || {
        all_enabled(&h, &supervisor, &channel)
            && channel_subscriptions(&h).len() == base_types().len()
    })
    .await;
    let last = ids(&channel_subscriptions(&h));
    assert!(last.iter().all(|id| !first.contains(id)), "made anew");
    assert!(channel_subscriptions(&h)
        .iter()
        .all(|s| s["transport"]["callback"] == callback.as_str() && s["status"] == "enabled"));
    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    h.stop().await;
}

#[tokio::test]
async fn a_revoked_authorisation_stops_the_channel_and_deletes_its_subscriptions() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let (supervisor, _) = webhook_supervisor(&h, Duration::from_millis(200)).await;
    let channel = h.channel();
    supervisor.watch(channel.clone());
    eventually("every subscription enabled", || {
        all_enabled(&h, &supervisor, &channel)
    })
    .await;

    h.sim
        .revoke_authorization(&h.client_id, &h.streamer.id)
        .unwrap();
    eventually("needs re-authorisation", || {
        supervisor.state(&channel) == Some(EventSubConnection::NeedsReauth)
    })
    .await;
    eventually("deleted at Twitch", || channel_subscriptions(&h).is_empty()).await;
    let reported = supervisor.subscriptions(&channel);
    assert!(!reported.is_empty());
    assert!(
        reported
            .iter()
            .all(|s| s.state != SubscriptionState::Enabled),
        "{reported:?}"
    );
    assert!(reported
        .iter()
        .any(|s| s.state == SubscriptionState::Revoked("authorization_revoked".into())));
    h.stop().await;
}

/// The webhook route of whichever process is current: one callback URL, served first with the old
/// secret and then with the new one, as one server restarted with a rotated secret.
#[derive(Clone, Default)]
struct Current(Arc<RwLock<Option<axum::Router>>>);

impl Current {
    fn serve(&self, state: WebhookState) {
        *self.0.write().unwrap() = Some(webhook::router(state));
    }
}

async fn current_route(State(current): State<Current>, request: Request) -> Response {
    let route = current
        .0
        .read()
        .unwrap()
        .clone()
        .expect("a route is served");
    route.oneshot(request).await.into_response()
}

/// A process on the webhook transport with `secret`, its callback on `base` with the secret's
/// version, stopped by `cancel`.
fn process(
    h: &Harness,
    current: &Current,
    base: &str,
    secret: &'static str,
    cancel: CancellationToken,
) -> (EventSubSupervisor, String) {
    let secret_string = SecretString::from(secret);
    let callback = format!("{base}?v={}", callback_version(&secret_string));
    let mut settings = h.settings(Duration::from_secs(2));
    settings.transport = EventSubTransport::Webhook;
    settings.webhook = Some(WebhookTarget {
        callback: callback.clone(),
        secret: secret_string,
    });
    let (supervisor, intake) = h.supervisor_until(settings, cancel);
    current.serve(
        WebhookState::new(secret.into(), h.store.clone(), h.sink.clone(), intake)
            .with_supervisor(supervisor.clone()),
    );
    (supervisor, callback)
}

/// Twitch never tells which secret a subscription was made with. The callback carries a version
/// of it, so a server started with a rotated secret finds the subscriptions made with the old one
/// (which Twitch would go on signing with it, and which stand in the way of new ones), deletes
/// them and makes them anew: every subscription ends on the new callback, and deliveries verify.
#[tokio::test]
async fn a_rotated_secret_replaces_the_subscriptions_made_with_the_old_one() {
    let h = Harness::start(twitch_sim::Config::default()).await;
    let current = Current::default();
    let app = axum::Router::new()
        .fallback(current_route)
        .with_state(current.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}{WEBHOOK_PATH}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, app).into_future());
    let wanted = base_types().len() + 1;

    let first = CancellationToken::new();
    let (old, old_callback) = process(
        &h,
        &current,
        &base,
        "old-webhook-secret-0123456789",
        first.clone(),
    );
    assert_eq!(old.start().await.unwrap(), 1);
    eventually("subscribed with the old secret", || {
        h.enabled_subscriptions().len() == wanted
    })
    .await;
    first.cancel();

    let (new, new_callback) = process(
        &h,
        &current,
        &base,
        "new-webhook-secret-9876543210",
        h.cancel.clone(),
    );
    assert_ne!(old_callback, new_callback);
    assert_eq!(new.start().await.unwrap(), 1);
    eventually("every subscription on the new callback", || {
        let subs = h.enabled_subscriptions();
        subs.len() == wanted
            && subs
                .iter()
                .all(|s| s["transport"]["callback"] == new_callback.as_str())
    })
    .await;
    assert!(h
        .subscriptions()
        .iter()
        .all(|s| s["transport"]["callback"] != old_callback.as_str()));

    let redemption = h.redeem();
    h.sink.wait_for_redemption(&redemption).await;
    h.stop().await;
}
