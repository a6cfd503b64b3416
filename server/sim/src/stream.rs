//! The broadcaster's stream: whether it is live, and `stream.offline` when it stops
//! (`stream.online`, which also resets per-stream reward counters, is in [`crate::actions`]).
//!
//! Twitch: "The `stream.offline` subscription type sends a notification when the specified
//! broadcaster stops a stream" (EventSub reference, Stream Offline; version 1, no authorization,
//! condition `broadcaster_user_id`; the event carries `broadcaster_user_id`,
//! `broadcaster_user_login` and `broadcaster_user_name`, nothing else). A stream that is not live
//! cannot stop, so the simulator refuses to end one (409) rather than send an event Twitch never
//! would.

use serde_json::{Map, Value};

use crate::actions::user_or_404;
use crate::error::ApiError;
use crate::events::{emit, user_fields};
use crate::state::World;

/// The broadcaster stops their stream: `stream.offline` is emitted.
///
/// # Errors
/// 404 for an unknown broadcaster, 409 when the stream is not live.
pub fn stream_offline(w: &mut World, broadcaster: &str) -> Result<(), ApiError> {
    let b = user_or_404(w, broadcaster)?.to_string();
    let Some(ch) = w.channels.get_mut(&b).filter(|ch| ch.live) else {
        return Err(ApiError::new(409, "the stream is not live"));
    };
    ch.live = false;
    let mut m = Map::new();
    user_fields(&mut m, "broadcaster_user", w.users.get(&b));
    emit(w, "stream.offline", &b, &[], Value::Object(m));
    Ok(())
}
