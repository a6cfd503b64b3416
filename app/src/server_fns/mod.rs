//! Server functions, grouped by area. Each is a few lines that call a use case in `crate::ssr`.

mod dashboard;
mod status;
mod vips;

pub use dashboard::*;
pub use status::*;
pub use vips::*;
