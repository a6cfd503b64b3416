//! Live updates for dashboards: an in-process hub that fans each channel's events out to that
//! channel's open SSE streams (`GET /api/ws`), and a relay through the store that carries events
//! between instances sharing it. The OBS overlay's stream (`overlay.rs`) is fed by the same hub.

mod caps;
mod hub;
mod overlay;
mod relay;
mod rights;
mod sse;

pub use caps::StreamCaps;
pub use hub::LiveHub;
pub use overlay::overlay_stream;
pub use relay::{LiveRelay, RelaySettings};
pub use sse::{stream, SseState};
