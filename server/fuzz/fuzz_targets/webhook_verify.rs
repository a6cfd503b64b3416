//! The webhook signature check and freshness window with random headers, bodies and secrets.
//!
//! Properties: nothing panics; a random header verifies only if it is the signature; what `sign`
//! produces verifies (round trip); changing any byte of the secret, message id, timestamp, body or
//! signature makes it fail; the freshness window is symmetric and always holds at distance zero.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use server::eventsub::webhook::verify::{is_fresh, sign, signature_matches, MAX_AGE};

#[derive(Debug, Arbitrary)]
struct Input {
    secret: Vec<u8>,
    message_id: String,
    timestamp: String,
    body: Vec<u8>,
    header: String,
    /// Which byte to change, and how (a zero mask is made non-zero).
    change_at: usize,
    change_mask: u8,
    sent_secs: i64,
    sent_nanos: u32,
    max_age_secs: u64,
}

/// `bytes` with the byte at `at` (modulo the length) XOR-ed with a non-zero mask; `None` if empty.
fn changed(bytes: &[u8], at: usize, mask: u8) -> Option<Vec<u8>> {
    if bytes.is_empty() {
        return None;
    }
    let mut out = bytes.to_vec();
    out[at % bytes.len()] ^= mask.max(1);
    Some(out)
}

fn check_signature(input: &Input) {
    let Input {
        secret,
        message_id: id,
        timestamp: ts,
        body,
        header,
        ..
    } = input;
    let (at, mask) = (input.change_at, input.change_mask);
    let signature = sign(secret, id, ts, body);
    if signature_matches(secret, id, ts, body, header) {
        // Hex digits may come in either case; anything else is not the signature.
        assert_eq!(
            header.to_ascii_lowercase(),
            signature,
            "a forged header verified"
        );
    }
    assert!(
        signature_matches(secret, id, ts, body, &signature),
        "a signed message did not verify"
    );
    if let Some(other) = changed(secret, at, mask) {
        assert!(
            !signature_matches(&other, id, ts, body, &signature),
            "changed secret"
        );
    }
    if let Some(other) = changed(body, at, mask) {
        assert!(
            !signature_matches(secret, id, ts, &other, &signature),
            "changed body"
        );
    }
    // Message id and timestamp are text: a change that leaves valid UTF-8.
    if let Some(other) = changed(id.as_bytes(), at, mask).and_then(|b| String::from_utf8(b).ok()) {
        assert!(
            !signature_matches(secret, &other, ts, body, &signature),
            "changed id"
        );
    }
    if let Some(other) = changed(ts.as_bytes(), at, mask).and_then(|b| String::from_utf8(b).ok()) {
        assert!(
            !signature_matches(secret, id, &other, body, &signature),
            "changed timestamp"
        );
    }
    let mut extended = body.clone();
    extended.push(mask);
    assert!(
        !signature_matches(secret, id, ts, &extended, &signature),
        "appended byte"
    );
    // One hex digit of the tag replaced by a different digit.
    let digit = "sha256=".len() + at % (signature.len() - "sha256=".len());
    let mut forged = signature.clone().into_bytes();
    forged[digit] = if forged[digit] == b'0' { b'1' } else { b'0' };
    let forged = String::from_utf8(forged).expect("hex is ASCII");
    assert!(
        !signature_matches(secret, id, ts, body, &forged),
        "changed tag digit"
    );
}

fn check_freshness(input: &Input) {
    let now = Utc::now();
    let max_age = Duration::from_secs(input.max_age_secs);
    let mut sent = Vec::new();
    if let Ok(parsed) = DateTime::parse_from_rfc3339(&input.timestamp) {
        sent.push(parsed.with_timezone(&Utc));
    }
    if let Some(at) = DateTime::from_timestamp(input.sent_secs, input.sent_nanos) {
        sent.push(at);
    }
    for sent in sent {
        for window in [MAX_AGE, max_age] {
            assert_eq!(
                is_fresh(sent, now, window),
                is_fresh(now, sent, window),
                "asymmetric"
            );
            assert!(is_fresh(sent, sent, window), "not fresh at distance zero");
        }
    }
}

fuzz_target!(|input: Input| {
    check_signature(&input);
    check_freshness(&input);
});
