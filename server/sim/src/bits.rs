//! Bits spent in a channel: `channel.bits.use` (Twitch's EventSub subscription types: "sends a
//! notification whenever Bits are used on a channel" — when a user cheers, uses a Power-up or sends
//! a Combo; Bits spent through Extensions are not included, and a streamer using a Power-up for free
//! in their own channel sends none). Shapes as in the reference's "Channel Bits Use Event" and its
//! example (twitch_api 0.8.0's copy): `type` is `cheer`, `power_up` or `combo`; `power_up {type,
//! emote, message_effect_id}` and `message {text, fragments}` may be null.
//!
//! * a viewer cheers → `channel.cheer` (see [`crate::support`]) and this event with `type: cheer`
//!   and the cheer's text cut into `text` and `cheermote` fragments;
//! * a viewer uses a Power-up (`message_effect`, `celebration`, `gigantify_an_emote`) → `power_up`;
//! * a viewer sends a Combo → `combo`.
//!
//! Anonymity: the reference gives this event no `is_anonymous` and lists its user fields as always
//! present. Twitch is silent on anonymous cheers here; the simulator takes the harsher reading and
//! names the placeholder account Twitch's chat shows them under ([`ANONYMOUS_CHEERER`]), so a
//! consumer that trusted the user fields of a cheer would grant a placeholder.

use serde_json::{json, Map, Value};

use crate::actions::resolve_pair;
use crate::error::ApiError;
use crate::events::{emit, user_fields};
use crate::{Simulator, World};

/// The Power-ups Twitch sells for bits (the reference's `power_up.type` values).
pub const POWER_UPS: [&str; 3] = ["message_effect", "celebration", "gigantify_an_emote"];

/// The account under which anonymous cheers are shown.
pub const ANONYMOUS_CHEERER: &str = "ananonymouscheerer";

/// The message effect a `message_effect` Power-up applies.
const MESSAGE_EFFECT: &str = "simmer";

/// Cheermote tiers (Get Cheermotes: `min_bits` of each tier).
const CHEER_TIERS: [i64; 5] = [1, 100, 1_000, 5_000, 10_000];

fn fragment(kind: &str, text: &str, cheermote: Value, emote: Value) -> Value {
    json!({"type": kind, "text": text, "cheermote": cheermote, "emote": emote})
}

/// `Cheer100` → `("cheer", 100)`.
fn cheermote(word: &str) -> Option<(String, i64)> {
    let digits = word.find(|c: char| c.is_ascii_digit())?;
    let (prefix, amount) = word.split_at(digits);
    if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let bits: i64 = amount.parse().ok().filter(|b| *b > 0)?;
    Some((prefix.to_ascii_lowercase(), bits))
}

/// A cheer's text as Twitch cuts it: cheermotes apart, the text between them (spaces included).
pub fn cheer_fragments(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut plain = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            plain.push(' ');
        }
        let Some((prefix, bits)) = cheermote(word) else {
            plain.push_str(word);
            continue;
        };
        if !plain.is_empty() {
            out.push(fragment("text", &plain, Value::Null, Value::Null));
            plain.clear();
        }
        let tier = CHEER_TIERS.iter().rev().find(|t| **t <= bits).copied();
        let mote = json!({"prefix": prefix, "bits": bits, "tier": tier});
        out.push(fragment("cheermote", word, mote, Value::Null));
    }
    if !plain.is_empty() {
        out.push(fragment("text", &plain, Value::Null, Value::Null));
    }
    out
}

fn event(
    w: &World,
    b: &str,
    user: &str,
    bits: i64,
    kind: &str,
    power_up: Value,
    message: Value,
) -> Value {
    let mut m = Map::new();
    user_fields(&mut m, "user", w.users.get(user));
    user_fields(&mut m, "broadcaster_user", w.users.get(b));
    m.insert("bits".into(), json!(bits));
    m.insert("type".into(), json!(kind));
    m.insert("power_up".into(), power_up);
    m.insert("message".into(), message);
    Value::Object(m)
}

/// The placeholder account of anonymous cheers, created the first time it is needed.
fn anonymous_cheerer(w: &mut World) -> String {
    let id = w.add_user(ANONYMOUS_CHEERER, "").id;
    if let Some(u) = w.users.get_mut(&id) {
        u.display_name = "AnAnonymousCheerer".into();
    }
    id
}

/// The `channel.bits.use` of a cheer (`user` `None`: anonymous) with its text.
pub fn emit_cheer(w: &mut World, b: &str, user: Option<&str>, bits: i64, text: &str) {
    let user = match user {
        Some(u) => u.to_owned(),
        None => anonymous_cheerer(w),
    };
    let message = json!({"text": text, "fragments": cheer_fragments(text)});
    let ev = event(w, b, &user, bits, "cheer", Value::Null, message);
    emit(w, "channel.bits.use", b, &[], ev);
}

fn check_bits(bits: i64) -> Result<(), ApiError> {
    if bits < 1 {
        return Err(ApiError::bad_request("bits must be at least 1"));
    }
    Ok(())
}

/// A viewer uses a Power-up of `kind` for `bits`. A message effect needs the message it decorates;
/// the broadcaster's own Power-ups are free and send nothing.
pub fn power_up(
    w: &mut World,
    broadcaster: &str,
    user: &str,
    kind: &str,
    bits: i64,
    text: &str,
) -> Result<(), ApiError> {
    check_bits(bits)?;
    if !POWER_UPS.contains(&kind) {
        return Err(ApiError::bad_request(
            "type must be message_effect, celebration or gigantify_an_emote",
        ));
    }
    let (b, u) = resolve_pair(w, broadcaster, user)?;
    let (power_up, message) = match kind {
        "message_effect" if text.trim().is_empty() => {
            return Err(ApiError::bad_request("a message effect needs a message"));
        }
        "message_effect" => (
            json!({"type": kind, "emote": null, "message_effect_id": MESSAGE_EFFECT}),
            json!({"text": text, "fragments": [fragment("text", text, Value::Null, Value::Null)]}),
        ),
        "gigantify_an_emote" => {
            let emote =
                json!({"id": "25", "emote_set_id": "0", "owner_id": "0", "format": ["static"]});
            (
                json!({"type": kind, "emote": {"id": "25", "name": "Kappa"}, "message_effect_id": null}),
                json!({"text": "Kappa", "fragments": [fragment("emote", "Kappa", Value::Null, emote)]}),
            )
        }
        _ => (
            json!({"type": kind, "emote": null, "message_effect_id": null}),
            Value::Null,
        ),
    };
    if b == u {
        return Ok(());
    }
    let ev = event(w, &b, &u, bits, "power_up", power_up, message);
    emit(w, "channel.bits.use", &b, &[], ev);
    Ok(())
}

/// A viewer sends a Combo worth `bits`.
pub fn combo(w: &mut World, broadcaster: &str, user: &str, bits: i64) -> Result<(), ApiError> {
    check_bits(bits)?;
    let (b, u) = resolve_pair(w, broadcaster, user)?;
    let ev = event(w, &b, &u, bits, "combo", Value::Null, Value::Null);
    emit(w, "channel.bits.use", &b, &[], ev);
    Ok(())
}

impl Simulator {
    /// A viewer uses a Power-up (`channel.bits.use`, `type: power_up`).
    pub fn use_power_up(
        &self,
        broadcaster: &str,
        user: &str,
        kind: &str,
        bits: i64,
        text: &str,
    ) -> Result<(), ApiError> {
        self.with_world(|w| power_up(w, broadcaster, user, kind, bits, text))
    }

    /// A viewer sends a Combo (`channel.bits.use`, `type: combo`).
    pub fn send_combo(&self, broadcaster: &str, user: &str, bits: i64) -> Result<(), ApiError> {
        self.with_world(|w| combo(w, broadcaster, user, bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cheer_is_cut_into_cheermotes_and_the_text_between() {
        let fragments = cheer_fragments("cheer1 hi cheer1");
        let texts: Vec<&str> = fragments
            .iter()
            .map(|f| f["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["cheer1", " hi ", "cheer1"]);
        assert_eq!(fragments[0]["cheermote"]["prefix"], "cheer");
        assert_eq!(fragments[0]["cheermote"]["tier"], 1);
        assert_eq!(fragments[1]["type"], "text");
        let big = cheer_fragments("Kappa Cheer5000");
        assert_eq!(big[0]["text"], "Kappa ");
        assert_eq!(big[1]["cheermote"]["bits"], 5_000);
        assert_eq!(big[1]["cheermote"]["tier"], 5_000);
        assert!(cheer_fragments("").is_empty());
        assert_eq!(cheer_fragments("100 times")[0]["type"], "text");
    }
}
