//! Webhook message authentication, pure: the HMAC-SHA256 signature over
//! `Message-Id ‖ Message-Timestamp ‖ raw body` (compared in constant time) and the 10-minute
//! freshness window Twitch recommends against replays.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Messages older than this are rejected.
pub const MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// Messages stamped further ahead of this server's clock than this are rejected: Twitch stamps a
/// message when it sends it, so only clock skew puts a timestamp in the future, and a message
/// from far ahead would otherwise stay fresh after its id is forgotten (`MESSAGE_ID_TTL`).
pub const MAX_FUTURE_SKEW: Duration = Duration::from_secs(30);

fn mac(secret: &[u8], message_id: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(message_id.as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(body);
    mac
}

/// The `Twitch-Eventsub-Message-Signature` value for a message: `sha256=<lower-case hex>`.
pub fn sign(secret: &[u8], message_id: &str, timestamp: &str, body: &[u8]) -> String {
    let tag = mac(secret, message_id, timestamp, body)
        .finalize()
        .into_bytes();
    format!("sha256={}", hex::encode(tag))
}

/// Whether `header` is the signature of the message, compared in constant time.
pub fn signature_matches(
    secret: &[u8],
    message_id: &str,
    timestamp: &str,
    body: &[u8],
    header: &str,
) -> bool {
    let Some(hex_tag) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(tag) = hex::decode(hex_tag) else {
        return false;
    };
    mac(secret, message_id, timestamp, body)
        .verify_slice(&tag)
        .is_ok()
}

/// Whether a message sent at `sent` is at most `max_age` old at `now`, and at most
/// [`MAX_FUTURE_SKEW`] ahead of it.
pub fn is_fresh(sent: DateTime<Utc>, now: DateTime<Utc>, max_age: Duration) -> bool {
    let (Ok(max), Ok(skew)) = (
        chrono::Duration::from_std(max_age),
        chrono::Duration::from_std(MAX_FUTURE_SKEW),
    ) else {
        return true;
    };
    let age = now - sent;
    age <= max && age >= -skew
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sim/fixtures/webhook_signature_test_vector.COMPUTED.json"
    ));
    const BODY: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sim/fixtures/eventsub_redemption_add_notification.twitch_api_fixture.json"
    ));

    struct Vector {
        secret: String,
        id: String,
        timestamp: String,
        signature: String,
    }

    fn vector() -> Vector {
        let v: serde_json::Value = serde_json::from_str(VECTOR).unwrap();
        let h = &v["headers"];
        let s = |x: &serde_json::Value| x.as_str().unwrap().to_owned();
        Vector {
            secret: s(&v["secret"]),
            id: s(&h["Twitch-Eventsub-Message-Id"]),
            timestamp: s(&h["Twitch-Eventsub-Message-Timestamp"]),
            signature: s(&h["Twitch-Eventsub-Message-Signature"]),
        }
    }

    #[test]
    fn the_computed_test_vector_verifies() {
        let v = vector();
        assert_eq!(BODY.len(), 1174);
        assert_eq!(
            sign(v.secret.as_bytes(), &v.id, &v.timestamp, BODY),
            v.signature
        );
        assert!(signature_matches(
            v.secret.as_bytes(),
            &v.id,
            &v.timestamp,
            BODY,
            &v.signature
        ));
    }

    #[test]
    fn any_changed_byte_fails() {
        let v = vector();
        let secret = v.secret.as_bytes();
        let mut body = BODY.to_vec();
        body[100] ^= 1;
        assert!(!signature_matches(
            secret,
            &v.id,
            &v.timestamp,
            &body,
            &v.signature
        ));
        assert!(!signature_matches(
            b"another-secret-0000",
            &v.id,
            &v.timestamp,
            BODY,
            &v.signature
        ));
        assert!(!signature_matches(
            secret,
            "other-id",
            &v.timestamp,
            BODY,
            &v.signature
        ));
        let later = v.timestamp.replace("10:11:12", "10:11:13");
        assert!(!signature_matches(
            secret,
            &v.id,
            &later,
            BODY,
            &v.signature
        ));
        let mut flipped = v.signature.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert!(!signature_matches(
            secret,
            &v.id,
            &v.timestamp,
            BODY,
            &flipped
        ));
        let bare = v.signature.trim_start_matches("sha256=");
        assert!(!signature_matches(secret, &v.id, &v.timestamp, BODY, bare));
        assert!(!signature_matches(
            secret,
            &v.id,
            &v.timestamp,
            BODY,
            "sha256=zz"
        ));
        assert!(!signature_matches(secret, &v.id, &v.timestamp, BODY, ""));
    }

    #[test]
    fn freshness_window() {
        let now: DateTime<Utc> = "2024-05-01T12:00:00Z".parse().unwrap();
        let min = |m: i64| chrono::Duration::minutes(m);
        assert!(is_fresh(now, now, MAX_AGE));
        assert!(is_fresh(now - min(10), now, MAX_AGE));
        assert!(!is_fresh(
            now - min(10) - chrono::Duration::seconds(1),
            now,
            MAX_AGE
        ));
        assert!(!is_fresh(now + min(11), now, MAX_AGE));
        let vector_time: DateTime<Utc> = vector().timestamp.parse().unwrap();
        assert!(
            !is_fresh(vector_time, now, MAX_AGE),
            "the 2019 vector is stale"
        );
    }

    #[test]
    fn timestamps_from_the_future_are_refused_beyond_a_little_skew() {
        let now: DateTime<Utc> = "2024-05-01T12:00:00Z".parse().unwrap();
        let secs = chrono::Duration::seconds;
        assert!(is_fresh(now + secs(30), now, MAX_AGE));
        assert!(!is_fresh(now + secs(31), now, MAX_AGE));
        assert!(!is_fresh(now + secs(9 * 60), now, MAX_AGE));
    }

    #[test]
    fn message_ids_are_remembered_for_longer_than_any_message_stays_fresh() {
        let fresh_for = MAX_AGE + MAX_FUTURE_SKEW;
        assert!(crate::eventsub::MESSAGE_ID_TTL > fresh_for);
        assert!(app::ssr::store::INBOX_RETENTION > fresh_for);
    }
}
