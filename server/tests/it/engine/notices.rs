//! Notices (Discord): the engine hands one to the notifier after the audit entry of a grant, an
//! extension, a refund or an expiry, only for channels with a webhook URL; the Discord adapter
//! posts it to a (local) webhook without making anyone wait and never logs the URL.

use std::io::Write;

use app::ssr::notify::{Notice, NoticeKind, Notifier};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use server::discord::DiscordNotifier;
use tokio_util::task::TaskTracker;

use super::*;

#[derive(Default)]
struct RecordingNotifier(Mutex<Vec<(String, Notice)>>);

impl Notifier for RecordingNotifier {
    fn notify(&self, webhook_url: &str, notice: Notice) {
        self.0.lock().unwrap().push((webhook_url.into(), notice));
    }
}

impl RecordingNotifier {
    fn kinds(&self) -> Vec<NoticeKind> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, n)| n.kind.clone())
            .collect()
    }
}

const HOOK: &str = "https://discord.com/api/webhooks/1/secret-token";

fn notified_engine(h: &Harness, notifier: Arc<dyn Notifier>) -> Engine {
    engine_on(&h.store, &h.twitch, &h.live, &h.clock).with_notifier(notifier)
}

#[tokio::test]
async fn grants_extensions_refunds_and_expiries_are_announced_when_a_webhook_is_set() {
    let h = Harness::new().await;
    let notifier = Arc::new(RecordingNotifier::default());
    let engine = notified_engine(&h, notifier.clone());

    // Unset: nothing is announced.
    engine
        .grant_manual(&h.channel, viewer(9), secs(60), streamer())
        .await
        .unwrap();
    assert!(notifier.kinds().is_empty());

    h.settings(|s| s.discord_webhook_url = Some(HOOK.into()))
        .await;
    let ann = viewer(1);
    let t0 = h.now();
    engine
        .grant_manual(&h.channel, ann.clone(), secs(HOUR), streamer())
        .await
        .unwrap();
    let extended = engine
        .grant_manual(&h.channel, ann.clone(), secs(HOUR), streamer())
        .await
        .unwrap();
    let moderator = viewer(2);
    h.twitch.make_moderator(&h.channel, &moderator);
    let (event, _) = h.redeem(&moderator);
    engine.deliver(event).await;
    h.clock.advance(3 * HOUR as i64);
    engine.expire_due(h.now()).await.unwrap();

    let granted_until = Some(t0 + chrono::Duration::hours(1));
    assert_eq!(
        notifier.kinds(),
        vec![
            NoticeKind::Granted {
                source: VipSource::Manual,
                duration: secs(HOUR).into(),
                expires_at: granted_until,
            },
            NoticeKind::Extended {
                source: VipSource::Manual,
                duration: secs(HOUR).into(),
                expires_at: session_of(&extended).expires_at,
            },
            NoticeKind::Refunded {
                reason: RefundReason::IsModerator
            },
            // The unset-era grant expires too, now that the channel has a webhook.
            NoticeKind::Expired { removed: true },
            NoticeKind::Expired { removed: true },
        ]
    );
    let sent = notifier.0.lock().unwrap();
    assert!(sent
        .iter()
        .all(|(url, n)| url == HOOK && n.channel == "Streamer"));
    assert_eq!(sent[0].1.viewer, ann);
}

/// A local stand-in for Discord: records JSON bodies posted to `/api/webhooks/1/abc`, answers
/// with `status`.
async fn fake_discord(status: StatusCode) -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let received: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let app = Router::new()
        .route(
            "/api/webhooks/1/abc",
            post(
                |State((seen, status)): State<(Arc<Mutex<Vec<serde_json::Value>>>, StatusCode)>,
                 Json(body): Json<serde_json::Value>| async move {
                    seen.lock().unwrap().push(body);
                    status
                },
            ),
        )
        .with_state((received.clone(), status));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/api/webhooks/1/abc"), received)
}

#[tokio::test]
async fn the_discord_adapter_posts_to_the_webhook_and_not_when_it_is_unset() {
    let h = Harness::new().await;
    let (url, received) = fake_discord(StatusCode::NO_CONTENT).await;
    let tasks = TaskTracker::new();
    let discord = DiscordNotifier::new(tasks.clone()).allowing_any_url();
    let engine = notified_engine(&h, Arc::new(discord));

    engine
        .grant_manual(&h.channel, viewer(1), secs(HOUR), streamer())
        .await
        .unwrap();
    h.settings(|s| s.discord_webhook_url = Some(url.clone()))
        .await;
    engine
        .grant_manual(&h.channel, viewer(2), secs(HOUR), streamer())
        .await
        .unwrap();
    tasks.close();
    tokio::time::timeout(Duration::from_secs(10), tasks.wait())
        .await
        .expect("deliveries finish within their timeout");

    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1, "only the grant made with a webhook set");
    let content = bodies[0]["content"].as_str().unwrap();
    assert!(
        content.starts_with("**User2** is now VIP in Streamer for 1 h (granted by hand)"),
        "{content}"
    );
    assert_eq!(
        bodies[0]["allowed_mentions"]["parse"],
        serde_json::json!([])
    );
}

/// Log lines written while the guard lives (tests run on one thread, so do spawned deliveries).
fn capture_logs() -> (Arc<Mutex<Vec<u8>>>, tracing::subscriber::DefaultGuard) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logs: Arc<Mutex<Vec<u8>>> = Arc::default();
    let sink = Sink(logs.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn failed_deliveries_are_logged_without_the_url_and_never_block_the_grant() {
    let h = Harness::new().await;
    let (refusing, received) = fake_discord(StatusCode::INTERNAL_SERVER_ERROR).await;
    // A port nobody listens on: the connection is refused.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        format!("http://{addr}/api/webhooks/1/abc")
    };
    let (logs, _guard) = capture_logs();
    let tasks = TaskTracker::new();
    let discord = DiscordNotifier::new(tasks.clone()).allowing_any_url();
    let engine = notified_engine(&h, Arc::new(discord));
    for (n, url) in [(1, &refusing), (2, &closed)] {
        h.settings(|s| s.discord_webhook_url = Some(url.clone()))
            .await;
        let outcome = engine
            .grant_manual(&h.channel, viewer(n), secs(HOUR), streamer())
            .await
            .unwrap();
        assert!(matches!(outcome, GrantOutcome::Granted(_)));
    }
    tasks.close();
    tokio::time::timeout(Duration::from_secs(10), tasks.wait())
        .await
        .expect("deliveries finish within their timeout");

    assert_eq!(received.lock().unwrap().len(), 1);
    let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("Discord refused a notice"), "{logs}");
    assert!(logs.contains("status=500"), "{logs}");
    assert!(
        logs.contains("a Discord notice could not be delivered"),
        "{logs}"
    );
    assert!(!logs.contains("/api/webhooks"), "the URL leaked: {logs}");
    assert!(!logs.contains("127.0.0.1"), "the URL leaked: {logs}");
}

#[tokio::test]
async fn only_discord_urls_are_posted_to_by_default() {
    let (url, received) = fake_discord(StatusCode::NO_CONTENT).await;
    let tasks = TaskTracker::new();
    let discord = DiscordNotifier::new(tasks.clone());
    discord.notify(
        &url,
        Notice {
            channel: "Streamer".into(),
            viewer: viewer(1),
            kind: NoticeKind::Expired { removed: true },
            lang: None,
        },
    );
    tasks.close();
    tasks.wait().await;
    assert!(received.lock().unwrap().is_empty());
}
