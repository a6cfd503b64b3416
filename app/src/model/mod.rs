//! Shared domain types: serialised on the wire, compiled for both the server and the browser.

mod duration;
mod status;

pub use duration::{DurationError, DurationUnit, VipDuration};
pub use status::ServerStatus;
