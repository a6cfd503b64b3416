//! Server functions, grouped by area. Each is a few lines that call a use case in `crate::ssr`.

// The response encoding of the server functions below.
pub mod codec;

mod account;
mod activity;
mod dashboard;
mod settings;
mod status;
mod vips;

pub use account::*;
pub use activity::*;
pub use dashboard::*;
pub use settings::*;
pub use status::*;
pub use vips::*;
