//! The HTTP surface's protections against a real server on port 0: security headers and the
//! pages' Content Security Policy, refusal of cross-site requests, rate limits, that no route lets
//! one streamer change another's channel, and that no secret reaches the logs or the browser.

mod common;
#[path = "security/csrf.rs"]
mod csrf;
#[path = "security/headers.rs"]
mod headers;
#[path = "security/live_streams.rs"]
mod live_streams;
#[path = "security/ownership.rs"]
mod ownership;
#[path = "security/pages.rs"]
mod pages;
#[path = "security/rate_limits.rs"]
mod rate_limits;
#[path = "security/secrets.rs"]
mod secrets;
#[path = "security/support.rs"]
mod support;
#[path = "security/walk_routes.rs"]
mod walk_routes;
