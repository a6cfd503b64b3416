//! Demo mode: without `TWITCH_CLIENT_ID`, the server carries its own simulated Twitch (OAuth, Helix,
//! EventSub) mounted under `/twitch-sim`, seeded with a demo streamer, a moderator and viewers, so a
//! newcomer can try every feature without credentials. The rest of the server talks to it exactly
//! as it talks to Twitch: over HTTP and WebSocket, through the configured base URLs.

use twitch_sim::{DemoSeed, Simulator};

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
        let sim = Simulator::new();
        let base = format!("{}{MOUNT}", twitch.public_url);
        sim.set_base_url(&base);
        let seed = sim.seed_demo();
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
