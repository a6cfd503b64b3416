//! The reward lifecycle against the Twitch simulator: the reward use cases and the engine over a
//! real `HelixClient`, a SQLite store and the simulator behind its chaos layer (answers lost after
//! the request took effect). Creation is idempotent (a lost answer's reward is taken over, another
//! app's title is the streamer's to change), and deleting a reward refunds what waits on it first.

mod create;
mod delete;
mod helix;
use crate::support::helix_harness;

use std::sync::{Arc, Mutex};

use app::model::{
    AuditAction, AuditEntry, AuditQuery, Channel, ChannelId, LiveEvent, LiveKind, Reward, Settings,
    SlotsFullPolicy, Viewer, VipDuration,
};
use app::ssr::auth::Caller;
use app::ssr::engine::{Engine, GrantOutcome, IncomingRedemption, RetryPolicy};
use app::ssr::live::LiveBus;
use app::ssr::rewards::{self, RewardInput};
use app::ssr::twitch::RewardSpec;
use app::ssr::ServerContext;
use helix_harness::HelixHarness;
use server::expiry::TokioClock;

/// Where Helix's reward endpoints live on the simulator.
const REWARDS: &str = "/helix/channel_points/custom_rewards";
const REDEMPTIONS: &str = "/helix/channel_points/custom_rewards/redemptions";

#[derive(Default)]
struct RecordingBus(Mutex<Vec<LiveEvent>>);

impl LiveBus for RecordingBus {
    fn publish(&self, event: LiveEvent) {
        self.0.lock().unwrap().push(event);
    }
}

/// The simulator, the app's store with the demo streamer's channel, an engine and the use cases'
/// context over the `HelixClient`.
struct Lifecycle {
    env: HelixHarness,
    ctx: ServerContext,
    live: Arc<RecordingBus>,
    caller: Caller,
}

impl Lifecycle {
    /// Slots-full redemptions wait (so a waitlist exists to clear); the engine does not retry on
    /// top of the HTTP client's own single retry, so injected failures are final.
    async fn start() -> Self {
        let env = HelixHarness::start().await;
        let settings = Settings {
            slots_full: SlotsFullPolicy::Waitlist,
            ..Settings::default()
        };
        env.store
            .save_channel(&Channel {
                id: env.channel.clone(),
                login: env.demo.streamer.login.clone(),
                display_name: env.demo.streamer.display_name.clone(),
                profile_image_url: None,
                settings,
                needs_reauth: false,
            })
            .await
            .unwrap();
        let live = Arc::new(RecordingBus::default());
        let engine = Engine::new(
            env.store.clone(),
            env.client.clone(),
            live.clone(),
            Arc::new(TokioClock),
        )
        .with_retry(RetryPolicy::none());
        let ctx = ServerContext::new("test", Arc::new(engine), None, false);
        let caller = Caller {
            user_id: env.channel.as_str().to_owned(),
            login: env.demo.streamer.login.clone(),
        };
        Self {
            env,
            ctx,
            live,
            caller,
        }
    }

    fn channel(&self) -> &ChannelId {
        &self.env.channel
    }

    async fn create(&self, title: &str, cost: u64) -> Result<Reward, app::error::AppError> {
        rewards::create(&self.ctx, &self.caller, self.channel(), input(title, cost)).await
    }

    async fn delete(&self, reward_id: &str) -> Result<(), app::error::AppError> {
        rewards::delete(&self.ctx, &self.caller, self.channel(), reward_id).await
    }

    /// `login` redeems the reward on Twitch; returns the redemption id.
    fn redeem(&self, login: &str, reward_id: &str) -> String {
        let r = self
            .env
            .sim
            .redeem(self.env.streamer(), login, reward_id, "")
            .unwrap();
        r["id"].as_str().unwrap().to_owned()
    }

    /// The redemption reaches the app (as EventSub delivers it).
    async fn deliver(&self, redemption_id: &str, reward_id: &str, viewer: usize) -> GrantOutcome {
        let seed = &self.env.demo.viewers[viewer];
        self.ctx
            .engine()
            .handle_redemption(IncomingRedemption {
                channel: self.channel().clone(),
                redemption_id: redemption_id.to_owned(),
                reward_id: reward_id.to_owned(),
                viewer: Viewer {
                    id: seed.id.clone(),
                    login: seed.login.clone(),
                    display_name: seed.display_name.clone(),
                },
                redeemed_at: chrono::Utc::now(),
            })
            .await
            .unwrap()
    }

    /// The redemption's status on the simulated Twitch.
    fn status(&self, redemption_id: &str) -> twitch_sim::RedemptionStatus {
        self.env
            .sim
            .redemptions(self.env.streamer())
            .into_iter()
            .find(|(id, _)| id == redemption_id)
            .map(|(_, s)| s)
            .expect("a redemption of the channel")
    }

    /// The channel's rewards on the simulated Twitch: (id, title, enabled, made by the app).
    fn twitch_rewards(&self) -> Vec<(String, String, bool, bool)> {
        let b = self.channel().as_str().to_owned();
        let client = self.env.demo.client_id.clone();
        self.env.sim.with_world(|w| {
            w.channels[&b]
                .rewards
                .iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        r.title.clone(),
                        r.is_enabled,
                        r.owner_client_id.as_deref() == Some(client.as_str()),
                    )
                })
                .collect()
        })
    }

    async fn audit(&self, action: AuditAction) -> Vec<AuditEntry> {
        let page = self
            .env
            .store
            .audit_page(
                self.channel(),
                &AuditQuery {
                    action: Some(action),
                    viewer_id: None,
                    before: None,
                    limit: 200,
                },
            )
            .await
            .unwrap();
        page.entries
    }

    fn live_kinds(&self) -> Vec<LiveKind> {
        self.live.0.lock().unwrap().iter().map(|e| e.kind).collect()
    }

    /// Requests to `method path` the simulator answered so far.
    fn calls(&self, method: &str, path: &str) -> Vec<twitch_sim::chaos::Exchange> {
        self.env
            .chaos
            .journal()
            .into_iter()
            .filter(|e| e.method == method && e.path == path)
            .collect()
    }
}

fn input(title: &str, cost: u64) -> RewardInput {
    RewardInput {
        spec: RewardSpec {
            title: title.into(),
            cost,
            prompt: "Become a VIP".into(),
            enabled: true,
            global_cooldown_secs: None,
            max_per_stream: None,
            max_per_user_per_stream: None,
        },
        duration: VipDuration::from_secs(3_600).unwrap().into(),
    }
}
