//! The simulated world: users, channels, OAuth clients and tokens, EventSub
//! subscriptions and WebSocket sessions, plus the knobs tests turn.
//!
//! Everything lives in one [`World`] behind a `parking_lot::Mutex` (see
//! [`crate::Simulator`]). Handlers take the lock, do a few map look-ups and
//! release it; nothing awaits while holding it. Webhook deliveries that an
//! operation causes are queued in [`World::outbox`] and spawned by the caller
//! after the lock is released.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rand::Rng;
use serde_json::{Map, Value};
use tokio::sync::mpsc::UnboundedSender;

use crate::subscriptions::Subscriptions;
use crate::webhook::patience::FailureWindow;
use crate::window::Times;

/// Tunables. Defaults follow Twitch; tests shorten the timers.
#[derive(Clone, Debug)]
pub struct Config {
    /// Lifetime of user access tokens (Twitch: about 4 h).
    pub user_token_ttl: Duration,
    /// Lifetime of app access tokens (Twitch: about 60 days).
    pub app_token_ttl: Duration,
    /// Size of the Helix token bucket (`Ratelimit-Limit`, Twitch: 800/min).
    pub rate_limit: u32,
    /// Refill period of the whole bucket.
    pub rate_window: Duration,
    /// When set, keepalives are sent at this period instead of the one
    /// derived from `keepalive_timeout_seconds` (the welcome still reports the
    /// clamped value). Lets tests see keepalives without waiting 10 s.
    pub ws_keepalive_override: Option<Duration>,
    /// Close with 4003 when no subscription was created on a session within
    /// this time. `None` = the session's keepalive timeout (Twitch: 10 s).
    pub ws_unused_timeout: Option<Duration>,
    /// After `session_reconnect` the old connection is closed with 4004 when
    /// still open after this grace time (Twitch: 30 s).
    pub ws_reconnect_grace: Duration,
    /// Period of server Pings; a Ping unanswered until the next one closes
    /// the connection with 4002. `None` disables pings.
    pub ws_ping_interval: Option<Duration>,
    /// Extra delivery attempts after a failed webhook notification.
    pub webhook_retries: u32,
    /// Delay before the first retry (doubles per retry).
    pub webhook_retry_delay: Duration,
    /// A webhook answer (any status, 2XX included) that arrives later than this is a failure:
    /// Twitch: "You must respond to notification requests within a few seconds. If your server
    /// takes too long to respond, the request will time out." (2 s, the harsh end of "a few").
    pub webhook_response_deadline: Duration,
    /// How long the simulator waits for a webhook answer at all; never less than
    /// [`Config::webhook_response_deadline`]. An answer between the two is still a failure, but
    /// the delivery log shows what it was (`late`).
    pub webhook_timeout: Duration,
    /// This many failed notification attempts of one subscription, across its messages, within
    /// [`Config::webhook_failure_window`] revoke it with `notification_failures_exceeded`
    /// ("If you fail to respond quickly enough too many times"; Twitch publishes no number, see
    /// [`crate::webhook::patience`] for the choice).
    pub webhook_failure_limit: u32,
    /// The window (simulated time) over which [`Config::webhook_failure_limit`] counts.
    pub webhook_failure_window: Duration,
    /// Twitch accepts only `https` callbacks on port 443. With this set (the
    /// default) plain `http` callbacks on loopback hosts are also accepted so
    /// tests and the demo can receive webhooks locally.
    pub allow_loopback_http_webhooks: bool,
    /// Whether webhook subscriptions may be created at all (default on, as on Twitch). Off in a
    /// simulator that strangers can reach (the server's demo mode): it must not POST wherever a
    /// caller names. Harsher than Twitch, never looser.
    pub webhook_transport: bool,
    /// `/oauth2/token` with `refresh_token` returns a new refresh token and
    /// invalidates the old one (Twitch "may" do so; the strict default makes
    /// clients persist the returned one).
    pub rotate_refresh_tokens: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            user_token_ttl: Duration::from_secs(14_400),
            app_token_ttl: Duration::from_secs(5_184_000),
            rate_limit: 800,
            rate_window: Duration::from_secs(60),
            ws_keepalive_override: None,
            ws_unused_timeout: None,
            ws_reconnect_grace: Duration::from_secs(30),
            ws_ping_interval: Some(Duration::from_secs(30)),
            webhook_retries: 3,
            webhook_retry_delay: Duration::from_millis(500),
            webhook_response_deadline: Duration::from_secs(2),
            webhook_timeout: Duration::from_secs(10),
            webhook_failure_limit: 5,
            webhook_failure_window: Duration::from_secs(600),
            allow_loopback_http_webhooks: true,
            webhook_transport: true,
            rotate_refresh_tokens: true,
        }
    }
}

/// A Twitch account.
#[derive(Clone, Debug, serde::Serialize)]
pub struct User {
    pub id: String,
    pub login: String,
    pub display_name: String,
    /// `""`, `"affiliate"` or `"partner"`.
    pub broadcaster_type: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
}

/// One custom channel-points reward.
#[derive(Clone, Debug)]
pub struct Reward {
    pub id: String,
    pub title: String,
    pub prompt: String,
    pub cost: i64,
    pub background_color: String,
    pub is_enabled: bool,
    pub is_user_input_required: bool,
    pub max_per_stream: (bool, i64),
    pub max_per_user_per_stream: (bool, i64),
    pub global_cooldown: (bool, i64),
    pub is_paused: bool,
    pub should_redemptions_skip_request_queue: bool,
    /// Client id of the app that created it; `None` = made in the dashboard.
    pub owner_client_id: Option<String>,
    pub redeemed_current_stream: i64,
    pub per_user_current_stream: HashMap<String, i64>,
    pub cooldown_expires_at: Option<DateTime<Utc>>,
}

/// Helix redemption status (upper case on Helix, lower case on EventSub).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedemptionStatus {
    Unfulfilled,
    Fulfilled,
    Canceled,
}

impl RedemptionStatus {
    pub fn helix(self) -> &'static str {
        match self {
            Self::Unfulfilled => "UNFULFILLED",
            Self::Fulfilled => "FULFILLED",
            Self::Canceled => "CANCELED",
        }
    }
    pub fn eventsub(self) -> &'static str {
        match self {
            Self::Unfulfilled => "unfulfilled",
            Self::Fulfilled => "fulfilled",
            Self::Canceled => "canceled",
        }
    }
    pub fn parse_helix(s: &str) -> Option<Self> {
        match s {
            "UNFULFILLED" => Some(Self::Unfulfilled),
            "FULFILLED" => Some(Self::Fulfilled),
            "CANCELED" => Some(Self::Canceled),
            _ => None,
        }
    }
}

/// One redemption of a reward by a viewer.
#[derive(Clone, Debug)]
pub struct Redemption {
    pub id: String,
    pub reward_id: String,
    pub user_id: String,
    pub user_input: String,
    pub status: RedemptionStatus,
    pub redeemed_at: DateTime<Utc>,
    /// Reward title/prompt/cost as at redemption time.
    pub reward_title: String,
    pub reward_prompt: String,
    pub reward_cost: i64,
}

/// A chat message accepted by Send Chat Message.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ChatMessage {
    pub message_id: String,
    pub sender_id: String,
    pub message: String,
    pub sent_at: DateTime<Utc>,
    /// The message this one answers (Send Chat Message `reply_parent_message_id`).
    pub reply_parent_message_id: Option<String>,
    /// Send Chat Message `for_source_only` (app tokens only; `None` when not given).
    pub for_source_only: Option<bool>,
    /// Sent with an app access token (the Chat Bot badge).
    pub app_token: bool,
}

/// A broadcaster's channel.
#[derive(Clone, Debug, Default)]
pub struct Channel {
    pub vips: Vec<String>,
    pub moderators: Vec<String>,
    pub blocked: HashSet<String>,
    pub vip_slots: usize,
    pub build_a_community: bool,
    pub rewards: Vec<Reward>,
    pub redemptions: Vec<Redemption>,
    pub redemption_index: HashMap<String, usize>,
    /// Times of successful VIP adds / removals (10 per 10 s each).
    pub vip_adds: Times,
    pub vip_removes: Times,
    /// Channel-points balances of viewers in this channel.
    pub points: HashMap<String, i64>,
    pub chat: Vec<ChatMessage>,
    /// Messages viewers posted in chat ([`crate::chat_read`]).
    pub chat_read: Vec<ChatMessage>,
    /// Subscribers (user id → tier).
    pub subscribers: HashMap<String, String>,
    /// Subs gifted in this channel so far, per gifter (`cumulative_total`).
    pub gifted: HashMap<String, i64>,
    /// Whether the stream is live (`stream.online` seen, `stream.offline` not yet).
    pub live: bool,
}

/// A registered application.
#[derive(Clone, Debug)]
pub struct Client {
    pub id: String,
    pub secret: String,
    /// Exact redirect URIs; empty = any (a simulator leniency for demos).
    pub redirect_uris: Vec<String>,
}

/// An issued access token.
#[derive(Clone, Debug)]
pub struct Token {
    pub access: String,
    pub client_id: String,
    /// `Some` for user tokens, `None` for app tokens.
    pub user_id: Option<String>,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

#[derive(Clone, Debug)]
pub struct RefreshGrant {
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct AuthCode {
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub expires_at: DateTime<Utc>,
}

/// Where an EventSub subscription delivers.
#[derive(Clone, Debug)]
pub enum Transport {
    WebSocket {
        session_id: String,
        connected_at: DateTime<Utc>,
        disconnected_at: Option<DateTime<Utc>>,
    },
    Webhook {
        callback: String,
        secret: String,
    },
    /// Delivered to one of the conduit's shards ([`crate::conduit`]).
    Conduit {
        conduit_id: String,
    },
}

/// An EventSub subscription.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub id: String,
    pub kind: String,
    pub version: String,
    pub condition: Map<String, Value>,
    pub transport: Transport,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub cost: i64,
    pub client_id: String,
    /// User of the token that created it (WebSocket subscriptions).
    pub owner_user_id: Option<String>,
    /// Failed webhook notification attempts still counted against it.
    pub notification_failures: FailureWindow,
}

impl Subscription {
    pub fn enabled(&self) -> bool {
        self.status == "enabled"
    }
    /// Enabled or waiting for the webhook challenge: counts for limits and 409s.
    pub fn active(&self) -> bool {
        self.enabled() || self.status == "webhook_callback_verification_pending"
    }
    pub fn session_id(&self) -> Option<&str> {
        match &self.transport {
            Transport::WebSocket { session_id, .. } => Some(session_id),
            Transport::Webhook { .. } | Transport::Conduit { .. } => None,
        }
    }
}

/// Commands for a WebSocket session task.
#[derive(Debug)]
pub enum WsCommand {
    /// Send this JSON text (notification, revocation, reconnect): resets the
    /// keepalive timer.
    Send(String),
    /// Close the connection with this code and reason.
    Close(u16, String),
    /// A `session_reconnect` was sent: close with 4004 unless the client
    /// leaves within the grace time.
    ReconnectDeadline(Duration),
}

/// A live EventSub WebSocket connection.
#[derive(Debug)]
pub struct WsSession {
    pub id: String,
    pub tx: UnboundedSender<WsCommand>,
    pub connected_at: DateTime<Utc>,
    pub keepalive_secs: u64,
    /// `connected` or `reconnecting`.
    pub status: String,
    /// At least one subscription was ever created on it.
    pub used: bool,
}

/// A webhook message waiting to be sent (after the world lock is released).
#[derive(Clone, Debug)]
pub struct WebhookJob {
    pub subscription_id: String,
    pub callback: String,
    pub secret: String,
    /// `notification`, `webhook_callback_verification` or `revocation`.
    pub message_type: String,
    pub subscription_type: String,
    pub subscription_version: String,
    pub body: String,
    /// For verification jobs: the expected challenge.
    pub challenge: Option<String>,
}

/// One delivered or attempted webhook request (for tests and the demo).
#[derive(Clone, Debug, serde::Serialize)]
pub struct WebhookAttempt {
    pub subscription_id: String,
    pub message_id: String,
    pub message_type: String,
    pub retry: u32,
    /// The answer's status; `None` when none came (connection failed or the simulator stopped
    /// waiting after [`Config::webhook_timeout`]).
    pub status: Option<u16>,
    /// No complete answer within [`Config::webhook_response_deadline`]: a failure even when
    /// `status` is 2XX.
    pub late: bool,
    /// From sending the request to the complete answer (or giving up): what the callback made
    /// Twitch wait.
    pub took: std::time::Duration,
}

#[derive(Clone, Debug)]
pub struct Bucket {
    pub tokens: f64,
    pub last: DateTime<Utc>,
}

/// The whole simulated Twitch.
#[derive(Debug)]
pub struct World {
    pub config: Config,
    /// Added to the wall clock; [`World::advance_clock`] moves time forward.
    pub clock_offset: chrono::Duration,
    pub next_user_id: u64,
    pub users: HashMap<String, User>,
    pub logins: HashMap<String, String>,
    pub channels: HashMap<String, Channel>,
    pub clients: HashMap<String, Client>,
    pub tokens: HashMap<String, Token>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    pub codes: HashMap<String, AuthCode>,
    /// Scopes each user granted each client: `(client_id, user_id)`.
    pub authorizations: HashMap<(String, String), BTreeSet<String>>,
    pub subscriptions: Subscriptions,
    pub sessions: HashMap<String, WsSession>,
    /// reconnect id (in the reconnect URL) → old session id.
    pub pending_reconnects: HashMap<String, String>,
    pub buckets: HashMap<String, Bucket>,
    /// Injected failures: (endpoint, status), first match wins.
    pub fail_queue: Vec<(String, u16)>,
    /// Endpoints answered only after a pause (`Simulator::set_delay`).
    pub delays: Vec<(String, std::time::Duration)>,
    /// Default user approving `/oauth2/authorize` without a `login` hint.
    pub default_authorize_login: Option<String>,
    /// Public base URL, e.g. `http://127.0.0.1:1234` (set by `serve`).
    pub base_url: Option<String>,
    pub outbox: Vec<WebhookJob>,
    pub webhook_log: Vec<WebhookAttempt>,
    pub conduits: crate::conduit::Conduits,
    /// When each sender's recent chat messages were sent, oldest first, across every channel: the
    /// chat rate window's count ([`crate::helix::chat`]) without walking every channel's chat.
    pub chat_sent: HashMap<String, Times>,
}

/// Twitch's timestamp format (RFC 3339, nanoseconds, `Z`).
pub fn ts_nanos(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// Helix timestamp format (RFC 3339, `Z`, fraction only when present).
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A random lower-case alphanumeric string (token/client id style).
pub fn random_token(len: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl World {
    pub fn new(config: Config) -> Self {
        Self {
            config,
            clock_offset: chrono::Duration::zero(),
            next_user_id: 10_000_001,
            users: HashMap::new(),
            logins: HashMap::new(),
            channels: HashMap::new(),
            clients: HashMap::new(),
            tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            codes: HashMap::new(),
            authorizations: HashMap::new(),
            subscriptions: Subscriptions::default(),
            sessions: HashMap::new(),
            pending_reconnects: HashMap::new(),
            buckets: HashMap::new(),
            fail_queue: Vec::new(),
            delays: Vec::new(),
            default_authorize_login: None,
            base_url: None,
            outbox: Vec::new(),
            webhook_log: Vec::new(),
            conduits: crate::conduit::Conduits::default(),
            chat_sent: HashMap::new(),
        }
    }

    /// Simulated "now" (wall clock plus [`World::advance_clock`] offsets).
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }

    /// Moves simulated time forward (token expiry, rate windows, cooldowns).
    pub fn advance_clock(&mut self, by: Duration) {
        self.clock_offset += chrono::Duration::from_std(by).unwrap_or_default();
    }

    /// Creates a user (and its channel). `broadcaster_type` "" / affiliate /
    /// partner. Affiliates and partners start with Build-a-Community done and
    /// 10 VIP slots; plain accounts have neither.
    pub fn add_user(&mut self, login: &str, broadcaster_type: &str) -> User {
        let login = login.to_ascii_lowercase();
        if let Some(id) = self.logins.get(&login) {
            return self.users[id].clone();
        }
        let id = self.next_user_id.to_string();
        self.next_user_id += 1;
        let mut display = login.clone();
        if let Some(first) = display.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        let user = User {
            id: id.clone(),
            login: login.clone(),
            display_name: display,
            broadcaster_type: broadcaster_type.to_string(),
            email: format!("{login}@example.test"),
            created_at: self.now(),
        };
        let streamer = !broadcaster_type.is_empty();
        self.channels.insert(
            id.clone(),
            Channel {
                vip_slots: if streamer { 10 } else { 0 },
                build_a_community: streamer,
                ..Channel::default()
            },
        );
        self.logins.insert(login, id.clone());
        self.users.insert(id, user.clone());
        user
    }

    /// Finds a user by id or login.
    pub fn resolve_user(&self, id_or_login: &str) -> Option<&User> {
        self.users.get(id_or_login).or_else(|| {
            self.logins
                .get(&id_or_login.to_ascii_lowercase())
                .and_then(|id| self.users.get(id))
        })
    }

    pub fn add_client(&mut self, id: &str, secret: &str, redirect_uris: Vec<String>) -> Client {
        let client = Client {
            id: id.to_string(),
            secret: secret.to_string(),
            redirect_uris,
        };
        self.clients.insert(id.to_string(), client.clone());
        client
    }

    /// Issues a user token (and a refresh token); records the authorization.
    pub fn issue_user_token(
        &mut self,
        client_id: &str,
        user_id: &str,
        scopes: &[String],
    ) -> (Token, String) {
        let refresh = random_token(50);
        self.refresh_tokens.insert(
            refresh.clone(),
            RefreshGrant {
                client_id: client_id.to_string(),
                user_id: user_id.to_string(),
                scopes: scopes.to_vec(),
            },
        );
        self.authorizations
            .entry((client_id.to_string(), user_id.to_string()))
            .or_default()
            .extend(scopes.iter().cloned());
        let ttl = self.config.user_token_ttl;
        (
            self.insert_token(client_id, Some(user_id), scopes, ttl),
            refresh,
        )
    }

    pub fn issue_app_token(&mut self, client_id: &str) -> Token {
        let ttl = self.config.app_token_ttl;
        self.insert_token(client_id, None, &[], ttl)
    }

    fn insert_token(
        &mut self,
        client_id: &str,
        user_id: Option<&str>,
        scopes: &[String],
        ttl: Duration,
    ) -> Token {
        let token = Token {
            access: random_token(30),
            client_id: client_id.to_string(),
            user_id: user_id.map(str::to_string),
            scopes: scopes.to_vec(),
            expires_at: self.now() + chrono::Duration::from_std(ttl).unwrap_or_default(),
            revoked: false,
        };
        self.tokens.insert(token.access.clone(), token.clone());
        token
    }

    /// A token that is known, not revoked and not expired.
    pub fn live_token(&self, access: &str) -> Option<&Token> {
        let now = self.now();
        self.tokens
            .get(access)
            .filter(|t| !t.revoked && t.expires_at > now)
    }

    /// Takes one point from the caller's bucket. Returns
    /// `(allowed, limit, remaining, reset_epoch_seconds)`.
    pub fn take_rate_point(&mut self, key: &str) -> (bool, u32, u32, i64) {
        let now = self.now();
        let limit = self.config.rate_limit.max(1);
        let per_sec = f64::from(limit) / self.config.rate_window.as_secs_f64().max(0.001);
        let bucket = self.buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: f64::from(limit),
            last: now,
        });
        let elapsed = (now - bucket.last).num_milliseconds().max(0) as f64 / 1000.0;
        bucket.tokens = (bucket.tokens + elapsed * per_sec).min(f64::from(limit));
        bucket.last = now;
        let allowed = bucket.tokens >= 1.0;
        if allowed {
            bucket.tokens -= 1.0;
        }
        let missing = f64::from(limit) - bucket.tokens;
        let reset = now.timestamp() + (missing / per_sec).ceil() as i64;
        (allowed, limit, bucket.tokens.floor() as u32, reset)
    }

    /// Pops an injected failure for `method path`, if any.
    pub fn take_failure(&mut self, method: &str, path: &str) -> Option<u16> {
        let full = format!("{method} {path}");
        let pos = self
            .fail_queue
            .iter()
            .position(|(ep, _)| *ep == full || *ep == path)?;
        Some(self.fail_queue.remove(pos).1)
    }

    /// The pause before answering `method path`, if one is set.
    pub fn delay_for(&self, method: &str, path: &str) -> Option<std::time::Duration> {
        let full = format!("{method} {path}");
        self.delays
            .iter()
            .find(|(ep, _)| *ep == full || *ep == path)
            .map(|(_, d)| *d)
    }
}
