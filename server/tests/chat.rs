//! Chat commands end to end, in demo mode: viewers and moderators write in the simulated Twitch's
//! chat, `channel.chat.message` reaches the server through EventSub and the inbox, the command goes
//! through the same use cases as the dashboard, and the reply is threaded in chat.

mod common;

#[path = "chat/moderators.rs"]
mod moderators;
#[path = "chat/refusals.rs"]
mod refusals;
#[path = "chat/settings.rs"]
mod settings;
#[path = "chat/viewers.rs"]
mod viewers;
#[path = "chat/world.rs"]
mod world;
