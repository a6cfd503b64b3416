//! Demo mode: without `TWITCH_CLIENT_ID`, the server carries its own simulated Twitch (OAuth, Helix,
//! EventSub) mounted under `/twitch-sim`, seeded with a demo streamer, a moderator and viewers, so a
//! newcomer can try every feature without credentials. The rest of the server talks to it exactly
//! as it talks to Twitch: over HTTP and WebSocket, through the configured base URLs.
//!
//! Demo mode is for one person trying the app on their own machine: it listens on loopback unless
//! told otherwise (see the configuration), its OAuth client sends browsers back to this server only,
//! its simulator creates no webhook subscriptions (nothing is POSTed where a caller names), its
//! control API answers this machine only, and it refuses a database with real channels ([`guard`]).

mod guard;

use std::time::Duration;

use app::model::{ChannelId, VipDuration};
use app::ssr::auth::Caller;
use app::ssr::rewards::{self, RewardInput};
use app::ssr::twitch::RewardSpec;
use app::ssr::ServerContext;
use rand::Rng;
use tokio_util::sync::CancellationToken;
use twitch_sim::{DemoSeed, Simulator};

pub use guard::only_demo_channels;

use crate::config::{EventSubTransport, TwitchConfig, TwitchCredentials};

/// Where the simulator is mounted on the server.
pub const MOUNT: &str = "/twitch-sim";

#[derive(Clone)]
pub struct Demo {
    pub sim: Simulator,
    pub seed: DemoSeed,
}

impl Demo {
    /// Seeds a simulator and points `twitch` at it (under `PUBLIC_URL` + [`MOUNT`]).
    pub fn prepare(twitch: &mut TwitchConfig) -> Self {
        let sim = Simulator::with_config(twitch_sim::Config {
            allow_loopback_http_webhooks: false,
            webhook_transport: false,
            ..twitch_sim::Config::default()
        });
        let base = format!("{}{MOUNT}", twitch.public_url);
        sim.set_base_url(&base);
        let seed = sim.seed_demo();
        // The demo client's secret is public: it may send browsers back to this server only.
        sim.add_client(
            &seed.client_id,
            &seed.client_secret,
            &[twitch.redirect_uri().as_str()],
        );
        twitch.credentials = Some(TwitchCredentials {
            client_id: seed.client_id.clone(),
            client_secret: seed.client_secret.clone().into(),
        });
        twitch.api_url = sim.helix_url();
        twitch.auth_url = sim.oauth_url();
        twitch.eventsub_ws_url = sim.ws_url();
        twitch.eventsub_transport = EventSubTransport::WebSocket;
        tracing::info!(
            streamer = %seed.streamer.login,
            "demo mode: simulated Twitch at {base}; logging in approves as the demo streamer"
        );
        Self { sim, seed }
    }

    /// The simulator's routes, to mount under [`MOUNT`], with its control API kept to this machine.
    pub fn router(&self) -> axum::Router {
        self.sim
            .router()
            .layer(axum::middleware::from_fn(guard::control_from_loopback))
    }
}

impl Demo {
    /// The simulated audience: once the demo streamer has logged in, makes sure they have a VIP
    /// reward (created through the same use case as the settings page), then lets a random viewer
    /// redeem it now and then — through the simulated Twitch, so the real pipeline handles it.
    /// `every` is the average pause between redemptions (jittered ±50 %).
    pub async fn audience(self, ctx: ServerContext, every: Duration, cancel: CancellationToken) {
        let streamer = ChannelId(self.seed.streamer.id.clone());
        loop {
            let pause = every.mul_f64(rand::rng().random_range(0.5..1.5));
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(pause) => {}
            }
            if let Err(e) = self.one_redemption(&ctx, &streamer).await {
                tracing::debug!(error = %e, "demo audience skipped a turn");
            }
        }
    }

    async fn one_redemption(
        &self,
        ctx: &ServerContext,
        streamer: &ChannelId,
    ) -> anyhow::Result<()> {
        let Some(channel) = ctx.store().channel(streamer).await? else {
            return Ok(()); // not logged in yet
        };
        if channel.needs_reauth {
            return Ok(());
        }
        let mut rewards = ctx.store().rewards(streamer).await?;
        if rewards.is_empty() {
            let caller = Caller {
                user_id: channel.id.0.clone(),
                login: channel.login.clone(),
            };
            let input = RewardInput {
                spec: RewardSpec {
                    title: "VIP for 5 minutes".into(),
                    cost: 500,
                    prompt: "Demo reward: VIP for five minutes".into(),
                    enabled: true,
                    global_cooldown_secs: None,
                    max_per_stream: None,
                    max_per_user_per_stream: None,
                },
                duration: VipDuration::from_secs(300)?.into(),
            };
            rewards.push(rewards::create(ctx, &caller, streamer, input).await?);
        }
        let (viewer, reward) = {
            let mut rng = rand::rng();
            let viewer = &self.seed.viewers[rng.random_range(0..self.seed.viewers.len())];
            let reward = &rewards[rng.random_range(0..rewards.len())];
            (viewer.login.clone(), reward.clone())
        };
        if reward.enabled {
            self.sim
                .redeem(&self.seed.streamer.login, &viewer, &reward.id, "")
                .map_err(|e| anyhow::anyhow!("simulated redemption refused: {e:?}"))?;
            tracing::info!(viewer, reward = %reward.title, "demo: a simulated viewer redeemed");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_points_every_twitch_url_at_the_mounted_simulator() {
        let mut twitch = crate::config::Config::from_lookup(&|_| None)
            .unwrap()
            .twitch;
        let demo = Demo::prepare(&mut twitch);
        assert!(twitch.credentials.is_some());
        assert_eq!(twitch.api_url, "http://127.0.0.1:3000/twitch-sim/helix");
        assert_eq!(twitch.auth_url, "http://127.0.0.1:3000/twitch-sim/oauth2");
        assert_eq!(twitch.eventsub_ws_url, "ws://127.0.0.1:3000/twitch-sim/ws");
        assert_eq!(demo.seed.streamer.login, "demo_streamer");
    }
}
