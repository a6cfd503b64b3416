//! VIP until the stream ends, through the whole server in demo mode against the simulated Twitch:
//! the REST contract (`"duration": "stream_end"`, `"until": "stream_end"`, the grace setting and
//! every refusal), and the stream's end as Twitch reports it (`stream.offline`, `stream.online`).

mod api;
mod flow;
mod rewards;
mod support;
