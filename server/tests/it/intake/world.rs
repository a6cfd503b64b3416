//! A Twitch simulator on loopback with one streamer (an app-owned reward, plenty of VIP slots)
//! and some viewers, a SQLite database seeded as after the streamer's login, and the built server
//! binary started against both as a separate process, so that it can be killed like a crash.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use app::model::{Channel, ChannelId, Reward, Settings, VipDuration};
use app::ssr::{Store, TwitchTokens};
use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use server::crypto::TokenCipher;
use server::store::SqliteStore;
use server::twitch::scopes::REQUIRED_SCOPES;
use tokio::task::JoinHandle;
use twitch_sim::{Simulator, User};

/// Only a guard against hangs; nothing waits this long when things work.
pub const HANG_GUARD: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    WebSocket,
    Webhook,
    Conduit,
}

pub struct World {
    pub sim: Simulator,
    pub streamer: User,
    pub reward_id: String,
    pub viewers: Vec<User>,
    client_id: String,
    client_secret: String,
    webhook_secret: String,
    key: SecretString,
    /// The Firestore emulator's project the servers share (`None`: a SQLite file).
    firestore: Option<String>,
    dir: tempfile::TempDir,
    sim_task: JoinHandle<()>,
}

impl Drop for World {
    fn drop(&mut self) {
        self.sim_task.abort();
    }
}

impl World {
    /// The simulator with `viewers` viewers, and the channel stored as after a login.
    pub async fn new(viewers: usize) -> Self {
        Self::new_on(viewers, None).await
    }

    /// As [`Self::new`], on a fresh project of the Firestore emulator shared by every server.
    pub async fn new_firestore(viewers: usize) -> Self {
        crate::support::firestore_emulator::host();
        let project = crate::support::firestore_emulator::fresh_project_id();
        Self::new_on(viewers, Some(project)).await
    }

    async fn new_on(viewers: usize, firestore: Option<String>) -> Self {
        let sim = Simulator::new();
        let (_, sim_task) = sim
            .clone()
            .serve("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let (client_id, client_secret) = sim.register_client();
        let streamer = sim.add_streamer("crash_streamer");
        sim.set_vip_slots(&streamer.id, viewers + 10).unwrap();
        let reward = sim
            .create_reward(&streamer.id, Some(&client_id), "VIP for a day", 1)
            .unwrap();
        let reward_id = reward["id"].as_str().unwrap().to_owned();
        let viewers = (0..viewers)
            .map(|i| sim.add_user(&format!("burst_viewer_{i:03}")))
            .collect();
        let world = Self {
            sim,
            streamer,
            reward_id,
            viewers,
            client_id,
            client_secret,
            webhook_secret: "a-webhook-secret-of-some-length".into(),
            key: TokenCipher::generate_key("test"),
            firestore,
            dir: tempfile::tempdir().unwrap(),
            sim_task,
        };
        world.seed().await;
        world
    }

    /// The Twitch application's client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn db_url(&self) -> String {
        match &self.firestore {
            Some(project) => format!("firestore://{project}"),
            None => format!("sqlite://{}/vip.db", self.dir.path().display()),
        }
    }

    /// A second connection to the server's database.
    pub async fn store(&self) -> Arc<dyn Store> {
        match &self.firestore {
            Some(project) => Arc::new(
                server::store::firestore::FirestoreStore::connect(project, None)
                    .await
                    .unwrap(),
            ),
            None => Arc::new(SqliteStore::connect(&self.db_url()).await.unwrap()),
        }
    }

    async fn seed(&self) {
        let store = self.store().await;
        let id = ChannelId(self.streamer.id.clone());
        let channel = Channel {
            id: id.clone(),
            login: self.streamer.login.clone(),
            display_name: self.streamer.display_name.clone(),
            profile_image_url: None,
            settings: Settings::default(),
            needs_reauth: false,
        };
        store.save_channel(&channel).await.unwrap();
        let scopes: Vec<&str> = REQUIRED_SCOPES.iter().map(|(s, _)| *s).collect();
        let issued = self
            .sim
            .issue_user_token(&self.client_id, &self.streamer.id, &scopes);
        let tokens = TwitchTokens {
            access_token: SecretString::from(issued.access_token.clone()),
            refresh_token: SecretString::from(issued.refresh_token.clone()),
            scopes: issued.scopes.clone(),
            expires_at: Utc::now() + chrono::Duration::hours(4),
        };
        let cipher = TokenCipher::from_config(&self.key).unwrap();
        let sealed = cipher.seal(id.as_str(), &tokens).unwrap();
        store.put_tokens(id.as_str(), &sealed).await.unwrap();
        store
            .save_reward(&Reward {
                id: self.reward_id.clone(),
                channel_id: id,
                title: "VIP for a day".into(),
                cost: 1,
                prompt: String::new(),
                duration: VipDuration::from_secs(24 * 3600).unwrap().into(),
                enabled: true,
                global_cooldown_secs: None,
                max_per_stream: None,
                max_per_user_per_stream: None,
            })
            .await
            .unwrap();
    }

    /// Stores tokens the simulator issues to `user` with `scopes` under `key`, sealed as the
    /// server seals them (a streamer's under their id, the chat bot's under its own key).
    pub async fn store_tokens(&self, key: &str, user: &str, scopes: &[&str]) {
        let issued = self.sim.issue_user_token(&self.client_id, user, scopes);
        let tokens = TwitchTokens {
            access_token: SecretString::from(issued.access_token.clone()),
            refresh_token: SecretString::from(issued.refresh_token.clone()),
            scopes: issued.scopes.clone(),
            expires_at: Utc::now() + chrono::Duration::hours(4),
        };
        let cipher = TokenCipher::from_config(&self.key).unwrap();
        let sealed = cipher.seal(key, &tokens).unwrap();
        self.store().await.put_tokens(key, &sealed).await.unwrap();
    }

    /// Starts the server binary on a free port; returns once it answers `/api/health`.
    pub async fn start(&self, transport: Transport) -> ServerProcess {
        self.start_with(transport, free_addr(), &[]).await
    }

    /// As [`Self::start`], at `addr` (a restart keeps the webhook callback's address), with
    /// extra environment variables.
    pub async fn start_with(
        &self,
        transport: Transport,
        addr: SocketAddr,
        vars: &[(&str, &str)],
    ) -> ServerProcess {
        let log = unused(self.dir.path().join("server"), "log");
        let out = std::fs::File::create(&log).unwrap();
        let method = match transport {
            Transport::WebSocket => "websocket",
            Transport::Webhook => "webhook",
            Transport::Conduit => "conduit",
        };
        let emulator: Vec<(&str, String)> = self
            .firestore
            .iter()
            .filter_map(|_| std::env::var("FIRESTORE_EMULATOR_HOST").ok())
            .map(|host| ("FIRESTORE_EMULATOR_HOST", host))
            .collect();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("PUBLIC_URL", format!("http://{addr}"))
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env("DATABASE_URL", self.db_url())
            .env("TOKEN_ENCRYPTION_KEY", self.key.expose_secret())
            .env("TWITCH_CLIENT_ID", &self.client_id)
            .env("TWITCH_CLIENT_SECRET", &self.client_secret)
            .env("TWITCH_API_URL", self.sim.helix_url())
            .env("TWITCH_AUTH_URL", self.sim.oauth_url())
            .env("TWITCH_EVENTSUB_WS_URL", self.sim.ws_url())
            .env("EVENTSUB_TRANSPORT", method)
            .env("EVENTSUB_WEBHOOK_SECRET", &self.webhook_secret)
            .envs(emulator)
            .envs(vars.iter().copied())
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let mut server = ServerProcess { child, addr, log };
        server.wait_healthy().await;
        server
    }

    /// The simulator's subscriptions for the streamer's channel.
    pub fn channel_subscriptions(&self) -> Vec<Value> {
        self.sim
            .subscriptions()
            .into_iter()
            .filter(|s| s["condition"]["broadcaster_user_id"] == self.streamer.id.as_str())
            .collect()
    }

    /// Whether the channel's redemption subscription is enabled.
    pub fn redemptions_enabled(&self) -> bool {
        self.channel_subscriptions().iter().any(|s| {
            s["type"] == "channel.channel_points_custom_reward_redemption.add"
                && s["status"] == "enabled"
        })
    }

    /// Waits until `viewer` is a VIP of the channel at Twitch.
    pub async fn vip_at_twitch(&self, viewer: &User, what: &str) {
        eventually(what, || async {
            self.sim
                .vips(&self.streamer.id)
                .contains(&viewer.id)
                .then_some(())
        })
        .await;
    }

    /// Whether the stored channel is flagged for re-authorisation.
    pub async fn needs_reauth(&self) -> bool {
        let channel = ChannelId(self.streamer.id.clone());
        let stored = self.store().await.channel(&channel).await.unwrap();
        stored.expect("the channel is stored").needs_reauth
    }

    /// `viewer` redeems the reward; returns the redemption id.
    pub fn redeem(&self, viewer: &User) -> String {
        let r = self
            .sim
            .redeem(&self.streamer.id, &viewer.id, &self.reward_id, "")
            .unwrap();
        r["id"].as_str().unwrap().to_owned()
    }
}

pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl ServerProcess {
    async fn wait_healthy(&mut self) {
        let http = reqwest::Client::new();
        let health = format!("http://{}/api/health", self.addr);
        eventually("the server healthy", || {
            let (http, health) = (http.clone(), health.clone());
            let exited = self.child.try_wait().unwrap();
            assert!(exited.is_none(), "the server exited: {}", self.log_text());
            async move {
                let res = http.get(&health).send().await.ok()?;
                (res.status() == 200).then_some(())
            }
        })
        .await;
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: the process dies mid-work, as in a crash or an out-of-memory kill.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `probe` until it returns `Some`, failing after [`HANG_GUARD`].
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + HANG_GUARD;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not reached in {HANG_GUARD:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn unused(stem: PathBuf, ext: &str) -> PathBuf {
    (1..)
        .map(|n| PathBuf::from(format!("{}-{n}.{ext}", stem.display())))
        .find(|p| !p.exists())
        .unwrap()
}
