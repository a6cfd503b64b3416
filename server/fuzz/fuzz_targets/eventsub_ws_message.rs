//! One EventSub WebSocket text frame through `parse_ws`, then through what the session does with
//! the result: a notification's domain event (or `stream.online`), a revocation's meaning, and the
//! silence deadline a welcome's keepalive sets (`Socket::set_keepalive`), which must be in Twitch's
//! documented range. Nothing may panic.
#![no_main]

use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use server::eventsub::ws::machine::allowed_silence;
use server::eventsub::parse::{
    notification_event, parse_ws, revocation_event, WsKind, KEEPALIVE_SECONDS,
};
use server::eventsub::parse::stream::stream_online;

fuzz_target!(|data: &[u8]| {
    // Text frames are UTF-8 by the WebSocket protocol; tungstenite rejects anything else.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(message) = parse_ws(text) else {
        return;
    };
    match &message.kind {
        WsKind::Welcome {
            keepalive: Some(keepalive),
            ..
        } => {
            assert!(
                KEEPALIVE_SECONDS.contains(&keepalive.as_secs()),
                "{keepalive:?}"
            );
            let _deadline = Instant::now() + allowed_silence(*keepalive);
        }
        WsKind::Notification(notification) => {
            let _ = notification_event(&message.id, notification);
            let _ = stream_online(notification);
        }
        WsKind::Revocation(subscription) => {
            let _ = revocation_event(subscription);
        }
        _ => {}
    }
});
