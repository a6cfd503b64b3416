//! Viewers supporting a channel with money: subscriptions, resubscriptions, gifted subs and cheers.
//! Each emits the EventSub notification Twitch sends (shapes as in twitch_api 0.8.0's copies of
//! Twitch's examples; anonymous gifts and cheers carry null user fields):
//!
//! * a viewer subscribes → `channel.subscribe` (`is_gift: false`);
//! * a subscriber shares a resubscription in chat → `channel.subscription.message`;
//! * a viewer (or an anonymous one) gifts N subs → `channel.subscription.gift`, then one
//!   `channel.subscribe` with `is_gift: true` per named recipient;
//! * a viewer (or an anonymous one) cheers → `channel.cheer`, then `channel.bits.use`
//!   ([`crate::bits`]).
//!
//! Twitch's rules kept here: a viewer already subscribed cannot subscribe (or be gifted a sub)
//! again (`channel.subscribe` "does not include resubscribes"); a resubscription is shared by a
//! subscriber, in a month after the first.

use serde_json::{json, Map, Value};

use crate::actions::resolve_pair;
use crate::bits;
use crate::error::ApiError;
use crate::events::{emit, user_fields};
use crate::{Simulator, World};

/// The valid `tier` values.
pub const TIERS: [&str; 3] = ["1000", "2000", "3000"];

fn check_tier(tier: &str) -> Result<(), ApiError> {
    if TIERS.contains(&tier) {
        Ok(())
    } else {
        Err(ApiError::bad_request("tier must be 1000, 2000 or 3000"))
    }
}

fn broadcaster_id(w: &World, b: &str) -> Result<String, ApiError> {
    w.resolve_user(b)
        .map(|u| u.id.clone())
        .ok_or_else(|| ApiError::not_found(format!("user {b} not found")))
}

/// `{user_*, broadcaster_user_*}`; the user fields are null when `user` is `None` (anonymous).
fn support_event(w: &World, b: &str, user: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    user_fields(&mut m, "user", user.and_then(|u| w.users.get(u)));
    user_fields(&mut m, "broadcaster_user", w.users.get(b));
    m
}

/// Marks `user` subscribed at `tier` and emits `channel.subscribe`.
fn apply_subscribe(w: &mut World, b: &str, user: &str, tier: &str, is_gift: bool) {
    if let Some(ch) = w.channels.get_mut(b) {
        ch.subscribers.insert(user.to_owned(), tier.to_owned());
    }
    let mut m = support_event(w, b, Some(user));
    m.insert("tier".into(), json!(tier));
    m.insert("is_gift".into(), json!(is_gift));
    emit(w, "channel.subscribe", b, &[], Value::Object(m));
}

fn not_subscribed(w: &World, b: &str, user: &str) -> Result<(), ApiError> {
    if w.channels
        .get(b)
        .is_some_and(|c| c.subscribers.contains_key(user))
    {
        return Err(ApiError::bad_request(format!(
            "user {user} is already subscribed to the channel"
        )));
    }
    Ok(())
}

/// A viewer subscribes to the channel.
pub fn subscribe(w: &mut World, broadcaster: &str, user: &str, tier: &str) -> Result<(), ApiError> {
    check_tier(tier)?;
    let (b, u) = resolve_pair(w, broadcaster, user)?;
    not_subscribed(w, &b, &u)?;
    apply_subscribe(w, &b, &u, tier, false);
    Ok(())
}

/// What a subscriber shares with a resubscription.
#[derive(Debug, Clone, Default)]
pub struct Resub {
    /// Months subscribed in all, this one included (at least 2: the first month is a new sub).
    pub cumulative_months: i64,
    /// Consecutive months, or `None` when the subscriber does not share the streak.
    pub streak_months: Option<i64>,
    /// Months paid for at once (1, 3, 6 or 12 on Twitch; at least 1 here).
    pub duration_months: i64,
    /// The chat message (may be empty).
    pub text: String,
}

/// A subscriber shares a resubscription in chat (`channel.subscription.message`, at their tier).
pub fn resubscribe(
    w: &mut World,
    broadcaster: &str,
    user: &str,
    resub: &Resub,
) -> Result<(), ApiError> {
    let (b, u) = resolve_pair(w, broadcaster, user)?;
    let tier = w
        .channels
        .get(&b)
        .and_then(|c| c.subscribers.get(&u))
        .cloned()
        .ok_or_else(|| ApiError::bad_request(format!("user {user} is not subscribed")))?;
    if resub.cumulative_months < 2 {
        return Err(ApiError::bad_request(
            "cumulative_months must be at least 2 (a first month is a new subscription)",
        ));
    }
    if resub.duration_months < 1 {
        return Err(ApiError::bad_request("duration_months must be at least 1"));
    }
    if resub
        .streak_months
        .is_some_and(|s| s < 1 || s > resub.cumulative_months)
    {
        return Err(ApiError::bad_request(
            "streak_months must be between 1 and cumulative_months",
        ));
    }
    let mut m = support_event(w, &b, Some(&u));
    m.insert("tier".into(), json!(tier));
    m.insert("message".into(), json!({"text": resub.text, "emotes": []}));
    m.insert("cumulative_months".into(), json!(resub.cumulative_months));
    m.insert("streak_months".into(), json!(resub.streak_months));
    m.insert("duration_months".into(), json!(resub.duration_months));
    emit(w, "channel.subscription.message", &b, &[], Value::Object(m));
    Ok(())
}

/// A viewer (`None`: anonymous) gifts `total` subs; `recipients` (ids or logins, at most `total`)
/// receive theirs. The gifter's cumulative total in the channel is tracked (null when anonymous).
pub fn gift(
    w: &mut World,
    broadcaster: &str,
    gifter: Option<&str>,
    total: i64,
    tier: &str,
    recipients: &[String],
) -> Result<(), ApiError> {
    check_tier(tier)?;
    if total < 1 {
        return Err(ApiError::bad_request("total must be at least 1"));
    }
    if recipients.len() as i64 > total {
        return Err(ApiError::bad_request("more recipients than gifted subs"));
    }
    let b = broadcaster_id(w, broadcaster)?;
    let gifter = match gifter {
        Some(g) => Some(resolve_pair(w, &b, g)?.1),
        None => None,
    };
    let mut to = Vec::with_capacity(recipients.len());
    for r in recipients {
        let (_, r) = resolve_pair(w, &b, r)?;
        not_subscribed(w, &b, &r)?;
        if to.contains(&r) {
            return Err(ApiError::bad_request("a recipient is named twice"));
        }
        to.push(r);
    }
    let cumulative = gifter.as_ref().map(|g| {
        let ch = w.channels.get_mut(&b).expect("every user has a channel");
        let sum = ch.gifted.entry(g.clone()).or_insert(0);
        *sum += total;
        *sum
    });
    let mut m = support_event(w, &b, gifter.as_deref());
    m.insert("total".into(), json!(total));
    m.insert("tier".into(), json!(tier));
    m.insert("cumulative_total".into(), json!(cumulative));
    m.insert("is_anonymous".into(), json!(gifter.is_none()));
    emit(w, "channel.subscription.gift", &b, &[], Value::Object(m));
    for r in to {
        apply_subscribe(w, &b, &r, tier, true);
    }
    Ok(())
}

/// A viewer (`None`: anonymous) cheers `bits` with `message`.
pub fn cheer(
    w: &mut World,
    broadcaster: &str,
    user: Option<&str>,
    bits: i64,
    message: &str,
) -> Result<(), ApiError> {
    if bits < 1 {
        return Err(ApiError::bad_request("bits must be at least 1"));
    }
    let b = broadcaster_id(w, broadcaster)?;
    let user = match user {
        Some(u) => Some(resolve_pair(w, &b, u)?.1),
        None => None,
    };
    let mut m = support_event(w, &b, user.as_deref());
    m.insert("is_anonymous".into(), json!(user.is_none()));
    m.insert("message".into(), json!(message));
    m.insert("bits".into(), json!(bits));
    emit(w, "channel.cheer", &b, &[], Value::Object(m));
    bits::emit_cheer(w, &b, user.as_deref(), bits, message);
    Ok(())
}

impl Simulator {
    /// A viewer subscribes (`channel.subscribe`).
    pub fn subscribe(&self, broadcaster: &str, user: &str, tier: &str) -> Result<(), ApiError> {
        self.with_world(|w| subscribe(w, broadcaster, user, tier))
    }

    /// A viewer (`None`: anonymous) gifts `total` subs (`channel.subscription.gift`, then
    /// `channel.subscribe` per recipient).
    pub fn gift_subs(
        &self,
        broadcaster: &str,
        gifter: Option<&str>,
        total: i64,
        recipients: &[String],
    ) -> Result<(), ApiError> {
        self.with_world(|w| gift(w, broadcaster, gifter, total, "1000", recipients))
    }

    /// A subscriber shares a resubscription (`channel.subscription.message`).
    pub fn resubscribe(
        &self,
        broadcaster: &str,
        user: &str,
        resub: &Resub,
    ) -> Result<(), ApiError> {
        self.with_world(|w| resubscribe(w, broadcaster, user, resub))
    }

    /// A viewer (`None`: anonymous) cheers (`channel.cheer` and `channel.bits.use`).
    pub fn cheer(&self, broadcaster: &str, user: Option<&str>, bits: i64) -> Result<(), ApiError> {
        self.with_world(|w| cheer(w, broadcaster, user, bits, "Cheer100"))
    }

    /// Whether `user` is subscribed to the broadcaster's channel.
    pub fn is_subscribed(&self, broadcaster: &str, user: &str) -> bool {
        self.with_world(|w| {
            let (Some(b), Some(u)) = (w.resolve_user(broadcaster), w.resolve_user(user)) else {
                return false;
            };
            w.channels
                .get(&b.id)
                .is_some_and(|c| c.subscribers.contains_key(&u.id))
        })
    }
}
