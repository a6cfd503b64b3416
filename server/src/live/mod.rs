//! Live updates for dashboards: an in-process hub that fans each channel's events out to that
//! channel's open live streams (`GET /api/ws`, a WebSocket or Server-Sent Events), and a relay
//! through the store that carries events between instances sharing it. The OBS overlay's stream (`overlay.rs`) is fed by the same hub.

mod caps;
mod hub;
mod open;
mod overlay;
mod relay;
mod rights;
mod sse;
mod stream;
mod websocket;

pub use caps::StreamCaps;
pub use hub::LiveHub;
pub use overlay::overlay_stream;
pub use relay::{LiveRelay, RelaySettings};
pub use stream::{stream, StreamState};
