//! No secret leaves the server: a whole flow (login, an API token, grants, a token refresh, the
//! scheduler, logout) against a simulated Twitch on its own port, with every log line captured at
//! debug level (trace for the server's own crates), every response the browser got and every URL
//! the server called kept; none holds an access or refresh token, the client secret, the token
//! encryption key, the scheduler's secret or an API token (past the one answer that creates it).

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::Request;
use axum::middleware::{self, Next};
use secrecy::ExposeSecret;
use serde_json::json;
use server::crypto::TokenCipher;
use tracing_subscriber::filter::{dynamic_filter_fn, EnvFilter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;
use twitch_sim::Simulator;

use app::server_fns::{CreateApiToken, MakeOverlayUrl};
use leptos::server_fn::ServerFn;

use crate::common::{location, TestServer};
use crate::security::support::{send, server_fn};

/// Whether [`capture_logs`]'s subscriber records: only while this file's test runs, so that the
/// rest of the test binary does not pay for formatting debug logs nobody reads. The filter is
/// dynamic (asked per event): a cached "never" from before the capture would hide log lines.
static CAPTURING: AtomicBool = AtomicBool::new(false);

/// Every log line of this process (every test running meanwhile included) from now on, until the
/// returned guard is dropped.
fn capture_logs() -> (Arc<Mutex<Vec<u8>>>, Capturing) {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    let logs = LOGS
        .get_or_init(|| {
            let logs = Arc::new(Mutex::new(Vec::new()));
            let sink = logs.clone();
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(move || Sink(sink.clone()))
                .with_filter(EnvFilter::new(
                    // The simulator plays Twitch: its logs are not the server's.
                    "debug,server=trace,app=trace,twitch_sim=off",
                ))
                .with_filter(dynamic_filter_fn(|_, _| CAPTURING.load(Ordering::SeqCst)));
            let subscriber = tracing_subscriber::registry().with(layer);
            tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
            logs
        })
        .clone();
    CAPTURING.store(true, Ordering::SeqCst);
    (logs, Capturing)
}

/// Stops the capture when dropped.
struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURING.store(false, Ordering::SeqCst);
    }
}

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

/// A simulator on its own port that records every URL it is asked for.
async fn recording_simulator() -> (Simulator, Arc<Mutex<Vec<String>>>) {
    let sim = Simulator::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    sim.set_base_url(&format!("http://{}", listener.local_addr().unwrap()));
    let urls = Arc::new(Mutex::new(Vec::new()));
    let seen = urls.clone();
    let app = sim
        .router()
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            seen.lock().unwrap().push(req.uri().to_string());
            next.run(req)
        }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (sim, urls)
}

/// Every access and refresh token the simulated Twitch knows, with what it is.
fn issued_tokens(sim: &Simulator) -> BTreeSet<(String, String)> {
    sim.with_world(|w| {
        let access = w
            .tokens
            .keys()
            .map(|t| ("an access token".into(), t.clone()));
        let refresh = w
            .refresh_tokens
            .keys()
            .map(|t| ("a refresh token".into(), t.clone()));
        access.chain(refresh).collect()
    })
}

/// Follows the login like a browser until it lands on a page of the app.
async fn log_in(server: &TestServer, browser: &reqwest::Client, seen: &mut Vec<String>) {
    let mut url = server.url("/api/auth/login");
    for _ in 0..8 {
        let res = browser.get(&url).send().await.unwrap();
        assert!(res.status().is_redirection(), "{url}: {}", res.status());
        seen.push(format!("{:?}", res.headers()));
        let next = location(&res);
        if next == "/dashboard" {
            return;
        }
        url = if next.starts_with('/') {
            server.url(&next)
        } else {
            next
        };
    }
    panic!("the login never reached the dashboard");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_or_secret_reaches_the_logs_the_browser_or_a_url() {
    let (logs, _capturing) = capture_logs();
    let (sim, urls) = recording_simulator().await;
    sim.seed_demo();
    let (client_id, client_secret) = sim.register_client();
    let key = TokenCipher::generate_key("k1");
    let key = key.expose_secret().to_owned();
    let cron_secret = uuid::Uuid::new_v4().simple().to_string();
    let (api, auth, ws) = (sim.helix_url(), sim.oauth_url(), sim.ws_url());
    let server = TestServer::start_with(&[
        ("TWITCH_CLIENT_ID", client_id.as_str()),
        ("TWITCH_CLIENT_SECRET", client_secret.as_str()),
        ("TWITCH_API_URL", api.as_str()),
        ("TWITCH_AUTH_URL", auth.as_str()),
        ("TWITCH_EVENTSUB_WS_URL", ws.as_str()),
        ("EVENTSUB_TRANSPORT", "websocket"),
        ("TOKEN_ENCRYPTION_KEY", key.as_str()),
        ("CRON_SECRET", cron_secret.as_str()),
    ])
    .await;
    let browser = TestServer::browser();
    let mut seen = Vec::new();
    log_in(&server, &browser, &mut seen).await;

    // A personal API token is shown once, when created; after that it is only ever sent in.
    let reply = send(server_fn(
        &server,
        &browser,
        CreateApiToken::PATH,
        &[("name", "deck")],
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let api_token = reply.json()["token"].as_str().unwrap().to_owned();
    let reply = send(
        server
            .http
            .get(server.url("/api/vip"))
            .bearer_auth(&api_token),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    seen.push(reply.body);

    // The overlay's URL is shown once, when made; after that it is only ever sent in.
    let reply = send(server_fn(&server, &browser, MakeOverlayUrl::PATH, &[])).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let overlay_url = reply.json()["new_path"].as_str().unwrap().to_owned();
    let overlay_path = overlay_url[overlay_url.find("/overlay/").unwrap()..].to_owned();
    let overlay_secret = overlay_path["/overlay/".len()..].to_owned();
    for (path, status) in [
        (overlay_path.clone(), 200),
        (format!("{overlay_path}?corner=middle"), 400),
    ] {
        let reply = send(server.http.get(server.url(&path))).await;
        assert_eq!(reply.status, status, "{}", reply.body);
        seen.push(format!("{:?}\n{}", reply.headers, reply.body));
    }

    let grant = |login: &str| {
        browser
            .post(server.url("/api/vip"))
            .json(&json!({ "user_login": login, "duration_secs": 3600 }))
    };
    let reply = send(grant("viewer_bob")).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    seen.push(reply.body);

    // Twitch lets the access token die: the next call refreshes it.
    let streamer = sim.with_world(|w| w.resolve_user("demo_streamer").unwrap().id.clone());
    let user_tokens = || {
        sim.with_world(|w| {
            w.tokens
                .values()
                .filter(|t| t.user_id.as_deref() == Some(streamer.as_str()))
                .map(|t| t.access.clone())
                .collect::<Vec<_>>()
        })
    };
    // Refreshing replaces tokens: remember the first ones too.
    let mut issued = issued_tokens(&sim);
    for token in user_tokens() {
        sim.expire_token(&token);
    }
    let issued_before = user_tokens().len();
    let reply = send(grant("viewer_alice")).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    seen.push(reply.body);
    assert!(user_tokens().len() > issued_before, "a token was refreshed");

    for path in [
        "/dashboard",
        "/account",
        "/settings",
        "/activity",
        "/api/vip",
        "/api/settings",
        "/api/settings/scopes",
        "/api/audit-log",
        "/api/audit-log.csv",
    ] {
        let reply = send(browser.get(server.url(path))).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        seen.push(format!("{:?}\n{}", reply.headers, reply.body));
    }
    let reply = send(
        server
            .http
            .post(server.url("/api/cron/remove-expired-vips"))
            .bearer_auth(&cron_secret),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    seen.push(reply.body);
    let reply = send(browser.post(server.url("/api/auth/logout"))).await;
    seen.push(format!("{:?}", reply.headers));
    server.stop().await.unwrap();

    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    for expected in ["streamer logged in", "refreshed a Twitch token after a 401"] {
        assert!(logs.contains(expected), "the capture misses `{expected}`");
    }
    issued.extend(issued_tokens(&sim));
    let mut secrets: Vec<(String, String)> = issued.into_iter().collect();
    assert!(
        secrets.len() >= 4,
        "login and refresh issued tokens: {secrets:?}"
    );
    secrets.extend([
        ("the client secret".into(), client_secret.clone()),
        ("the encryption key".into(), key.clone()),
        (
            "the encryption key's bytes".into(),
            key["k1:".len()..].to_owned(),
        ),
        ("the scheduler's secret".into(), cron_secret.clone()),
        ("the API token".into(), api_token.clone()),
        ("the overlay's secret".into(), overlay_secret.clone()),
    ]);
    let urls = urls.lock().unwrap().join("\n");
    assert!(
        urls.contains("/oauth2/token") || urls.contains("/helix/"),
        "{urls}"
    );
    let seen = seen.join("\n");
    for (what, secret) in &secrets {
        assert!(secret.len() >= 16, "{what} is too short to search for");
        assert!(!logs.contains(secret.as_str()), "{what} is in the logs");
        assert!(
            !seen.contains(secret.as_str()),
            "{what} reached the browser"
        );
        assert!(!urls.contains(secret.as_str()), "{what} is in a URL");
    }
}
