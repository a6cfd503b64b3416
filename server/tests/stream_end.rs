//! VIP until the stream ends, through the whole server in demo mode against the simulated Twitch:
//! the REST contract (`"duration": "stream_end"`, `"until": "stream_end"`, the grace setting and
//! every refusal), and the stream's end as Twitch reports it (`stream.offline`, `stream.online`).

#[path = "stream_end/api.rs"]
mod api;
mod common;
#[path = "stream_end/flow.rs"]
mod flow;
#[path = "stream_end/support.rs"]
mod support;
