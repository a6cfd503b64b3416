//! The server's integration tests, one binary: each module is one area, sharing the harness in
//! `common` and the doubles in `support`.

mod common;
mod support;

mod activity;
mod analytics;
mod api_tokens;
mod auth;
mod chaos;
mod chat;
mod checkpoints;
mod compression;
mod conduit;
mod engine;
mod error_reporting;
mod eventsub;
mod eventsub_server;
mod flow;
mod helix;
mod http;
mod intake;
mod languages;
mod live_relay;
mod overlay;
mod page_reads;
mod process;
mod rewards;
mod roster;
mod security;
mod settings;
mod store_contract;
mod stream_end;
mod validation;
mod vip_rows;
mod warnings;
mod zones;
