//! The decisions of one channel's EventSub WebSocket session, as a pure function over what happened
//! (Twitch docs). The socket loop in [`crate::eventsub::ws`] feeds it and carries out the [`Step`].
//!
//! A session has a *current* socket and, during a `session_reconnect` hand-over, a *successor*
//! opened on the reconnect URL. Rules:
//! * the first welcome of a fresh connection → subscribe (once); a welcome on a socket that
//!   inherited the subscriptions (hand-over) → never resubscribe;
//! * `session_reconnect` → open the successor, keep reading the current socket;
//! * the successor's welcome → close the old socket, the successor becomes current;
//! * the current socket closing or falling silent past the keepalive window → if a successor is on
//!   its way continue with it, otherwise restart from the base URL (with backoff) and resubscribe;
//! * the successor failing before its welcome → drop it and keep the current socket;
//! * a revocation with `authorization_revoked` → stop: the broadcaster must log in again.

use std::time::Duration;

/// Which socket something happened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Current,
    Successor,
}

/// A received message, reduced to what the decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Welcome,
    Keepalive,
    Notification,
    Reconnect,
    Revocation { authorization_revoked: bool },
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Message(Role, Signal),
    /// The socket ended: a close frame (with its code) or a transport error / EOF (`None`).
    Closed(Role, Option<u16>),
    /// Neither a message nor a keepalive within the allowed silence (or no welcome in time).
    Silent(Role),
}

/// What the loop knows about its sockets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// The current socket's welcome arrived.
    pub welcomed: bool,
    /// The current socket took over subscriptions in a hand-over: its welcome must not resubscribe.
    pub inherited: bool,
    /// A successor socket is open and waiting for its welcome.
    pub successor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Create the channel's subscriptions on the current session (first welcome of a fresh session).
    Subscribe,
    /// The current socket (inherited in a hand-over) is welcomed; nothing to create.
    Ready,
    /// Hand the notification to the sink (after message-id dedupe).
    Deliver,
    Nothing,
    /// Connect to the reconnect URL verbatim; keep reading the current socket.
    OpenSuccessor,
    /// The successor is welcomed: close the old socket; the successor becomes current.
    HandOver,
    /// The successor failed before its welcome: forget it, keep the current socket.
    DropSuccessor,
    /// The current socket ended while a successor is on its way: continue with the successor.
    PromoteSuccessor,
    /// The broadcaster revoked the app's authorisation: report it and stop.
    Revoked,
    /// The session is lost: reconnect to the base URL after a backoff and resubscribe.
    Restart(String),
}

/// The decision for one input.
pub fn decide(view: View, input: Input) -> Step {
    use Role::{Current, Successor};
    match input {
        Input::Message(Current, Signal::Welcome) if view.welcomed => Step::Nothing,
        Input::Message(Current, Signal::Welcome) if view.inherited => Step::Ready,
        Input::Message(Current, Signal::Welcome) => Step::Subscribe,
        Input::Message(Successor, Signal::Welcome) => Step::HandOver,
        Input::Message(_, Signal::Notification) => Step::Deliver,
        Input::Message(Current, Signal::Reconnect) if !view.successor => Step::OpenSuccessor,
        Input::Message(
            _,
            Signal::Revocation {
                authorization_revoked: true,
            },
        ) => Step::Revoked,
        Input::Message(_, _) => Step::Nothing,
        Input::Closed(Current, _) | Input::Silent(Current) if view.successor => {
            Step::PromoteSuccessor
        }
        Input::Closed(Current, code) => Step::Restart(match code {
            Some(code) => format!("closed by Twitch: {code} {}", close_reason(code)),
            None => "connection lost".to_owned(),
        }),
        Input::Silent(Current) if view.welcomed => Step::Restart("keepalive timeout".to_owned()),
        Input::Silent(Current) => Step::Restart("no welcome message in time".to_owned()),
        Input::Closed(Successor, _) | Input::Silent(Successor) => Step::DropSuccessor,
    }
}

/// The view after carrying out `step` (what the loop's sockets look like then).
pub fn next_view(view: View, step: &Step) -> View {
    match step {
        Step::Subscribe | Step::Ready => View {
            welcomed: true,
            ..view
        },
        Step::OpenSuccessor => View {
            successor: true,
            ..view
        },
        Step::HandOver => View {
            welcomed: true,
            inherited: true,
            successor: false,
        },
        Step::DropSuccessor => View {
            successor: false,
            ..view
        },
        Step::PromoteSuccessor => View {
            welcomed: false,
            inherited: true,
            successor: false,
        },
        Step::Restart(_) => View::default(),
        Step::Deliver | Step::Nothing | Step::Revoked => view,
    }
}

/// How long a socket may stay silent: the keepalive timeout plus half of it for latency.
pub fn allowed_silence(keepalive: Duration) -> Duration {
    keepalive + keepalive / 2
}

/// Twitch's meaning of an EventSub close code.
pub fn close_reason(code: u16) -> &'static str {
    match code {
        4000 => "internal server error",
        4001 => "client sent inbound traffic",
        4002 => "client failed ping-pong",
        4003 => "connection unused",
        4004 => "reconnect grace time expired",
        4005 => "network timeout",
        4006 => "network error",
        4007 => "invalid reconnect",
        _ => "",
    }
}

/// Close codes that point at a bug in this client (logged as errors, retried all the same).
pub fn is_client_fault(code: u16) -> bool {
    matches!(code, 4001..=4004 | 4007)
}

#[cfg(test)]
mod tests;
