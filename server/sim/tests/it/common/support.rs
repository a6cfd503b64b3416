//! Support and bits events: their scopes, the app's constructed fixtures they are compared with,
//! a socket subscribed to them and the next event of one type.

use serde_json::{json, Value};

use super::{subscribe_ws, ws_next, ws_session, SimHarness, Ws};

pub const SUBS: &str = "channel:read:subscriptions";
pub const BITS: &str = "bits:read";

/// The event of one of the app's constructed fixtures (kept in this crate's `fixtures/`).
pub fn fixture_event(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let body: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    body["event"].clone()
}

/// A socket subscribed to `kinds` on the streamer's channel with a token that carries both scopes.
pub async fn subscribed(env: &SimHarness, kinds: &[&str]) -> Ws {
    let token = env.user_token("streamer", &[SUBS, BITS]);
    let (ws, session) = ws_session(env).await;
    for kind in kinds {
        let condition = json!({"broadcaster_user_id": env.streamer.id});
        let r = subscribe_ws(env, &token, kind, condition, &session).await;
        assert_eq!(r.status, 202, "{kind}: {}", r.text);
    }
    ws
}

/// The next message, which must be a notification of `kind`; returns its event.
pub async fn next_event(ws: &mut Ws, kind: &str) -> Value {
    let n = ws_next(ws).await;
    assert_eq!(n["metadata"]["message_type"], "notification");
    assert_eq!(n["metadata"]["subscription_type"], kind, "{n}");
    n["payload"]["event"].clone()
}
