//! Live updates across instances: two servers share one store (a SQLite file, polled; or the
//! Firestore emulator, which pushes); a dashboard's stream (`GET /api/ws`) on instance A hears of
//! a change made on instance B when the relay is on, once, and never when it is off. Both
//! instances run their own simulated Twitch; the change (a settings update) needs none, and the
//! login session lives in the shared store, so one login on A is valid on B too.

use crate::common;

use std::net::SocketAddr;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::{json, Value};
use server::config::Config;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::support::firestore_emulator as emulator;
use common::{log_in, log_in_to, TestServer};

/// How long an expected event may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(20);
/// How long the test waits for an event that must not come (many poll intervals).
const QUIET: Duration = Duration::from_secs(3);

/// A second instance on the store of a [`TestServer`].
struct Peer {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    handle: JoinHandle<anyhow::Result<()>>,
}

impl Peer {
    async fn start(database_url: &str, vars: &[(&str, &str)]) -> Self {
        let url = database_url.to_owned();
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let config = Config::from_lookup(&move |key| match key {
            "DATABASE_URL" => Some(url.clone()),
            other => vars
                .iter()
                .find(|(k, _)| k == other)
                .map(|(_, v)| v.clone()),
        })
        .expect("peer config");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(server::run(config, listener, async {
            let _ = stopped.await;
        }));
        Self { addr, stop, handle }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.handle.await.unwrap()
    }
}

/// Instance A, then (once A has migrated the shared database) instance B on the same file.
async fn two_instances(vars: &[(&str, &str)]) -> (TestServer, Peer) {
    let a = TestServer::start_with(vars).await;
    let health = a.http.get(a.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let b = Peer::start(&a.database_url, vars).await;
    (a, b)
}

/// A dashboard's open event stream, and what it has received so far.
struct Dashboard {
    stream: reqwest::Response,
    seen: String,
}

impl Dashboard {
    async fn open(browser: &reqwest::Client, url: String) -> Self {
        let stream = browser.get(url).send().await.unwrap();
        assert_eq!(stream.status(), 200);
        let mut dashboard = Self {
            stream,
            seen: String::new(),
        };
        dashboard.wait_for("ready", "{}").await;
        dashboard
    }

    /// The `data` of every received event of `kind`, in order.
    fn events(&self, kind: &str) -> Vec<String> {
        let event_line = format!("event: {kind}");
        self.seen
            .split("\n\n")
            .filter(|frame| frame.lines().any(|l| l == event_line))
            .filter_map(|frame| frame.lines().find_map(|l| l.strip_prefix("data:")))
            .map(|data| data.trim().to_owned())
            .collect()
    }

    /// Reads until an event of `kind` whose data contains `needle` has arrived.
    async fn wait_for(&mut self, kind: &str, needle: &str) {
        let read = async {
            while !self.events(kind).iter().any(|d| d.contains(needle)) {
                match self.stream.chunk().await.unwrap() {
                    Some(chunk) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                    None => panic!("the stream ended: {}", self.seen),
                }
            }
        };
        if tokio::time::timeout(PATIENCE, read).await.is_err() {
            panic!("no `{kind}` with {needle} in time; received: {}", self.seen);
        }
    }

    /// Reads whatever arrives within `wait`.
    async fn drain(&mut self, wait: Duration) {
        let _ = tokio::time::timeout(wait, async {
            while let Some(chunk) = self.stream.chunk().await.unwrap() {
                self.seen.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await;
    }
}

async fn put_settings(browser: &reqwest::Client, url: String, body: Value) {
    let res = browser.put(url).json(&body).send().await.unwrap();
    let status = res.status();
    assert_eq!(status, 200, "{}", res.text().await.unwrap());
}

fn changed(events: &[String]) -> Vec<Vec<String>> {
    events
        .iter()
        .map(|data| {
            let event: Value = serde_json::from_str(data).unwrap();
            let changed = event["audit"]["metadata"]["changed"].as_object().unwrap();
            changed.keys().cloned().collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_reaches_dashboards_on_another_once() {
    let vars = [
        ("LIVE_RELAY", "on"),
        ("LIVE_RELAY_POLL_MS", "100"),
        ("DEMO_REDEEM_EVERY_SECS", "3600"),
    ];
    let (a, b) = two_instances(&vars).await;
    let browser = TestServer::browser();
    log_in(&a, &browser).await;
    let mut dashboard = Dashboard::open(&browser, a.url("/api/ws")).await;

    // Changed on B: A's dashboard hears of it through the store.
    put_settings(
        &browser,
        b.url("/api/settings"),
        json!({ "public_page": true }),
    )
    .await;
    dashboard
        .wait_for("settings_changed", r#""public_page""#)
        .await;

    // Changed on A: heard at once, and not again from the store; B's change is not repeated.
    let body = json!({ "default_duration": 7200 });
    put_settings(&browser, a.url("/api/settings"), body).await;
    dashboard
        .wait_for("settings_changed", r#""default_duration""#)
        .await;
    dashboard.drain(QUIET).await;
    assert_eq!(
        changed(&dashboard.events("settings_changed")),
        [["public_page"], ["default_duration"]],
        "{}",
        dashboard.seen
    );

    drop(dashboard);
    b.stop().await.unwrap();
    a.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_relay_off_changes_stay_on_their_instance() {
    let vars = [("LIVE_RELAY", "off"), ("DEMO_REDEEM_EVERY_SECS", "3600")];
    let (a, b) = two_instances(&vars).await;
    let browser = TestServer::browser();
    log_in(&a, &browser).await;
    let mut dashboard = Dashboard::open(&browser, a.url("/api/ws")).await;

    put_settings(
        &browser,
        b.url("/api/settings"),
        json!({ "public_page": true }),
    )
    .await;
    dashboard.drain(QUIET).await;
    // The stream still works: A's own change arrives, and it is the only one.
    let body = json!({ "default_duration": 7200 });
    put_settings(&browser, a.url("/api/settings"), body).await;
    dashboard
        .wait_for("settings_changed", r#""default_duration""#)
        .await;
    assert_eq!(
        changed(&dashboard.events("settings_changed")),
        [["default_duration"]],
        "{}",
        dashboard.seen
    );

    drop(dashboard);
    b.stop().await.unwrap();
    a.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_firestore_a_change_is_pushed_to_another_instance_without_polling() {
    emulator::host();
    let database_url = format!("firestore://{}", emulator::fresh_project_id());
    let key = server::crypto::TokenCipher::generate_key("k1");
    let vars = [
        ("TOKEN_ENCRYPTION_KEY", key.expose_secret()),
        // Polling would first read in an hour: whatever arrives was pushed.
        ("LIVE_RELAY_POLL_MS", "3600000"),
        ("DEMO_REDEEM_EVERY_SECS", "3600"),
    ];
    let a = Peer::start(&database_url, &vars).await;
    let browser = TestServer::browser();
    log_in_to(&a.url(""), &browser).await;
    let b = Peer::start(&database_url, &vars).await;
    let mut dashboard = Dashboard::open(&browser, a.url("/api/ws")).await;

    for (field, value) in [
        ("public_page", json!(true)),
        ("default_duration", json!(7200)),
    ] {
        put_settings(&browser, b.url("/api/settings"), json!({ field: value })).await;
        dashboard
            .wait_for("settings_changed", &format!(r#""{field}""#))
            .await;
    }
    assert_eq!(
        changed(&dashboard.events("settings_changed")),
        [["public_page"], ["default_duration"]],
        "each once, in order: {}",
        dashboard.seen
    );

    drop(dashboard);
    b.stop().await.unwrap();
    a.stop().await.unwrap();
}
