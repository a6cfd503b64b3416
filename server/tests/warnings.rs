//! Expiry warnings: use-case tests of the engine (a real `SqliteStore`, the `InMemoryTwitch` fake,
//! a clock the test moves; two engines on one store stand for two instances or a restart), and the
//! whole server in demo mode, where the expiry scheduler wakes for a warning.

mod common;
#[path = "warnings/engine.rs"]
mod engine;
#[path = "support/fake_twitch.rs"]
mod fake_twitch;
#[path = "warnings/server.rs"]
mod server_flow;
