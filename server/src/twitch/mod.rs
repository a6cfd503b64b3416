//! Everything that talks to Twitch: OAuth and tokens, Helix, EventSub.

pub mod oauth;
pub mod scopes;
pub mod tokens;
