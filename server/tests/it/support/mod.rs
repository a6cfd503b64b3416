//! Test doubles and environments shared by several areas.

pub mod fake_twitch;
pub mod firestore_emulator;
pub mod helix_harness;
