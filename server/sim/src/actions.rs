//! Things that happen "on Twitch's side" and the state changes shared by
//! Helix handlers and the control API. Each change emits the matching
//! EventSub notification:
//!
//! * a viewer redeems a reward → `channel.channel_points_custom_reward_redemption.add`
//! * a redemption is fulfilled/canceled → `…redemption.update`
//! * VIP added/removed → `channel.vip.add` / `channel.vip.remove`
//! * moderator added/removed → `channel.moderator.add` / `.remove`
//! * a user disconnects an app → `user.authorization.revoke` (webhook) and
//!   `authorization_revoked` revocations of that user's subscriptions
//! * the stream goes live → `stream.online`

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::events::{emit, revoke_subscription, user_fields};
use crate::helix::redemptions::redemption_json;
use crate::state::{new_uuid, ts_nanos, Redemption, RedemptionStatus, World};

/// Starting channel-points balance of a viewer in a channel.
pub const DEFAULT_POINTS: i64 = 1_000_000;

/// `{user_*, broadcaster_user_*}` event body (VIP / moderator events).
fn user_event(w: &World, broadcaster: &str, user: &str) -> Value {
    let mut m = Map::new();
    user_fields(&mut m, "user", w.users.get(user));
    user_fields(&mut m, "broadcaster_user", w.users.get(broadcaster));
    Value::Object(m)
}

pub(crate) fn user_or_404<'a>(w: &'a World, id_or_login: &str) -> Result<&'a str, ApiError> {
    w.resolve_user(id_or_login)
        .map(|u| u.id.as_str())
        .ok_or_else(|| ApiError::not_found(format!("user {id_or_login} not found")))
}

/// Resolves `(broadcaster, user)` given as ids or logins.
pub fn resolve_pair(w: &World, b: &str, u: &str) -> Result<(String, String), ApiError> {
    Ok((
        user_or_404(w, b)?.to_string(),
        user_or_404(w, u)?.to_string(),
    ))
}

/// Add Channel VIP rules other than auth and the 10/10 s window:
/// 422 the broadcaster themself, 425 Build-a-Community, 400 blocked,
/// 422 moderator, 422 already VIP, 409 no free slot.
pub fn check_vip_add(w: &World, b: &str, u: &str) -> Result<(), ApiError> {
    let ch = w
        .channels
        .get(b)
        .ok_or_else(|| ApiError::not_found("The ID in broadcaster_id was not found"))?;
    // Add Channel VIP (https://dev.twitch.tv/docs/api/reference/#add-channel-vip) documents no
    // answer for `user_id` = `broadcaster_id`, but the channel's owner holds the broadcaster role,
    // which Twitch does not combine with VIP (as it does not combine moderator with VIP: the
    // documented 422). Harsher of the plausible answers: a 422 that is neither "moderator" nor
    // "already a VIP", so a client cannot tell it apart by Get Moderators or Get VIPs.
    if u == b {
        return Err(ApiError::new(
            422,
            "The user in user_id is the broadcaster and may not be added as a VIP of their own channel.",
        ));
    }
    if !ch.build_a_community {
        return Err(ApiError::new(
            425,
            "The broadcaster must complete the Build a Community requirement before they may assign VIPs.",
        ));
    }
    if ch.blocked.contains(u) {
        return Err(ApiError::bad_request(
            "The user in user_id is blocked from the broadcaster's channel.",
        ));
    }
    if ch.moderators.iter().any(|m| m == u) {
        return Err(ApiError::new(
            422,
            "The user in user_id is a moderator. To make them a VIP, you must first remove them as a moderator.",
        ));
    }
    if ch.vips.iter().any(|v| v == u) {
        return Err(ApiError::new(422, "The user in user_id is already a VIP."));
    }
    if ch.vips.len() >= ch.vip_slots {
        return Err(ApiError::new(
            409,
            "The broadcaster doesn't have available VIP slots.",
        ));
    }
    Ok(())
}

/// Adds the VIP (rules already checked) and emits `channel.vip.add`.
pub fn apply_vip_add(w: &mut World, b: &str, u: &str) {
    if let Some(ch) = w.channels.get_mut(b) {
        if !ch.vips.iter().any(|v| v == u) {
            ch.vips.push(u.to_string());
        }
    }
    let ev = user_event(w, b, u);
    emit(w, "channel.vip.add", b, &[], ev);
}

/// Removes the VIP (if one) and emits `channel.vip.remove`.
pub fn apply_vip_remove(w: &mut World, b: &str, u: &str) -> bool {
    let removed = w.channels.get_mut(b).is_some_and(|ch| {
        let before = ch.vips.len();
        ch.vips.retain(|v| v != u);
        ch.vips.len() != before
    });
    if removed {
        let ev = user_event(w, b, u);
        emit(w, "channel.vip.remove", b, &[], ev);
    }
    removed
}

/// Adds a moderator and emits `channel.moderator.add`.
pub fn apply_mod_add(w: &mut World, b: &str, u: &str) {
    if let Some(ch) = w.channels.get_mut(b) {
        if !ch.moderators.iter().any(|m| m == u) {
            ch.moderators.push(u.to_string());
        }
    }
    let ev = user_event(w, b, u);
    emit(w, "channel.moderator.add", b, &[], ev);
}

/// Removes a moderator and emits `channel.moderator.remove`.
pub fn apply_mod_remove(w: &mut World, b: &str, u: &str) -> bool {
    let removed = w.channels.get_mut(b).is_some_and(|ch| {
        let before = ch.moderators.len();
        ch.moderators.retain(|m| m != u);
        ch.moderators.len() != before
    });
    if removed {
        let ev = user_event(w, b, u);
        emit(w, "channel.moderator.remove", b, &[], ev);
    }
    removed
}

/// The broadcaster VIPs someone in the Twitch UI (same rules as the API,
/// without the API's 10/10 s window).
pub fn twitch_add_vip(w: &mut World, b: &str, u: &str) -> Result<(), ApiError> {
    let (b, u) = resolve_pair(w, b, u)?;
    check_vip_add(w, &b, &u)?;
    apply_vip_add(w, &b, &u);
    Ok(())
}

/// The broadcaster un-VIPs someone in the Twitch UI (422 when not a VIP).
pub fn twitch_remove_vip(w: &mut World, b: &str, u: &str) -> Result<(), ApiError> {
    let (b, u) = resolve_pair(w, b, u)?;
    if apply_vip_remove(w, &b, &u) {
        Ok(())
    } else {
        Err(ApiError::new(422, "The user in user_id is not a VIP."))
    }
}

/// The broadcaster mods someone in the Twitch UI. A VIP loses VIP first
/// (`channel.vip.remove`, then `channel.moderator.add`).
pub fn twitch_add_moderator(w: &mut World, b: &str, u: &str) -> Result<(), ApiError> {
    let (b, u) = resolve_pair(w, b, u)?;
    if w.channels[&b].moderators.contains(&u) {
        return Err(ApiError::bad_request("user is already a mod"));
    }
    apply_vip_remove(w, &b, &u);
    apply_mod_add(w, &b, &u);
    Ok(())
}

/// The broadcaster unmods someone in the Twitch UI.
pub fn twitch_remove_moderator(w: &mut World, b: &str, u: &str) -> Result<(), ApiError> {
    let (b, u) = resolve_pair(w, b, u)?;
    if apply_mod_remove(w, &b, &u) {
        Ok(())
    } else {
        Err(ApiError::bad_request("user is not a mod"))
    }
}

/// `channel.channel_points_custom_reward_redemption.*` event body.
pub fn redemption_event(w: &World, b: &str, r: &Redemption) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(r.id));
    user_fields(&mut m, "broadcaster_user", w.users.get(b));
    user_fields(&mut m, "user", w.users.get(&r.user_id));
    m.insert("user_input".into(), json!(r.user_input));
    m.insert("status".into(), json!(r.status.eventsub()));
    m.insert(
        "reward".into(),
        json!({"id": r.reward_id, "title": r.reward_title, "cost": r.reward_cost, "prompt": r.reward_prompt}),
    );
    m.insert("redeemed_at".into(), json!(ts_nanos(r.redeemed_at)));
    Value::Object(m)
}

/// A viewer redeems a reward. Enforces enabled/paused/input/max-per-stream/
/// per-user/cooldown rules and the viewer's balance, creates the redemption
/// (`UNFULFILLED`, or `FULFILLED` when the reward skips the queue) and emits
/// `…redemption.add`. Returns the Helix redemption object.
pub fn redeem(
    w: &mut World,
    broadcaster: &str,
    viewer: &str,
    reward_id: &str,
    user_input: &str,
) -> Result<Value, ApiError> {
    let (b, v) = resolve_pair(w, broadcaster, viewer)?;
    let now = w.now();
    let ch = w.channels.get_mut(&b).expect("every user has a channel");
    let reward = ch
        .rewards
        .iter_mut()
        .find(|r| r.id == reward_id)
        .ok_or_else(|| ApiError::not_found("reward not found"))?;
    if !reward.is_enabled || reward.is_paused {
        return Err(ApiError::bad_request("reward is disabled or paused"));
    }
    if reward.is_user_input_required && user_input.trim().is_empty() {
        return Err(ApiError::bad_request("reward requires user input"));
    }
    if reward.max_per_stream.0 && reward.redeemed_current_stream >= reward.max_per_stream.1 {
        return Err(ApiError::bad_request("reward is out of stock"));
    }
    let mine = reward.per_user_current_stream.get(&v).copied().unwrap_or(0);
    if reward.max_per_user_per_stream.0 && mine >= reward.max_per_user_per_stream.1 {
        return Err(ApiError::bad_request(
            "viewer reached the per-stream limit for this reward",
        ));
    }
    if reward.cooldown_expires_at.is_some_and(|t| t > now) {
        return Err(ApiError::bad_request("reward is on cooldown"));
    }
    let balance = ch.points.entry(v.clone()).or_insert(DEFAULT_POINTS);
    if *balance < reward.cost {
        return Err(ApiError::bad_request("not enough channel points"));
    }
    *balance -= reward.cost;
    reward.redeemed_current_stream += 1;
    *reward.per_user_current_stream.entry(v.clone()).or_insert(0) += 1;
    if reward.global_cooldown.0 {
        reward.cooldown_expires_at =
            Some(now + chrono::Duration::seconds(reward.global_cooldown.1));
    }
    let redemption = Redemption {
        id: new_uuid(),
        reward_id: reward.id.clone(),
        user_id: v,
        user_input: if reward.is_user_input_required {
            user_input.to_string()
        } else {
            String::new()
        },
        status: if reward.should_redemptions_skip_request_queue {
            RedemptionStatus::Fulfilled
        } else {
            RedemptionStatus::Unfulfilled
        },
        redeemed_at: now,
        reward_title: reward.title.clone(),
        reward_prompt: reward.prompt.clone(),
        reward_cost: reward.cost,
    };
    ch.redemption_index
        .insert(redemption.id.clone(), ch.redemptions.len());
    ch.redemptions.push(redemption.clone());
    let event = redemption_event(w, &b, &redemption);
    emit(
        w,
        "channel.channel_points_custom_reward_redemption.add",
        &b,
        &[("reward_id", reward_id)],
        event,
    );
    Ok(redemption_json(w, &b, &redemption))
}

/// Moves UNFULFILLED redemptions `ids` of `reward_id` to `status`
/// (CANCELED refunds the points) and emits `…redemption.update` for each.
/// Ids that are unknown or not UNFULFILLED are skipped.
pub fn set_redemption_status(
    w: &mut World,
    b: &str,
    reward_id: &str,
    ids: &[&str],
    status: RedemptionStatus,
) -> Vec<Redemption> {
    let Some(ch) = w.channels.get_mut(b) else {
        return Vec::new();
    };
    let mut changed = Vec::new();
    for id in ids {
        let Some(&idx) = ch.redemption_index.get(*id) else {
            continue;
        };
        let r = &mut ch.redemptions[idx];
        if r.reward_id != reward_id || r.status != RedemptionStatus::Unfulfilled {
            continue;
        }
        r.status = status;
        if status == RedemptionStatus::Canceled {
            *ch.points.entry(r.user_id.clone()).or_insert(DEFAULT_POINTS) += r.reward_cost;
        }
        changed.push(r.clone());
    }
    for r in &changed {
        let event = redemption_event(w, b, r);
        emit(
            w,
            "channel.channel_points_custom_reward_redemption.update",
            b,
            &[("reward_id", reward_id)],
            event,
        );
    }
    changed
}

/// The user disconnects the app (or changes password): all of the pair's
/// tokens and refresh tokens die, the user's subscriptions for this client
/// are revoked with `authorization_revoked`, and `user.authorization.revoke`
/// is sent to the client's subscribers.
///
/// "The user's subscriptions" are those made with their token and those whose condition names them
/// as the broadcaster or as the `user_id` whose authorisation the subscription needs: a chat bot's
/// `channel.chat.message` made with the app token needs `user:read:chat` and `user:bot` from its
/// `user_id` (dev.twitch.tv/docs/eventsub/eventsub-subscription-types/#channelchatmessage) and rests
/// on the bot's grant, so the bot's withdrawal revokes it. Twitch names no other user for the reason
/// ("authorization_revoked — The user revoked the authorization token or simply changed their
/// password", dev.twitch.tv/docs/eventsub/handling-webhook-events/#revoking-your-subscription):
/// the revocation does not say whose grant went.
pub fn revoke_authorization(w: &mut World, client_id: &str, user: &str) -> Result<(), ApiError> {
    let user_id = user_or_404(w, user)?.to_string();
    w.authorizations
        .remove(&(client_id.to_string(), user_id.clone()));
    for t in w.tokens.values_mut() {
        if t.client_id == client_id && t.user_id.as_deref() == Some(user_id.as_str()) {
            t.revoked = true;
        }
    }
    w.refresh_tokens
        .retain(|_, g| !(g.client_id == client_id && g.user_id == user_id));
    let affected: Vec<String> = w
        .subscriptions
        .values()
        .filter(|s| {
            s.client_id == client_id
                && s.kind != "user.authorization.revoke"
                && (s.owner_user_id.as_deref() == Some(user_id.as_str())
                    || ["broadcaster_user_id", "user_id"].iter().any(|key| {
                        s.condition.get(*key).and_then(Value::as_str) == Some(user_id.as_str())
                    }))
        })
        .map(|s| s.id.clone())
        .collect();
    for id in affected {
        revoke_subscription(w, &id, "authorization_revoked");
    }
    let mut ev = Map::new();
    ev.insert("client_id".into(), json!(client_id));
    ev.insert("user_id".into(), json!(user_id));
    let u = w.users.get(&user_id);
    ev.insert("user_login".into(), json!(u.map(|u| u.login.clone())));
    ev.insert("user_name".into(), json!(u.map(|u| u.display_name.clone())));
    emit(
        w,
        "user.authorization.revoke",
        client_id,
        &[],
        Value::Object(ev),
    );
    Ok(())
}

/// The broadcaster goes live: per-stream reward counters reset and
/// `stream.online` is emitted.
pub fn stream_online(w: &mut World, broadcaster: &str) -> Result<(), ApiError> {
    let b = user_or_404(w, broadcaster)?.to_string();
    let now = w.now();
    if let Some(ch) = w.channels.get_mut(&b) {
        ch.live = true;
        for r in &mut ch.rewards {
            r.redeemed_current_stream = 0;
            r.per_user_current_stream.clear();
        }
    }
    let mut m = Map::new();
    m.insert("id".into(), json!(new_uuid()));
    user_fields(&mut m, "broadcaster_user", w.users.get(&b));
    m.insert("type".into(), json!("live"));
    m.insert("started_at".into(), json!(ts_nanos(now)));
    emit(w, "stream.online", &b, &[], Value::Object(m));
    Ok(())
}
