//! Expiry warnings: use-case tests of the engine (a real `SqliteStore`, the `InMemoryTwitch` fake,
//! a clock the test moves; two engines on one store stand for two instances or a restart), and the
//! whole server in demo mode, where the expiry scheduler wakes for a warning.

mod engine;
mod server_flow;

use crate::support::fake_twitch;
