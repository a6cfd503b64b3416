//! The simulated Twitch the chaos runs against, in the test process: an app registration, streamers
//! who log in to the server through OAuth and create a reward each through its REST API, viewers who
//! redeem, and the evidence gathered at the end.

use std::collections::HashMap;
use std::time::Duration;

use app::model::RedemptionOutcome;
use app::ssr::store::prelude::*;
use serde_json::{json, Value};
use server::store::SqliteStore;
use twitch_sim::chaos::{Chaos, Exchange};
use twitch_sim::{Simulator, User};

use super::invariants::{Recorded, Redeemed};
use super::process::Running;

const CLIENT_ID: &str = "chaosclient0000000000000000000";
const CLIENT_SECRET: &str = "chaossecret0000000000000000000";
/// A request to the server still unanswered after this long is hung.
const REQUEST_LIMIT: Duration = Duration::from_secs(60);

/// One streamer's channel and the reward the app made for it.
pub struct ChannelSetup {
    pub streamer: User,
    pub reward_id: String,
    pub duration: Duration,
}

pub struct Stage {
    pub sim: Simulator,
    pub chaos: Chaos,
    pub base: String,
    pub viewers: Vec<User>,
    pub channels: Vec<ChannelSetup>,
}

impl Stage {
    /// Serves a fresh simulator on loopback with `viewers` viewers and one streamer per duration.
    pub async fn new(durations: &[Duration], viewers: usize) -> Self {
        let sim = Simulator::new();
        let chaos = Chaos::default();
        let (addr, _task) = sim
            .clone()
            .serve_with_chaos("127.0.0.1:0".parse().unwrap(), &chaos)
            .await
            .unwrap();
        sim.add_client(CLIENT_ID, CLIENT_SECRET, &[]);
        let viewers = (0..viewers)
            .map(|i| sim.add_user(&format!("chaos_viewer_{i}")))
            .collect();
        let channels = durations
            .iter()
            .enumerate()
            .map(|(i, d)| ChannelSetup {
                streamer: sim.add_streamer(&format!("chaos_streamer_{i}")),
                reward_id: String::new(),
                duration: *d,
            })
            .collect();
        Self {
            sim,
            chaos,
            base: format!("http://{addr}"),
            viewers,
            channels,
        }
    }

    /// The server's environment pointed at this simulator (the database is the caller's).
    pub fn server_env(&self) -> Vec<(String, String)> {
        [
            ("TWITCH_CLIENT_ID", CLIENT_ID.to_owned()),
            ("TWITCH_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            ("TWITCH_API_URL", self.sim.helix_url()),
            ("TWITCH_AUTH_URL", self.sim.oauth_url()),
            ("TWITCH_EVENTSUB_WS_URL", self.sim.ws_url()),
            ("EVENTSUB_TRANSPORT", "websocket".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Every streamer logs in (OAuth through the simulator) and creates the app's reward.
    pub async fn log_in_and_create_rewards(&mut self, server: &Running) {
        for channel in &mut self.channels {
            let browser = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(REQUEST_LIMIT)
                .build()
                .unwrap();
            let res = browser
                .get(server.url("/api/auth/login"))
                .send()
                .await
                .unwrap();
            let authorize = format!("{}&login={}", location(&res), channel.streamer.login);
            assert!(authorize.starts_with(&self.base), "{authorize}");
            let res = browser.get(&authorize).send().await.unwrap();
            let callback = location(&res);
            assert!(callback.contains("/api/auth/callback?code="), "{callback}");
            let res = browser.get(&callback).send().await.unwrap();
            assert_eq!(location(&res), "/dashboard");

            let res = browser
                .post(server.url("/api/channel-points"))
                .json(&json!({
                    "title": "Chaos VIP",
                    "cost": 10,
                    "duration_secs": channel.duration.as_secs(),
                }))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
            let reward: Value = res.json().await.unwrap();
            channel.reward_id = reward["id"].as_str().unwrap().to_owned();
        }
    }

    /// Whether every channel has an enabled redemption subscription (its EventSub is connected).
    pub fn all_listening(&self) -> bool {
        let subs = self.sim.subscriptions();
        self.channels.iter().all(|c| {
            subs.iter().any(|s| {
                s["type"] == "channel.channel_points_custom_reward_redemption.add"
                    && s["status"] == "enabled"
                    && s["condition"]["broadcaster_user_id"] == c.streamer.id.as_str()
            })
        })
    }

    /// A viewer redeems a channel's reward on Twitch.
    pub fn redeem(&self, channel: usize, viewer: usize) {
        let c = &self.channels[channel];
        self.sim
            .redeem(&c.streamer.id, &self.viewers[viewer].id, &c.reward_id, "")
            .expect("the reward can be redeemed");
    }

    /// Every redemption of the app's rewards as Twitch holds it.
    pub fn redemptions(&self) -> Vec<Redeemed> {
        self.sim.with_world(|w| {
            self.channels
                .iter()
                .flat_map(|c| {
                    w.channels[&c.streamer.id]
                        .redemptions
                        .iter()
                        .filter(|r| r.reward_id == c.reward_id)
                        .map(|r| Redeemed {
                            id: r.id.clone(),
                            broadcaster: c.streamer.id.clone(),
                            viewer: r.user_id.clone(),
                            redeemed_at: r.redeemed_at,
                            duration: chrono::Duration::from_std(c.duration).unwrap(),
                            status: r.status,
                        })
                        .collect::<Vec<_>>()
                })
                .collect()
        })
    }

    /// `(broadcaster, viewer)` for every VIP on Twitch.
    pub fn vips_now(&self) -> Vec<(String, String)> {
        self.channels
            .iter()
            .flat_map(|c| {
                self.sim
                    .vips(&c.streamer.id)
                    .into_iter()
                    .map(|v| (c.streamer.id.clone(), v))
            })
            .collect()
    }

    /// Everything is decided on Twitch and nobody is VIP any more.
    pub fn calm(&self) -> bool {
        self.vips_now().is_empty()
            && self
                .redemptions()
                .iter()
                .all(|r| r.status != twitch_sim::RedemptionStatus::Unfulfilled)
    }

    pub fn journal(&self) -> Vec<Exchange> {
        self.chaos.journal()
    }
}

/// How the server's store recorded each redemption.
pub async fn recorded(store: &SqliteStore, ids: &[String]) -> HashMap<String, Recorded> {
    let mut out = HashMap::new();
    for id in ids {
        let recorded = match store.redemption(id).await.unwrap().map(|r| r.outcome) {
            Some(RedemptionOutcome::Fulfilled) => Recorded::Fulfilled,
            Some(RedemptionOutcome::Refunded(reason)) => Recorded::Refunded(format!("{reason:?}")),
            Some(other) => Recorded::Undecided(format!("{other:?}")),
            None => Recorded::Undecided("never seen".into()),
        };
        out.insert(id.clone(), recorded);
    }
    out
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .unwrap_or_else(|| panic!("a redirect, got {}", res.status()))
        .to_str()
        .unwrap()
        .to_owned()
}
