//! Server functions, grouped by area. Each is a few lines that call a use case in `crate::ssr`.

// The response encoding of the server functions below.
pub mod codec;

mod account;
mod activity;
mod analytics;
mod api_tokens;
mod dashboard;
mod first_steps;
#[cfg(feature = "ssr")]
mod flash;
#[cfg(feature = "ssr")]
mod landing;
mod overlay;
mod roster;
mod settings;
mod status;
mod vips;

pub use account::*;
pub use activity::*;
pub use analytics::*;
pub use api_tokens::*;
pub use dashboard::*;
pub use first_steps::*;
pub use overlay::*;
pub use roster::*;
pub use settings::*;
pub use status::*;
pub use vips::*;
