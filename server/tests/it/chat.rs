//! Chat commands end to end, in demo mode: viewers and moderators write in the simulated Twitch's
//! chat, `channel.chat.message` reaches the server through EventSub and the inbox, the command goes
//! through the same use cases as the dashboard, and the reply is threaded in chat.

mod bot_connect;
mod bot_speaks;
mod bot_webhook;
mod moderators;
mod rate;
mod refusals;
mod settings;
mod viewers;
mod world;
