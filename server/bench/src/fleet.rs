//! The simulated Twitch side of a benchmark and the matching stored state: streamers with a
//! channel-point reward and tokens the server can use, viewers to redeem, and the server's
//! environment pointing at all of it. The store is seeded directly through the server's `Store`
//! port, as if each streamer had logged in.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use app::model::{
    Actor, Channel, ChannelId, Reward, SessionState, Settings, Viewer, VipDuration, VipSession,
    VipSource,
};
use app::ssr::{Store, TwitchTokens};
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use server::crypto::TokenCipher;
use server::eventsub::parse::CHANNEL_TYPES;
use server::twitch::scopes::REQUIRED_SCOPES;
use tokio::task::JoinHandle;
use twitch_sim::{IssuedToken, Simulator, User};

use crate::backend::{free_port, Database};
use crate::options::Options;
use crate::server_process::{Launch, ServerProcess};
use crate::work::bounded;

/// Helix points per minute per client (Twitch: 800). Raised so that creating six webhook
/// subscriptions per channel for a thousand channels at start-up does not take minutes; the
/// measurements themselves stay far below Twitch's budget per channel.
const SIM_RATE_LIMIT: u32 = 1_000_000;

/// Every rate limit of the server, set this high: all benchmark traffic comes from one loopback
/// address, which the per-address limits are not made for. The limiters still run.
const SERVER_RATE_LIMIT: &str = "1000000/s";

/// The login cookie's name.
const SESSION_COOKIE: &str = "vip_session";

/// One simulated streamer.
pub struct FleetChannel {
    pub user: User,
    /// The app-owned channel-point reward viewers redeem.
    pub reward_id: String,
    pub token: IssuedToken,
}

/// See the module docs.
pub struct Fleet {
    pub sim: Simulator,
    pub client_id: String,
    client_secret: String,
    webhook_secret: String,
    cron_secret: String,
    token_key: SecretString,
    pub channels: Vec<FleetChannel>,
    pub viewers: Vec<User>,
    sim_task: JoinHandle<()>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        self.sim_task.abort();
    }
}

impl Fleet {
    /// Serves a fresh simulator on loopback with `channels` streamers (each with `vip_slots` VIP
    /// slots and an app-owned reward) and `viewers` viewers.
    ///
    /// # Errors
    /// When the simulator cannot listen.
    pub async fn start(channels: usize, viewers: usize, vip_slots: usize) -> anyhow::Result<Self> {
        let sim = Simulator::new();
        let (_, sim_task) = sim.clone().serve("127.0.0.1:0".parse()?).await?;
        sim.set_rate_limit(SIM_RATE_LIMIT);
        let (client_id, client_secret) = sim.register_client();
        let scopes: Vec<&str> = REQUIRED_SCOPES.iter().map(|(s, _)| *s).collect();
        let mut fleet_channels = Vec::with_capacity(channels);
        for i in 0..channels {
            let user = sim.add_streamer(&format!("bench_streamer_{i:05}"));
            sim.set_vip_slots(&user.id, vip_slots)?;
            let reward = sim.create_reward(&user.id, Some(&client_id), "VIP for a day", 1)?;
            let reward_id = reward["id"].as_str().context("reward id")?.to_owned();
            let token = sim.issue_user_token(&client_id, &user.id, &scopes);
            fleet_channels.push(FleetChannel {
                user,
                reward_id,
                token,
            });
        }
        let viewers = (0..viewers)
            .map(|k| sim.add_user(&format!("bench_viewer_{k:06}")))
            .collect();
        Ok(Self {
            sim,
            client_id,
            client_secret,
            webhook_secret: uuid::Uuid::new_v4().simple().to_string(),
            cron_secret: uuid::Uuid::new_v4().simple().to_string(),
            token_key: TokenCipher::generate_key("bench"),
            channels: fleet_channels,
            viewers,
            sim_task,
        })
    }

    /// Stores every channel as a first login would: the channel with default settings, its sealed
    /// tokens and its reward (granting `reward_duration`).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn seed_store(
        &self,
        store: &Arc<dyn Store>,
        reward_duration: VipDuration,
        concurrency: usize,
    ) -> anyhow::Result<()> {
        let cipher = TokenCipher::from_config(&self.token_key)?;
        let items: Vec<(Channel, Reward, TwitchTokens)> = self
            .channels
            .iter()
            .map(|c| {
                let id = ChannelId(c.user.id.clone());
                let channel = Channel {
                    id: id.clone(),
                    login: c.user.login.clone(),
                    display_name: c.user.display_name.clone(),
                    profile_image_url: None,
                    settings: Settings::default(),
                    needs_reauth: false,
                };
                let reward = Reward {
                    id: c.reward_id.clone(),
                    channel_id: id,
                    title: "VIP for a day".into(),
                    cost: 1,
                    prompt: String::new(),
                    duration: app::model::GrantLength::For(reward_duration),
                    enabled: true,
                    global_cooldown_secs: None,
                    max_per_stream: None,
                    max_per_user_per_stream: None,
                };
                let tokens = TwitchTokens {
                    access_token: SecretString::from(c.token.access_token.clone()),
                    refresh_token: SecretString::from(c.token.refresh_token.clone()),
                    scopes: c.token.scopes.clone(),
                    expires_at: Utc::now() + chrono::Duration::hours(4),
                };
                (channel, reward, tokens)
            })
            .collect();
        bounded(items, concurrency, |(channel, reward, tokens)| {
            let store = store.clone();
            let cipher = cipher.clone();
            async move {
                store.save_channel(&channel).await?;
                let sealed = cipher.seal(channel.id.as_str(), &tokens)?;
                store.put_tokens(channel.id.as_str(), &sealed).await?;
                store.save_reward(&reward).await?;
                Ok(())
            }
        })
        .await
    }

    /// Stores an active channel-point session for each `(channel, viewer)` pair, the `i`-th
    /// ending at `deadline(i)`.
    ///
    /// # Errors
    /// When the store fails (a pair already active, for one).
    pub async fn insert_sessions(
        &self,
        store: &Arc<dyn Store>,
        pairs: &[(usize, usize)],
        deadline: impl Fn(usize) -> DateTime<Utc>,
        concurrency: usize,
    ) -> anyhow::Result<()> {
        let now = Utc::now();
        let sessions: Vec<VipSession> = pairs
            .iter()
            .enumerate()
            .map(|(i, &(c, v))| {
                let viewer = &self.viewers[v];
                VipSession {
                    id: uuid::Uuid::now_v7().to_string(),
                    channel_id: ChannelId(self.channels[c].user.id.clone()),
                    viewer: Viewer {
                        id: viewer.id.clone(),
                        login: viewer.login.clone(),
                        display_name: viewer.display_name.clone(),
                    },
                    source: VipSource::ChannelPoints,
                    granted_by: Actor::Viewer {
                        id: viewer.id.clone(),
                        login: viewer.login.clone(),
                    },
                    granted_at: now,
                    expires_at: Some(deadline(i)),
                    state: SessionState::Active,
                    ended_at: None,
                    redemption_id: None,
                    metadata: serde_json::Value::Null,
                }
            })
            .collect();
        bounded(sessions, concurrency, |s| {
            let store = store.clone();
            async move { Ok(store.insert_session(&s).await?) }
        })
        .await
    }

    /// The server's environment: the simulator's URLs and app, webhooks to `addr`, `db`.
    pub fn server_env(&self, db: &Database, addr: std::net::SocketAddr) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = [
            ("LEPTOS_SITE_ADDR", addr.to_string()),
            ("PUBLIC_URL", format!("http://{addr}")),
            ("LOG_FORMAT", "json".into()),
            ("TWITCH_CLIENT_ID", self.client_id.clone()),
            ("TWITCH_CLIENT_SECRET", self.client_secret.clone()),
            ("TWITCH_API_URL", self.sim.helix_url()),
            ("TWITCH_AUTH_URL", self.sim.oauth_url()),
            ("TWITCH_EVENTSUB_WS_URL", self.sim.ws_url()),
            ("EVENTSUB_TRANSPORT", "webhook".into()),
            ("EVENTSUB_WEBHOOK_SECRET", self.webhook_secret.clone()),
            (
                "TOKEN_ENCRYPTION_KEY",
                self.token_key.expose_secret().to_owned(),
            ),
            ("CRON_SECRET", self.cron_secret.clone()),
            ("RATE_LIMIT_API_PER_SESSION", SERVER_RATE_LIMIT.into()),
            ("RATE_LIMIT_API_PER_IP", SERVER_RATE_LIMIT.into()),
            ("RATE_LIMIT_AUTH_PER_IP", SERVER_RATE_LIMIT.into()),
            ("RATE_LIMIT_CRON_PER_IP", SERVER_RATE_LIMIT.into()),
            ("RATE_LIMIT_WEBHOOK_PER_IP", SERVER_RATE_LIMIT.into()),
            ("RATE_LIMIT_PAGES_PER_IP", SERVER_RATE_LIMIT.into()),
            // Thousands of live streams of one login from one address: the caps are off for the
            // same reason. Every stream still re-checks its caller.
            ("LIVE_STREAMS_PER_SESSION", "off".into()),
            ("LIVE_STREAMS_PER_IP", "off".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        env.extend(db.env());
        env
    }

    /// Starts the server on `db` on a free port.
    ///
    /// # Errors
    /// See [`ServerProcess::start`].
    pub async fn start_server(
        &self,
        options: &Options,
        db: &Database,
    ) -> anyhow::Result<ServerProcess> {
        self.start_server_with(options, db, &[]).await
    }

    /// [`Self::start_server`] with `extra` environment on top.
    ///
    /// # Errors
    /// See [`ServerProcess::start`].
    pub async fn start_server_with(
        &self,
        options: &Options,
        db: &Database,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<ServerProcess> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()?));
        self.restart_server_with(options, db, addr, extra).await
    }

    /// Starts the server on `db` at `addr` (the address its webhook subscriptions point at).
    ///
    /// # Errors
    /// See [`ServerProcess::start`].
    pub async fn restart_server(
        &self,
        options: &Options,
        db: &Database,
        addr: std::net::SocketAddr,
    ) -> anyhow::Result<ServerProcess> {
        self.restart_server_with(options, db, addr, &[]).await
    }

    /// [`Self::restart_server`] with `extra` environment on top (it wins over the defaults).
    ///
    /// # Errors
    /// See [`ServerProcess::start`].
    pub async fn restart_server_with(
        &self,
        options: &Options,
        db: &Database,
        addr: std::net::SocketAddr,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<ServerProcess> {
        let mut env = self.server_env(db, addr);
        env.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        env.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        env.extend(options.server_env.iter().cloned());
        ServerProcess::start(&Launch {
            bin: &options.server_bin,
            dir: db.dir(),
            addr,
            env,
        })
        .await
    }

    /// Waits until every channel has its webhook subscriptions enabled and the simulator has
    /// seen no request for `quiet` (start-up reconciliation done).
    ///
    /// # Errors
    /// When that does not happen within `limit`.
    pub async fn settle(&self, quiet: Duration, limit: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let wanted = self.channels.len() * CHANNEL_TYPES.len();
        let mut last = (self.sim.recorder().requests_seen(), Instant::now());
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let enabled = self.enabled_channel_subscriptions();
            let seen = self.sim.recorder().requests_seen();
            if seen != last.0 {
                last = (seen, Instant::now());
            }
            if enabled >= wanted && last.1.elapsed() >= quiet {
                return Ok(started.elapsed());
            }
            if started.elapsed() > limit {
                bail!(
                    "the server did not settle within {limit:?}: {enabled} of {wanted} \
                     subscriptions enabled"
                );
            }
        }
    }

    /// Enabled subscriptions whose condition names one of the fleet's channels.
    pub fn enabled_channel_subscriptions(&self) -> usize {
        let ids: std::collections::HashSet<&str> =
            self.channels.iter().map(|c| c.user.id.as_str()).collect();
        self.sim.with_world(|w| {
            w.subscriptions
                .values()
                .filter(|s| s.enabled())
                .filter(|s| {
                    s.condition
                        .get("broadcaster_user_id")
                        .and_then(|v| v.as_str())
                        .is_some_and(|b| ids.contains(b))
                })
                .count()
        })
    }

    /// Makes `viewer` a VIP of `channel` on Twitch's side without any event (as if it happened
    /// before the app subscribed).
    pub fn quietly_add_vips(&self, pairs: &[(usize, usize)]) {
        self.sim.with_world(|w| {
            for &(c, v) in pairs {
                let (b, u) = (&self.channels[c].user.id, &self.viewers[v].id);
                if let Some(ch) = w.channels.get_mut(b) {
                    ch.vips.push(u.clone());
                }
            }
        });
    }

    /// Logs in through the server's OAuth flow as `channel`'s streamer (the simulator approves);
    /// returns the `Cookie` header that carries the login.
    ///
    /// # Errors
    /// When a step of the flow does not answer as expected.
    pub async fn log_in(&self, server: &ServerProcess, channel: usize) -> anyhow::Result<String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?;
        let mut jar: HashMap<String, String> = HashMap::new();
        let res = http.get(server.url("/api/auth/login")).send().await?;
        keep_cookies(&mut jar, &res);
        let authorize = location(&res)?;
        let login = &self.channels[channel].user.login;
        let res = http
            .get(format!("{authorize}&login={login}"))
            .send()
            .await?;
        let callback = location(&res)?;
        let res = http
            .get(&callback)
            .header(reqwest::header::COOKIE, cookie_header(&jar))
            .send()
            .await?;
        if !res.status().is_redirection() {
            bail!("the login callback answered {}", res.status());
        }
        keep_cookies(&mut jar, &res);
        if !jar.contains_key(SESSION_COOKIE) {
            bail!("the login set no session cookie");
        }
        Ok(cookie_header(&jar))
    }
}

fn location(res: &reqwest::Response) -> anyhow::Result<String> {
    res.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .with_context(|| format!("expected a redirect, got {}", res.status()))
}

fn keep_cookies(jar: &mut HashMap<String, String>, res: &reqwest::Response) {
    for value in res.headers().get_all(reqwest::header::SET_COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        let pair = text.split(';').next().unwrap_or_default();
        if let Some((name, value)) = pair.split_once('=') {
            jar.insert(name.trim().to_owned(), value.trim().to_owned());
        }
    }
}

fn cookie_header(jar: &HashMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}
