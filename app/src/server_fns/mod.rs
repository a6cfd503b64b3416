//! Server functions, grouped by area. Each is a few lines that call a use case in `crate::ssr`.

mod status;

pub use status::*;
