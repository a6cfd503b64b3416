//! One webhook body through `parse_webhook` under every message type the receiver distinguishes
//! (the type comes from a header, so any body may arrive with any type), then through
//! `notification_event` / `stream_online` / `revocation_event` as the receiver does. Nothing may
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use server::eventsub::parse::{
    notification_event, parse_webhook, revocation_event, WebhookMessage,
};
use server::eventsub::parse::stream::stream_online;

const MESSAGE_TYPES: [&str; 4] = [
    "webhook_callback_verification",
    "notification",
    "revocation",
    "an_unknown_type",
];

fuzz_target!(|body: &[u8]| {
    for message_type in MESSAGE_TYPES {
        match parse_webhook(message_type, body) {
            Ok(WebhookMessage::Notification(notification)) => {
                let _ = notification_event("fuzz-message-id", &notification);
                let _ = stream_online(&notification);
            }
            Ok(WebhookMessage::Revocation(subscription)) => {
                let _ = revocation_event(&subscription);
            }
            Ok(WebhookMessage::Challenge { .. } | WebhookMessage::Other(_)) | Err(_) => {}
        }
    }
});
