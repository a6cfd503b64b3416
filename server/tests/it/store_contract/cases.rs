//! The contract cases, grouped by area, and the fixtures they share. Every case takes a fresh
//! [`Backend`](crate::store_contract::Backend), passes explicit times, and never sleeps.

mod analytics;
mod api_tokens;
mod audit;
mod channels;
mod coordination;
mod deadlines;
mod inbox;
mod live_events;
mod login_sessions;
mod overlay_keys;
mod redemption_attempts;
mod redemptions;
mod roster;
mod session_cas;
mod sessions;
mod waitlist;

pub use analytics::*;
pub use api_tokens::*;
pub use audit::*;
pub use channels::*;
pub use coordination::*;
pub use deadlines::*;
pub use inbox::*;
pub use live_events::*;
pub use login_sessions::*;
pub use overlay_keys::*;
pub use redemption_attempts::*;
pub use redemptions::*;
pub use roster::*;
pub use session_cas::*;
pub use sessions::*;
pub use waitlist::*;

use std::future::Future;
use std::sync::Arc;

use app::model::{Actor, ChannelId, SessionState, Viewer, VipSession, VipSource};
use app::ssr::StoreResult;
use chrono::{DateTime, Duration, TimeZone, Utc};
use tokio::sync::Barrier;

/// A fixed instant with a non-zero microsecond part, `secs` seconds after the suite's epoch.
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 15, 9, 26).unwrap()
        + Duration::microseconds(535_897)
        + Duration::seconds(secs)
}

pub fn channel_id(id: &str) -> ChannelId {
    ChannelId(id.to_owned())
}

pub fn viewer(id: &str) -> Viewer {
    Viewer {
        id: id.to_owned(),
        login: format!("viewer{id}"),
        display_name: format!("Viewer{id}"),
    }
}

/// An active timed session granted at `at(0)`.
pub fn session(id: &str, channel: &str, viewer_id: &str, expires_at: Option<i64>) -> VipSession {
    VipSession {
        id: id.to_owned(),
        channel_id: channel_id(channel),
        viewer: viewer(viewer_id),
        source: VipSource::ChannelPoints,
        granted_by: Actor::Viewer {
            id: viewer_id.to_owned(),
            login: format!("viewer{viewer_id}"),
        },
        granted_at: at(0),
        expires_at: expires_at.map(at),
        state: SessionState::Active,
        ended_at: None,
        redemption_id: Some(format!("redemption-{id}")),
        metadata: serde_json::json!({ "note": "fixture" }),
    }
}

/// A session that already ended: `Expired` at `at(ended_secs)`.
pub fn ended(
    id: &str,
    channel: &str,
    viewer_id: &str,
    expires_at: Option<i64>,
    ended_secs: i64,
) -> VipSession {
    let mut s = session(id, channel, viewer_id, expires_at);
    s.state = SessionState::Expired;
    s.ended_at = Some(at(ended_secs));
    s
}

/// Runs `n` copies of `op` (given their index) in separate tasks released together by a
/// barrier, and returns their results in index order.
pub async fn race<F, Fut>(n: usize, op: F) -> Vec<bool>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = StoreResult<bool>> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let barrier = barrier.clone();
            let fut = op(i);
            tokio::spawn(async move {
                barrier.wait().await;
                fut.await
            })
        })
        .collect();
    let mut results = Vec::with_capacity(n);
    for task in tasks {
        results.push(
            task.await
                .expect("task panicked")
                .expect("store call failed"),
        );
    }
    results
}

/// How many racers won.
pub fn winners(results: &[bool]) -> usize {
    results.iter().filter(|won| **won).count()
}
