//! The HTTP surface's protections against a real server on port 0: security headers and the
//! pages' Content Security Policy, refusal of cross-site requests, rate limits, that no route lets
//! one streamer change another's channel, and that no secret reaches the logs or the browser;
//! the webhook's edges (junk, size, timestamps) and logins' (state, credentials, enumeration).

mod cloud_run;
mod csrf;
mod demo_mode;
mod ending_sessions;
mod headers;
mod live_streams;
mod moderator_cache;
mod moderator_login;
mod moderator_permissions;
mod ownership;
mod pages;
mod rate_limits;
mod secrets;
mod secrets_at_rest;
mod session_edges;
mod support;
mod walk_routes;
mod webhook_edges;
