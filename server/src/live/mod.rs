//! Live updates for dashboards: an in-process hub that fans each channel's events out to that
//! channel's open SSE streams (`GET /api/ws`), and a relay through the store that carries events
//! between instances sharing it.

mod caps;
mod hub;
mod relay;
mod rights;
mod sse;

pub use caps::StreamCaps;
pub use hub::LiveHub;
pub use relay::{LiveRelay, RelaySettings};
pub use sse::{stream, SseState};
