//! Test harness: a real server on port 0 that each test starts and stops.

use std::net::SocketAddr;
use std::time::Duration;

use server::config::Config;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A request still unanswered after this long is hung: the test fails instead of waiting forever.
const REQUEST_LIMIT: Duration = Duration::from_secs(60);

pub struct TestServer {
    pub addr: SocketAddr,
    pub database_url: String,
    /// `TOKEN_ENCRYPTION_KEY` when the test gave one (else the server keeps a key beside the database).
    token_key: Option<String>,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
    _data: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Starts with extra environment variables (on top of a fresh SQLite database).
    pub async fn start_with(vars: &[(&str, &str)]) -> Self {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let token_key = vars
            .iter()
            .find(|(k, _)| k == "TOKEN_ENCRYPTION_KEY")
            .map(|(_, v)| v.clone());
        let data = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}/vip.db", data.path().display());
        let url = database_url.clone();
        let config = Config::from_lookup(&move |key| match key {
            "DATABASE_URL" => Some(url.clone()),
            other => vars
                .iter()
                .find(|(k, _)| k == other)
                .map(|(_, v)| v.clone()),
        })
        .expect("test config");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(server::run(config, listener, async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            database_url,
            token_key,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(REQUEST_LIMIT)
                .build()
                .unwrap(),
            stop: Some(stop),
            handle: Some(handle),
            _data: data,
        }
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn browser() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_LIMIT)
            .build()
            .unwrap()
    }

    /// A second connection to the server's store, with the server's encryption key (so that it
    /// reads sealed settings as the server does).
    pub async fn store(&self) -> server::store::SqliteStore {
        let store = server::store::SqliteStore::connect(&self.database_url)
            .await
            .unwrap();
        let key_file = self._data.path().join("vip.key");
        let key = self
            .token_key
            .clone()
            .or_else(|| std::fs::read_to_string(key_file).ok());
        match key {
            Some(key) => store.with_cipher(
                server::crypto::TokenCipher::from_config(&key.trim().to_owned().into()).unwrap(),
            ),
            None => store,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Triggers shutdown and waits for `run` to return.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        self.handle.take().unwrap().await.unwrap()
    }
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// The page at `path` as `client` gets it, which must be a 200.
pub async fn page(client: &reqwest::Client, server: &TestServer, path: &str) -> String {
    let res = client.get(server.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

/// Follows the login dance like a browser; returns the final redirect target.
pub async fn log_in(server: &TestServer, browser: &reqwest::Client) -> String {
    log_in_to(&server.url(""), browser).await
}

/// [`log_in`] on the server at `base` (`http://host:port`).
pub async fn log_in_to(base: &str, browser: &reqwest::Client) -> String {
    log_in_at(base, browser).await.0
}

/// [`log_in`], returning the `Cookie` header the browser now sends (`vip_session=…`), for clients
/// that do not share its cookie jar.
pub async fn log_in_cookie(server: &TestServer, browser: &reqwest::Client) -> String {
    let set_cookie = log_in_at(&server.url(""), browser).await.1;
    set_cookie.split(';').next().unwrap().to_owned()
}

/// The login dance: where it lands, and the session's `Set-Cookie`.
async fn log_in_at(base: &str, browser: &reqwest::Client) -> (String, String) {
    let res = browser
        .get(format!("{base}/api/auth/login"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let authorize = location(&res);
    assert!(
        authorize.contains("/twitch-sim/oauth2/authorize?"),
        "{authorize}"
    );
    assert!(
        authorize.contains("scope=channel%3Amanage%3Avips"),
        "{authorize}"
    );
    let res = browser.get(&authorize).send().await.unwrap();
    let callback = location(&res);
    assert!(callback.contains("/api/auth/callback?code="), "{callback}");
    let res = browser.get(&callback).send().await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("vip_session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    (location(&res), cookie)
}

/// Logs in as another simulated streamer (the simulator's `login` hint picks who approves).
pub async fn log_in_as(server: &TestServer, browser: &reqwest::Client, login: &str) {
    let res = server
        .http
        .post(server.url("/twitch-sim/sim/users"))
        .json(&serde_json::json!({ "login": login, "broadcaster_type": "affiliate" }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let res = browser
        .get(server.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let authorize = format!("{}&login={login}", location(&res));
    let res = browser.get(&authorize).send().await.unwrap();
    let res = browser.get(location(&res)).send().await.unwrap();
    assert!(res.status().is_redirection());
}

/// Polls `probe` until it returns `Some`, failing after `limit` (a hang guard, not a speed check).
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not reached in {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// GETs `url` as JSON; `None` when the request or the body fails (for [`eventually`] probes).
pub async fn try_get_json(client: &reqwest::Client, url: &str) -> Option<serde_json::Value> {
    client.get(url).send().await.ok()?.json().await.ok()
}

/// Waits until the demo channel's EventSub carries redemptions (it connects right after the login).
pub async fn redemptions_subscribed(server: &TestServer) {
    eventually("EventSub subscribed", Duration::from_secs(30), || async {
        let subs = try_get_json(&server.http, &server.url("/twitch-sim/sim/subscriptions")).await?;
        subs["data"]
            .as_array()?
            .iter()
            .any(|s| {
                s["type"] == "channel.channel_points_custom_reward_redemption.add"
                    && s["status"] == "enabled"
            })
            .then_some(())
    })
    .await;
}

/// Creates a VIP reward through the REST API as the signed-in streamer; returns its Twitch id.
pub async fn create_reward(
    server: &TestServer,
    browser: &reqwest::Client,
    title: &str,
    cost: u64,
    duration_secs: u64,
) -> String {
    let res = browser
        .post(server.url("/api/channel-points"))
        .json(&serde_json::json!({ "title": title, "cost": cost, "duration_secs": duration_secs }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let reward: serde_json::Value = res.json().await.unwrap();
    reward["id"].as_str().unwrap().to_owned()
}

/// `user` redeems the reward in the demo channel on the simulated Twitch.
pub async fn redeem(server: &TestServer, user: &str, reward_id: &str) {
    let res = server
        .http
        .post(server.url("/twitch-sim/sim/channels/demo_streamer/redeem"))
        .json(&serde_json::json!({ "user": user, "reward_id": reward_id }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
}
