//! The simulator's integration tests, one binary: each module is one area of Twitch's
//! behaviour, sharing the helpers in `common`.

mod bits_and_resubs;
mod chaos;
mod chat;
mod common;
mod conduits;
mod control_api;
mod eventsub_ws;
mod helix_reward_lifecycle;
mod helix_rewards;
mod helix_vips;
mod oauth;
mod subscription_listing;
mod support_events;
mod webhook;
mod webhook_patience;
