//! Live updates for dashboards: an in-process hub that fans each channel's events out to that
//! channel's open SSE streams (`GET /api/ws`).

mod hub;
mod sse;

pub use hub::LiveHub;
pub use sse::{stream, SseState};
