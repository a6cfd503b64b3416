//! A signed-in stranger asking for a channel they do not moderate costs its streamer at most one
//! Get Moderators call while the channel's list is fresh, and the list follows Twitch's
//! `channel.moderator.add` and `channel.moderator.remove` at once. Counted with the simulated
//! Twitch's request log.

use std::time::Duration;

use serde_json::json;
use twitch_sim::record::Event;
use twitch_sim::Simulator;

use crate::common::{eventually, location, TestServer};
use crate::security::support::send;

/// A server signed in to a simulated Twitch on its own port.
pub struct Stage {
    pub sim: Simulator,
    pub server: TestServer,
}

impl Stage {
    pub async fn start() -> Self {
        let sim = Simulator::new();
        sim.clone()
            .serve("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        sim.seed_demo();
        let (client_id, client_secret) = sim.register_client();
        let (api, auth, ws) = (sim.helix_url(), sim.oauth_url(), sim.ws_url());
        let server = TestServer::start_with(&[
            ("TWITCH_CLIENT_ID", client_id.as_str()),
            ("TWITCH_CLIENT_SECRET", client_secret.as_str()),
            ("TWITCH_API_URL", api.as_str()),
            ("TWITCH_AUTH_URL", auth.as_str()),
            ("TWITCH_EVENTSUB_WS_URL", ws.as_str()),
            ("EVENTSUB_TRANSPORT", "websocket"),
        ])
        .await;
        Self { sim, server }
    }

    /// Signs `login` in (made a Twitch user first) with a fresh browser.
    pub async fn log_in(&self, login: &str) -> reqwest::Client {
        self.sim.add_streamer(login);
        let browser = TestServer::browser();
        let res = browser
            .get(self.server.url("/api/auth/login"))
            .send()
            .await
            .unwrap();
        let authorize = format!("{}&login={login}", location(&res));
        let res = browser.get(&authorize).send().await.unwrap();
        let res = browser.get(location(&res)).send().await.unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());
        browser
    }

    /// Get Moderators calls the simulated Twitch served since the last call of this.
    pub fn moderator_calls(&self) -> usize {
        self.sim
            .recorder()
            .take()
            .iter()
            .filter(|e| {
                matches!(&e.event, Event::Request { path, .. }
                    if path.ends_with("/moderation/moderators"))
            })
            .count()
    }

    pub fn channel_id(&self, login: &str) -> String {
        self.sim
            .with_world(|w| w.resolve_user(login).unwrap().id.clone())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_asking_again_and_again_costs_the_streamer_one_helix_call() {
    let stage = Stage::start().await;
    let owner = stage.log_in("demo_streamer").await;
    let reply = send(
        owner
            .put(stage.server.url("/api/settings"))
            .json(&json!({ "moderators_can_manage": true })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stranger = stage.log_in("nosy_neighbour").await;
    let channel = stage.channel_id("demo_streamer");
    stage.sim.recorder().start();
    stage.moderator_calls();

    for path in ["/api/vip", "/api/ws", "/api/vip", "/api/ws", "/api/vip"] {
        let url = stage.server.url(&format!("{path}?channel={channel}"));
        let reply = send(stranger.get(&url)).await;
        assert_eq!(reply.status, 403, "{path}: {}", reply.body);
    }
    assert!(
        stage.moderator_calls() <= 1,
        "one Get Moderators call answers every check while the list is fresh"
    );

    // Twitch says the stranger became a moderator: the next check asks again and lets them in.
    stage
        .sim
        .set_moderator("demo_streamer", "nosy_neighbour", true)
        .unwrap();
    let url = stage.server.url(&format!("/api/vip?channel={channel}"));
    eventually(
        "the new moderator is let in",
        Duration::from_secs(30),
        || async { (send(stranger.get(&url)).await.status == 200).then_some(()) },
    )
    .await;
    stage.moderator_calls();
    for _ in 0..3 {
        assert_eq!(send(stranger.get(&url)).await.status, 200);
    }
    assert_eq!(
        stage.moderator_calls(),
        0,
        "the moderator's list is cached too"
    );

    // Twitch says they are no longer a moderator: their access ends with the event.
    stage
        .sim
        .set_moderator("demo_streamer", "nosy_neighbour", false)
        .unwrap();
    eventually(
        "the removed moderator is refused",
        Duration::from_secs(30),
        || async { (send(stranger.get(&url)).await.status == 403).then_some(()) },
    )
    .await;
    stage.server.stop().await.unwrap();
}
