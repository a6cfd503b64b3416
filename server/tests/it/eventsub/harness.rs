//! Shared set-up for the EventSub tests: the Twitch simulator on port 0, an in-memory store, a token
//! manager holding the streamer's user token, and a sink that records what it is given.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::model::{Channel, ChannelId, Settings};
use app::ssr::events::{EventSink, TwitchEvent};
use app::ssr::Store;
use async_trait::async_trait;
use chrono::Utc;
use secrecy::SecretString;
use serde_json::Value;
use server::config::{EventSubTransport, TwitchCredentials};
use server::crypto::TokenCipher;
use server::eventsub::backoff::Backoff;
use server::eventsub::inbox::{inbox, InboxSettings, Intake, Targets};
use server::eventsub::ws::WsOptions;
use server::eventsub::{EventSubSupervisor, SupervisorDeps, SupervisorSettings};
use server::store::SqliteStore;
use server::twitch::oauth::{IssuedTokens, OAuthClient};
use server::twitch::tokens::TokenManager;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use twitch_sim::{Simulator, User};

/// Only a guard against hangs; nothing waits this long when things work.
pub const HANG_GUARD: Duration = Duration::from_secs(20);

pub const SCOPES: &[&str] = &[
    "channel:manage:vips",
    "channel:manage:redemptions",
    "moderation:read",
];

/// Runs `f` under [`HANG_GUARD`].
pub async fn guard<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG_GUARD, f)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

/// Polls `pred` (cheap, in-memory checks) until it holds.
pub async fn eventually(what: &str, mut pred: impl FnMut() -> bool) {
    guard(what, async {
        while !pred() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

/// An [`EventSink`] that records every event.
#[derive(Default)]
pub struct Recorder {
    events: Mutex<Vec<TwitchEvent>>,
    changed: Notify,
}

#[async_trait]
impl EventSink for Recorder {
    async fn deliver(&self, event: TwitchEvent) {
        self.events.lock().unwrap().push(event);
        self.changed.notify_waiters();
    }
}

impl Recorder {
    pub fn events(&self) -> Vec<TwitchEvent> {
        self.events.lock().unwrap().clone()
    }

    /// Redemption ids delivered, in order.
    pub fn redemptions(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                TwitchEvent::Redemption { redemption_id, .. } => Some(redemption_id),
                _ => None,
            })
            .collect()
    }

    pub fn count(&self, pred: impl Fn(&TwitchEvent) -> bool) -> usize {
        self.events().iter().filter(|e| pred(e)).count()
    }

    /// Waits until `pred` holds for the events delivered so far.
    pub async fn wait_until(&self, what: &str, pred: impl Fn(&[TwitchEvent]) -> bool) {
        guard(what, async {
            loop {
                let notified = self.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if pred(&self.events()) {
                    return;
                }
                notified.await;
            }
        })
        .await;
    }

    pub async fn wait_for_redemption(&self, id: &str) {
        self.wait_until(&format!("redemption {id}"), |events| {
            events.iter().any(
                |e| matches!(e, TwitchEvent::Redemption { redemption_id, .. } if redemption_id == id),
            )
        })
        .await;
    }
}

pub struct Harness {
    pub sim: Simulator,
    pub client_id: String,
    pub streamer: User,
    pub viewer: User,
    pub reward_id: String,
    pub store: Arc<dyn Store>,
    pub tokens: Arc<TokenManager>,
    pub sink: Arc<Recorder>,
    pub cancel: CancellationToken,
    pub tasks: TaskTracker,
    _sim_task: JoinHandle<()>,
    /// Holds the database's directory for as long as the harness lives.
    _db_dir: tempfile::TempDir,
}

impl Harness {
    pub async fn start(config: twitch_sim::Config) -> Self {
        let sim = Simulator::with_config(config);
        let (_, sim_task) = sim
            .clone()
            .serve("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let (client_id, client_secret) = sim.register_client();
        let streamer = sim.add_streamer("streamer");
        let viewer = sim.add_user("viewer");
        let reward = sim
            .create_reward(&streamer.id, Some(&client_id), "Temp VIP", 100)
            .unwrap();
        let issued = sim.issue_user_token(&client_id, &streamer.id, SCOPES);

        let db_dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/harness.db", db_dir.path().display());
        let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
        let cipher = TokenCipher::from_config(&TokenCipher::generate_key("test")).unwrap();
        let oauth = OAuthClient::new(
            reqwest::Client::new(),
            &sim.oauth_url(),
            TwitchCredentials {
                client_id: client_id.clone(),
                client_secret: SecretString::from(client_secret.clone()),
            },
            "http://127.0.0.1/api/auth/callback".into(),
        );
        let tokens = Arc::new(TokenManager::new(store.clone(), cipher, oauth));
        let tokens_issued = IssuedTokens {
            access_token: issued.access_token.into(),
            refresh_token: issued.refresh_token.into(),
            scopes: issued.scopes,
            expires_at: Utc::now() + chrono::Duration::hours(4),
        };
        tokens.save(&streamer.id, &tokens_issued).await.unwrap();
        store
            .save_channel(&Channel {
                id: ChannelId(streamer.id.clone()),
                login: streamer.login.clone(),
                display_name: streamer.display_name.clone(),
                profile_image_url: None,
                settings: Settings::default(),
                needs_reauth: false,
            })
            .await
            .unwrap();
        Self {
            sim,
            client_id,
            streamer,
            viewer,
            reward_id: reward["id"].as_str().unwrap().to_owned(),
            store,
            tokens,
            sink: Arc::default(),
            cancel: CancellationToken::new(),
            tasks: TaskTracker::new(),
            _sim_task: sim_task,
            _db_dir: db_dir,
        }
    }

    pub fn channel(&self) -> ChannelId {
        ChannelId(self.streamer.id.clone())
    }

    /// Fast timers: short backoff; the keepalive window of `keepalive` instead of Twitch's 10 s.
    pub fn settings(&self, keepalive: Duration) -> SupervisorSettings {
        SupervisorSettings {
            transport: EventSubTransport::WebSocket,
            api_url: self.sim.helix_url(),
            ws_url: self.sim.ws_url(),
            webhook: None,
            instance_id: "instance-a".into(),
            lease_ttl: Duration::from_secs(30),
            status_poll: Duration::from_millis(200),
            ws: WsOptions {
                backoff: Backoff {
                    base: Duration::from_millis(20),
                    max: Duration::from_millis(200),
                },
                welcome_timeout: Duration::from_secs(5),
                keepalive_override: Some(keepalive),
                // Long enough that a retry after a limit never happens during a test.
                limit_retry: HANG_GUARD * 10,
            },
        }
    }

    pub fn supervisor(&self, settings: SupervisorSettings) -> EventSubSupervisor {
        self.supervisor_with_intake(settings).0
    }

    /// A supervisor and the intake of its inbox, whose processor (running on the harness's
    /// tasks, under the supervisor's instance name) hands messages to the recording sink.
    pub fn supervisor_with_intake(
        &self,
        settings: SupervisorSettings,
    ) -> (EventSubSupervisor, Intake) {
        self.supervisor_until(settings, self.cancel.clone())
    }

    /// As [`Self::supervisor_with_intake`], stopped by `cancel` (a process of its own that ends).
    pub fn supervisor_until(
        &self,
        settings: SupervisorSettings,
        cancel: CancellationToken,
    ) -> (EventSubSupervisor, Intake) {
        let inbox_settings = InboxSettings {
            sweep_every: Duration::from_millis(100),
            ..InboxSettings::new(settings.instance_id.clone())
        };
        let (intake, processor) = inbox(self.store.clone(), inbox_settings);
        let supervisor = EventSubSupervisor::new(
            settings,
            SupervisorDeps {
                store: self.store.clone(),
                sink: self.sink.clone(),
                intake: intake.clone(),
                tokens: self.tokens.clone(),
                http: reqwest::Client::new(),
            },
            cancel.clone(),
            self.tasks.clone(),
        );
        let targets = Targets {
            sink: self.sink.clone(),
            supervisor: supervisor.clone(),
        };
        self.tasks.spawn(processor.run(targets, cancel));
        (supervisor, intake)
    }

    /// Waits until every message in the inbox has been handled: what the sink holds then is all
    /// it will get from what was accepted so far.
    pub async fn inbox_settled(&self) {
        guard("inbox settled", async {
            while !self.store.inbox_channels(1).await.unwrap().is_empty() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
    }

    /// A viewer redeems the app's reward; returns the redemption id.
    pub fn redeem(&self) -> String {
        let r = self
            .sim
            .redeem(&self.streamer.id, &self.viewer.id, &self.reward_id, "")
            .unwrap();
        r["id"].as_str().unwrap().to_owned()
    }

    /// The simulator's subscriptions (every status).
    pub fn subscriptions(&self) -> Vec<Value> {
        self.sim.subscriptions()
    }

    pub fn enabled_subscriptions(&self) -> Vec<Value> {
        self.subscriptions()
            .into_iter()
            .filter(|s| s["status"] == "enabled")
            .collect()
    }

    /// Stops every task and waits for them.
    pub async fn stop(self) {
        self.cancel.cancel();
        self.tasks.close();
        guard("tasks stop", self.tasks.wait()).await;
    }
}
