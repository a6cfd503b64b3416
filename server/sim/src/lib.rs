//! `twitch-sim`: a faithful, in-memory fake Twitch.
//!
//! It serves the parts of Twitch the VIP manager uses and enforces the
//! documented rules (Twitch's API reference and EventSub documentation):
//!
//! * `{base}/oauth2/...` — authorize (auto-approve), token, validate, revoke;
//! * `{base}/helix/...` — users, VIPs, moderators, custom rewards,
//!   redemptions, chat messages, EventSub subscriptions; token type, scopes,
//!   Client-Id, rate limits (`Ratelimit-*` headers) and endpoint rules;
//! * `ws://{addr}/ws` — EventSub WebSocket (welcome, keepalive,
//!   notifications, reconnect, revocation, close codes 4000–4007);
//! * webhooks with HMAC signatures, the challenge and retries; an answer later
//!   than 2 s is a failure, and repeated failures revoke the subscription with
//!   `notification_failures_exceeded` ([`webhook::patience`]);
//! * `{base}/sim/...` — a JSON control API that plays "the Twitch side"
//!   (redeem, manual VIP/mod changes, revocations, knobs).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let (addr, sim, _task) = twitch_sim::start("127.0.0.1:0".parse().unwrap()).await?;
//! let demo = sim.seed_demo();
//! println!("TWITCH_API_URL={}", sim.helix_url());
//! # let _ = (addr, demo); Ok(()) }
//! ```
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use parking_lot::Mutex;
use serde_json::{json, Map, Value};
use tokio::task::JoinHandle;

pub mod actions;
pub mod auth;
pub mod bits;
pub mod chaos;
pub mod chat_read;
pub mod conduit;
pub mod conduit_helix;
pub mod control;
pub mod error;
pub mod events;
pub mod eventsub_ws;
pub mod helix;
pub mod oauth;
pub mod record;
pub mod state;
pub mod stream;
pub mod subscriptions;
pub mod support;
pub mod webhook;
pub mod window;

pub use error::ApiError;
pub use state::{Config, RedemptionStatus, User, World};

use state::{random_token, WsCommand};

/// What [`Simulator::seed_demo`] created.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DemoSeed {
    pub client_id: String,
    pub client_secret: String,
    pub streamer: User,
    pub moderator: User,
    pub viewers: Vec<User>,
    /// A reward made in the Twitch dashboard (no app may manage it).
    pub dashboard_reward_id: String,
}

/// Tokens issued directly by [`Simulator::issue_user_token`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct IssuedToken {
    pub access_token: String,
    pub refresh_token: String,
    pub scopes: Vec<String>,
}

struct Inner {
    world: Mutex<World>,
    http: reqwest::Client,
    recorder: record::Recorder,
}

/// A handle to one simulated Twitch. Cheap to clone.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

impl Default for Simulator {
    fn default() -> Self {
        Self::new()
    }
}

/// Starts a fresh simulator listening on `addr` (port 0 = any free port).
pub async fn start(addr: SocketAddr) -> std::io::Result<(SocketAddr, Simulator, JoinHandle<()>)> {
    let sim = Simulator::new();
    let (bound, task) = sim.clone().serve(addr).await?;
    Ok((bound, sim, task))
}

/// Answers injected failures ([`Simulator::fail_next`]) and slows delayed endpoints
/// ([`Simulator::set_delay`]).
async fn inject_failures(State(sim): State<Simulator>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    if let Some(delay) = sim.with_world(|w| w.delay_for(&method, &path)) {
        tokio::time::sleep(delay).await;
    }
    let Some(status) = sim.with_world(|w| w.take_failure(&method, &path)) else {
        return next.run(req).await;
    };
    let err = ApiError::new(status, "injected failure");
    let mut resp = err.into_response();
    if status == 429 {
        let (limit, reset) = sim.with_world(|w| (w.config.rate_limit, w.now().timestamp() + 1));
        auth::rate_headers(resp.headers_mut(), limit, 0, reset);
    }
    resp
}

impl Simulator {
    pub fn new() -> Self {
        Self::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client");
        Self {
            inner: Arc::new(Inner {
                world: Mutex::new(World::new(config)),
                http,
                recorder: record::Recorder::default(),
            }),
        }
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The opt-in request recorder (benchmarks).
    pub fn recorder(&self) -> &record::Recorder {
        &self.inner.recorder
    }

    /// Runs `f` on the world under the lock, then sends the webhook messages
    /// it queued. Never call it from inside `f`.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let (result, jobs) = {
            let mut w = self.inner.world.lock();
            let r = f(&mut w);
            (r, std::mem::take(&mut w.outbox))
        };
        for job in jobs {
            webhook::spawn(self.clone(), job);
        }
        result
    }

    /// The whole HTTP surface: `/oauth2`, `/helix`, `/ws`, `/sim`.
    pub fn router(&self) -> Router {
        Router::new()
            .nest("/oauth2", oauth::router())
            .nest("/helix", helix::router(self))
            .nest("/sim", control::router())
            .route("/ws", get(eventsub_ws::handler))
            .layer(middleware::from_fn_with_state(
                self.clone(),
                inject_failures,
            ))
            .layer(middleware::from_fn_with_state(self.clone(), record::layer))
            .with_state(self.clone())
    }

    /// Binds `addr`, records the base URL and serves [`Simulator::router`].
    pub async fn serve(self, addr: SocketAddr) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        self.set_base_url(&format!("http://{bound}"));
        let app = self.router();
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "twitch-sim server stopped");
            }
        });
        Ok((bound, task))
    }

    /// Sets the public base URL (done by [`Simulator::serve`]); used for
    /// reconnect URLs when the router is mounted elsewhere.
    pub fn set_base_url(&self, base: &str) {
        let base = base.trim_end_matches('/').to_string();
        self.with_world(|w| w.base_url = Some(base));
    }

    pub fn base_url(&self) -> String {
        self.with_world(|w| w.base_url.clone())
            .unwrap_or_else(|| "http://localhost".into())
    }
    /// For `TWITCH_API_URL`.
    pub fn helix_url(&self) -> String {
        format!("{}/helix", self.base_url())
    }
    /// For `TWITCH_AUTH_URL`.
    pub fn oauth_url(&self) -> String {
        format!("{}/oauth2", self.base_url())
    }
    /// For `TWITCH_EVENTSUB_WS_URL`.
    pub fn ws_url(&self) -> String {
        let base = self.base_url();
        let rest = base
            .strip_prefix("https://")
            .map(|r| format!("wss://{r}"))
            .or_else(|| base.strip_prefix("http://").map(|r| format!("ws://{r}")))
            .unwrap_or(base);
        format!("{rest}/ws")
    }

    // ----- world building -------------------------------------------------

    /// Registers an app. Empty `redirect_uris` accepts any redirect URI.
    pub fn add_client(&self, client_id: &str, secret: &str, redirect_uris: &[&str]) {
        let uris = redirect_uris.iter().map(|s| s.to_string()).collect();
        self.with_world(|w| w.add_client(client_id, secret, uris));
    }

    /// Registers an app with random credentials; returns `(id, secret)`.
    pub fn register_client(&self) -> (String, String) {
        let (id, secret) = (random_token(30), random_token(30));
        self.add_client(&id, &secret, &[]);
        (id, secret)
    }

    /// A plain account (no channel points, no Build-a-Community, 0 slots).
    pub fn add_user(&self, login: &str) -> User {
        self.with_world(|w| w.add_user(login, ""))
    }

    /// An affiliate with Build-a-Community done and 10 VIP slots.
    pub fn add_streamer(&self, login: &str) -> User {
        self.with_world(|w| w.add_user(login, "affiliate"))
    }

    /// Issues a user token without the OAuth redirect dance.
    pub fn issue_user_token(&self, client_id: &str, user: &str, scopes: &[&str]) -> IssuedToken {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        self.with_world(|w| {
            let uid = w.resolve_user(user).expect("unknown user").id.clone();
            let (t, refresh) = w.issue_user_token(client_id, &uid, &scopes);
            IssuedToken {
                access_token: t.access,
                refresh_token: refresh,
                scopes,
            }
        })
    }

    /// Issues an app access token.
    pub fn issue_app_token(&self, client_id: &str) -> String {
        self.with_world(|w| w.issue_app_token(client_id).access)
    }

    /// Creates the demo world: client `sim-demo-client…`, streamer
    /// `demo_streamer` (affiliate, 10 slots), moderator `demo_mod`, viewers
    /// `viewer_alice`, `viewer_bob`, `viewer_carol`, `viewer_dave`, and a
    /// dashboard reward "Hydrate". `/oauth2/authorize` approves as the
    /// streamer by default.
    pub fn seed_demo(&self) -> DemoSeed {
        self.with_world(|w| {
            let client_id = "simdemoclient00000000000000000".to_string();
            let client_secret = "simdemosecret0000000000000000".to_string();
            w.add_client(&client_id, &client_secret, Vec::new());
            let streamer = w.add_user("demo_streamer", "affiliate");
            let moderator = w.add_user("demo_mod", "");
            let viewers: Vec<User> = ["viewer_alice", "viewer_bob", "viewer_carol", "viewer_dave"]
                .iter()
                .map(|l| w.add_user(l, ""))
                .collect();
            actions::apply_mod_add(w, &streamer.id, &moderator.id);
            w.default_authorize_login = Some(streamer.login.clone());
            let mut body = Map::new();
            body.insert("title".into(), json!("Hydrate"));
            body.insert("cost".into(), json!(100));
            let reward = match w.channels[&streamer.id]
                .rewards
                .iter()
                .find(|r| r.title == "Hydrate")
            {
                Some(r) => r.id.clone(),
                None => helix::rewards::create(w, &streamer.id, None, &body)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(str::to_string))
                    .unwrap_or_default(),
            };
            DemoSeed {
                client_id,
                client_secret,
                streamer,
                moderator,
                viewers,
                dashboard_reward_id: reward,
            }
        })
    }

    // ----- knobs ------------------------------------------------------------

    /// The next request to `endpoint` fails with `status` (Twitch error body;
    /// 429 also carries `Ratelimit-*`). `endpoint` is `"POST /helix/channels/vips"`
    /// or just a path (any method). Queued failures are used in order.
    pub fn fail_next(&self, endpoint: &str, status: u16) {
        self.with_world(|w| w.fail_queue.push((endpoint.to_string(), status)));
    }

    /// Every request to `endpoint` (as for [`Self::fail_next`]) is answered only after `delay`:
    /// Twitch having a slow day. `Duration::ZERO` removes the pause.
    pub fn set_delay(&self, endpoint: &str, delay: Duration) {
        self.with_world(|w| {
            w.delays.retain(|(ep, _)| ep != endpoint);
            if !delay.is_zero() {
                w.delays.push((endpoint.to_string(), delay));
            }
        });
    }

    fn channel_mut<R>(
        &self,
        broadcaster: &str,
        f: impl FnOnce(&mut state::Channel) -> R,
    ) -> Result<R, ApiError> {
        self.with_world(|w| {
            let id = w
                .resolve_user(broadcaster)
                .map(|u| u.id.clone())
                .ok_or_else(|| ApiError::not_found("broadcaster not found"))?;
            Ok(f(w
                .channels
                .get_mut(&id)
                .expect("every user has a channel")))
        })
    }

    pub fn set_vip_slots(&self, broadcaster: &str, slots: usize) -> Result<(), ApiError> {
        self.channel_mut(broadcaster, |c| c.vip_slots = slots)
    }

    pub fn set_build_a_community(&self, broadcaster: &str, done: bool) -> Result<(), ApiError> {
        self.channel_mut(broadcaster, |c| c.build_a_community = done)
    }

    /// `""`, `"affiliate"` or `"partner"`.
    pub fn set_broadcaster_type(&self, broadcaster: &str, kind: &str) -> Result<(), ApiError> {
        self.with_world(|w| {
            let id = w
                .resolve_user(broadcaster)
                .map(|u| u.id.clone())
                .ok_or_else(|| ApiError::not_found("broadcaster not found"))?;
            w.users.get_mut(&id).expect("resolved").broadcaster_type = kind.to_string();
            Ok(())
        })
    }

    /// Marks `user` blocked (banned) in the broadcaster's channel.
    pub fn set_blocked(
        &self,
        broadcaster: &str,
        user: &str,
        blocked: bool,
    ) -> Result<(), ApiError> {
        let uid = self
            .with_world(|w| w.resolve_user(user).map(|u| u.id.clone()))
            .ok_or_else(|| ApiError::not_found("user not found"))?;
        self.channel_mut(broadcaster, |c| {
            if blocked {
                c.blocked.insert(uid);
            } else {
                c.blocked.remove(&uid);
            }
        })
    }

    /// Makes `user` a moderator (or not) on the Twitch side, emitting events.
    pub fn set_moderator(
        &self,
        broadcaster: &str,
        user: &str,
        moderator: bool,
    ) -> Result<(), ApiError> {
        self.with_world(|w| {
            if moderator {
                actions::twitch_add_moderator(w, broadcaster, user)
            } else {
                actions::twitch_remove_moderator(w, broadcaster, user)
            }
        })
    }

    /// Lets an access token expire now.
    pub fn expire_token(&self, access_token: &str) {
        self.with_world(|w| {
            let now = w.now();
            if let Some(t) = w.tokens.get_mut(access_token) {
                t.expires_at = now - chrono::Duration::seconds(1);
            }
        });
    }

    /// Revokes one access token (no event; see [`Simulator::revoke_authorization`]).
    pub fn revoke_token(&self, access_token: &str) {
        self.with_world(|w| {
            if let Some(t) = w.tokens.get_mut(access_token) {
                t.revoked = true;
            }
        });
    }

    /// Moves simulated time forward (tokens, VIP windows, cooldowns, buckets).
    pub fn advance_clock(&self, by: Duration) {
        self.with_world(|w| w.advance_clock(by));
    }

    /// Sets the Helix bucket size (`Ratelimit-Limit`).
    pub fn set_rate_limit(&self, points_per_minute: u32) {
        self.with_world(|w| {
            w.config.rate_limit = points_per_minute;
            w.buckets.clear();
        });
    }

    /// Default user approving `/oauth2/authorize`.
    pub fn set_authorize_user(&self, login: &str) {
        self.with_world(|w| w.default_authorize_login = Some(login.to_string()));
    }

    // ----- Twitch-side actions ----------------------------------------------

    /// A viewer redeems a reward; emits `…redemption.add`. Returns the Helix
    /// redemption object.
    pub fn redeem(
        &self,
        broadcaster: &str,
        viewer: &str,
        reward_id: &str,
        user_input: &str,
    ) -> Result<Value, ApiError> {
        self.with_world(|w| actions::redeem(w, broadcaster, viewer, reward_id, user_input))
    }

    /// Creates a reward as `owner_client_id` (None = Twitch dashboard).
    pub fn create_reward(
        &self,
        broadcaster: &str,
        owner_client_id: Option<&str>,
        title: &str,
        cost: i64,
    ) -> Result<Value, ApiError> {
        self.with_world(|w| {
            let b = w
                .resolve_user(broadcaster)
                .map(|u| u.id.clone())
                .ok_or_else(|| ApiError::not_found("broadcaster not found"))?;
            let mut body = Map::new();
            body.insert("title".into(), json!(title));
            body.insert("cost".into(), json!(cost));
            helix::rewards::create(w, &b, owner_client_id, &body)
        })
    }

    pub fn twitch_add_vip(&self, broadcaster: &str, user: &str) -> Result<(), ApiError> {
        self.with_world(|w| actions::twitch_add_vip(w, broadcaster, user))
    }

    pub fn twitch_remove_vip(&self, broadcaster: &str, user: &str) -> Result<(), ApiError> {
        self.with_world(|w| actions::twitch_remove_vip(w, broadcaster, user))
    }

    /// The user disconnects the app: tokens die, subscriptions are revoked,
    /// `user.authorization.revoke` is sent.
    pub fn revoke_authorization(&self, client_id: &str, user: &str) -> Result<(), ApiError> {
        self.with_world(|w| actions::revoke_authorization(w, client_id, user))
    }

    /// A viewer writes in chat; emits `channel.chat.message`. Returns the message id.
    pub fn post_chat(
        &self,
        broadcaster: &str,
        post: &chat_read::Post<'_>,
    ) -> Result<String, ApiError> {
        self.with_world(|w| chat_read::post(w, broadcaster, post))
    }

    pub fn stream_online(&self, broadcaster: &str) -> Result<(), ApiError> {
        self.with_world(|w| actions::stream_online(w, broadcaster))
    }

    /// The broadcaster stops the stream: `stream.offline` (409 when it is not live).
    pub fn stream_offline(&self, broadcaster: &str) -> Result<(), ApiError> {
        self.with_world(|w| stream::stream_offline(w, broadcaster))
    }

    // ----- WebSocket control ------------------------------------------------

    /// Ids of live WebSocket sessions.
    pub fn ws_sessions(&self) -> Vec<String> {
        self.with_world(|w| {
            let mut ids: Vec<String> = w.sessions.keys().cloned().collect();
            ids.sort();
            ids
        })
    }

    /// Sends `session_reconnect` to a session; returns the reconnect URL.
    pub fn ws_reconnect(&self, session_id: &str) -> Option<String> {
        let ws = self.ws_url();
        self.with_world(|w| {
            let connected_at = w.sessions.get(session_id)?.connected_at;
            let rid = random_token(32);
            let url = format!("{ws}?reconnect_id={rid}");
            let msg = events::ws_reconnect(w, session_id, &state::ts_nanos(connected_at), &url);
            let grace = w.config.ws_reconnect_grace;
            let session = w.sessions.get_mut(session_id)?;
            session.status = "reconnecting".into();
            let _ = session.tx.send(WsCommand::Send(msg));
            let _ = session.tx.send(WsCommand::ReconnectDeadline(grace));
            w.pending_reconnects.insert(rid, session_id.to_string());
            Some(url)
        })
    }

    /// Closes a session with a close code (4000–4007).
    pub fn ws_close(&self, session_id: &str, code: u16) -> bool {
        self.with_world(|w| {
            w.sessions.get(session_id).is_some_and(|s| {
                s.tx.send(WsCommand::Close(
                    code,
                    eventsub_ws::close_reason(code).into(),
                ))
                .is_ok()
            })
        })
    }

    // ----- inspection -------------------------------------------------------

    /// VIP user ids of a channel.
    pub fn vips(&self, broadcaster: &str) -> Vec<String> {
        self.channel_mut(broadcaster, |c| c.vips.clone())
            .unwrap_or_default()
    }

    /// Moderator user ids of a channel.
    pub fn moderators(&self, broadcaster: &str) -> Vec<String> {
        self.channel_mut(broadcaster, |c| c.moderators.clone())
            .unwrap_or_default()
    }

    /// `(redemption id, status)` of a channel, oldest first.
    pub fn redemptions(&self, broadcaster: &str) -> Vec<(String, RedemptionStatus)> {
        self.channel_mut(broadcaster, |c| {
            c.redemptions
                .iter()
                .map(|r| (r.id.clone(), r.status))
                .collect()
        })
        .unwrap_or_default()
    }

    /// A viewer's channel-points balance.
    pub fn points(&self, broadcaster: &str, viewer: &str) -> i64 {
        let uid = self.with_world(|w| w.resolve_user(viewer).map(|u| u.id.clone()));
        self.channel_mut(broadcaster, |c| {
            uid.and_then(|u| c.points.get(&u).copied())
                .unwrap_or(actions::DEFAULT_POINTS)
        })
        .unwrap_or_default()
    }

    /// Chat messages accepted in a channel.
    pub fn chat_messages(&self, broadcaster: &str) -> Vec<state::ChatMessage> {
        self.channel_mut(broadcaster, |c| c.chat.clone())
            .unwrap_or_default()
    }

    /// Every subscription as Get EventSub Subscriptions would show it.
    pub fn subscriptions(&self) -> Vec<Value> {
        self.with_world(|w| {
            let mut subs: Vec<&state::Subscription> = w.subscriptions.values().collect();
            subs.sort_by_key(|s| s.created_at);
            subs.iter()
                .map(|s| events::subscription_json(s, true))
                .collect()
        })
    }

    /// Twitch revokes subscription `id` with `status` (`notification_failures_exceeded`,
    /// `version_removed`, …): "Twitch may revoke any time" (Handling Webhook Events, "Revoking your
    /// subscription"); an enabled one is sent the revocation message. Returns whether it existed.
    pub fn revoke_subscription(&self, id: &str, status: &str) -> bool {
        self.with_world(|w| {
            let found = w.subscriptions.contains_key(id);
            events::revoke_subscription(w, id, status);
            found
        })
    }

    /// Subscription `id` is deleted on Twitch (by anyone holding the client's app token, as Delete
    /// EventSub Subscription does), with no message to the callback. Returns whether it existed.
    pub fn delete_subscription(&self, id: &str) -> bool {
        self.with_world(|w| w.subscriptions.remove(id).is_some())
    }

    /// Webhook requests made so far.
    pub fn webhook_log(&self) -> Vec<state::WebhookAttempt> {
        self.with_world(|w| w.webhook_log.clone())
    }
}
