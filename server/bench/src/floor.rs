//! The physical floor of the grant and expiry paths on this machine: the same simulator, the same
//! loopback and the same HTTP client stack, with nothing of the product in between. The product's
//! times are reported as multiples of these; absolute times on a shared machine are noisy, the
//! ratio much less so.
//!
//! - [`FloorHandler`]: a minimal webhook receiver. It answers the verification challenge, and for a
//!   redemption notification answers `204` and sends Add Channel VIP with the broadcaster's token.
//!   No store, no signature check, no rules, no refunds.
//! - [`bare_removals`]: one `tokio::time::sleep_until` per deadline, then Remove Channel VIP.
//!
//! Both run on a runtime of their own with two worker threads (as the server process has on this
//! machine), so the benchmark's own tasks do not queue in front of them; they share the two cores
//! with the simulator exactly as the server does.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use chrono::{DateTime, Utc};
use tokio::runtime::Runtime;

use crate::fleet::Fleet;

const REDEMPTION_ADD: &str = "channel.channel_points_custom_reward_redemption.add";

/// A runtime of its own; dropped without waiting for its tasks.
struct OwnRuntime(Option<Runtime>);

impl OwnRuntime {
    fn new() -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        Ok(Self(Some(runtime)))
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        self.0
            .as_ref()
            .map(Runtime::handle)
            .expect("runtime present")
    }
}

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// Where the floor sends its Helix requests, with each broadcaster's token.
struct Helix {
    http: reqwest::Client,
    url: String,
    client_id: String,
    tokens: HashMap<String, String>,
}

impl Helix {
    fn of(fleet: &Fleet) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: fleet.sim.helix_url(),
            client_id: fleet.client_id.clone(),
            tokens: fleet
                .channels
                .iter()
                .map(|c| (c.user.id.clone(), c.token.access_token.clone()))
                .collect(),
        }
    }

    /// `POST` (add) or `DELETE` (remove) `/channels/vips`; the answer is read and ignored.
    async fn vip(&self, method: reqwest::Method, broadcaster: &str, user: &str) {
        let Some(token) = self.tokens.get(broadcaster) else {
            return;
        };
        let sent = self
            .http
            .request(method, format!("{}/channels/vips", self.url))
            .query(&[("broadcaster_id", broadcaster), ("user_id", user)])
            .bearer_auth(token)
            .header("Client-Id", &self.client_id)
            .send()
            .await;
        if let Ok(res) = sent {
            let _ = res.bytes().await;
        }
    }
}

/// See the module docs.
pub struct FloorHandler {
    pub addr: SocketAddr,
    _runtime: OwnRuntime,
}

impl FloorHandler {
    /// Serves the handler on a free loopback port and subscribes it, with the app token, to every
    /// fleet channel's redemptions; returns once every subscription is enabled.
    ///
    /// # Errors
    /// When it cannot listen, or a subscription is refused or not enabled within a minute.
    pub async fn start(fleet: &Fleet) -> anyhow::Result<Self> {
        let runtime = OwnRuntime::new()?;
        let helix = Arc::new(Helix::of(fleet));
        let listener = runtime
            .handle()
            .spawn(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .await??;
        let addr = listener.local_addr()?;
        let app = Router::new().route("/", post(receive)).with_state(helix);
        runtime.handle().spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        subscribe(fleet, &format!("http://{addr}/")).await?;
        Ok(Self {
            addr,
            _runtime: runtime,
        })
    }
}

/// The handler: the challenge, or `204` and Add VIP for a redemption.
async fn receive(State(helix): State<Arc<Helix>>, headers: HeaderMap, body: Bytes) -> Response {
    let kind = headers
        .get("twitch-eventsub-message-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Ok(message) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match kind {
        "webhook_callback_verification" => {
            let challenge = message["challenge"].as_str().unwrap_or_default().to_owned();
            (StatusCode::OK, challenge).into_response()
        }
        "notification" if message["subscription"]["type"] == REDEMPTION_ADD => {
            let event = &message["event"];
            let broadcaster = event["broadcaster_user_id"].as_str().map(str::to_owned);
            let user = event["user_id"].as_str().map(str::to_owned);
            if let (Some(broadcaster), Some(user)) = (broadcaster, user) {
                tokio::spawn(async move {
                    helix.vip(reqwest::Method::POST, &broadcaster, &user).await;
                });
            }
            StatusCode::NO_CONTENT.into_response()
        }
        _ => StatusCode::NO_CONTENT.into_response(),
    }
}

/// Creates one redemption subscription per fleet channel to `callback` and waits until the
/// simulator has verified them all.
async fn subscribe(fleet: &Fleet, callback: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let app_token = fleet.sim.issue_app_token(&fleet.client_id);
    let url = format!("{}/eventsub/subscriptions", fleet.sim.helix_url());
    let secret = uuid::Uuid::new_v4().simple().to_string();
    for channel in &fleet.channels {
        let body = serde_json::json!({
            "type": REDEMPTION_ADD,
            "version": "1",
            "condition": { "broadcaster_user_id": channel.user.id },
            "transport": { "method": "webhook", "callback": callback, "secret": secret },
        });
        let res = http
            .post(&url)
            .bearer_auth(&app_token)
            .header("Client-Id", &fleet.client_id)
            .json(&body)
            .send()
            .await?;
        if !res.status().is_success() {
            bail!(
                "the floor's subscription was refused: {} {}",
                res.status(),
                res.text().await.unwrap_or_default()
            );
        }
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while fleet.enabled_channel_subscriptions() < fleet.channels.len() {
        if std::time::Instant::now() > deadline {
            bail!("the floor's subscriptions were not enabled within a minute");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Removes each `(broadcaster id, user id)` at its deadline with a bare timer; returns when the
/// last request has been answered.
///
/// # Errors
/// When the runtime cannot be built or a timer task panics.
pub async fn bare_removals(
    fleet: &Fleet,
    due: Vec<((String, String), DateTime<Utc>)>,
) -> anyhow::Result<()> {
    let runtime = OwnRuntime::new()?;
    let helix = Arc::new(Helix::of(fleet));
    let now = (tokio::time::Instant::now(), Utc::now());
    let mut timers = Vec::with_capacity(due.len());
    for ((broadcaster, user), deadline) in due {
        let wait = (deadline - now.1).to_std().unwrap_or(Duration::ZERO);
        let helix = helix.clone();
        timers.push(runtime.handle().spawn(async move {
            tokio::time::sleep_until(now.0 + wait).await;
            helix
                .vip(reqwest::Method::DELETE, &broadcaster, &user)
                .await;
        }));
    }
    for timer in timers {
        timer.await.context("a bare timer failed")?;
    }
    Ok(())
}
