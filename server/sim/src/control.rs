//! The `/sim/...` JSON control API: plays "the Twitch side" for a demo page
//! or another process. No authentication (it is a simulator). Errors use the
//! Helix error body.
//!
//! | route | body | effect |
//! |---|---|---|
//! | `POST /sim/seed_demo` | – | [`crate::Simulator::seed_demo`] |
//! | `POST /sim/users` | `{login, broadcaster_type?}` | create a user |
//! | `POST /sim/clients` | `{client_id?, client_secret?, redirect_uris?}` | register an app |
//! | `POST /sim/tokens/user` | `{client_id, user, scopes}` | issue a user token |
//! | `POST /sim/tokens/app` | `{client_id}` | issue an app token |
//! | `POST /sim/tokens/expire` / `revoke` | `{token}` | kill a token |
//! | `POST /sim/authorizations/revoke` | `{client_id, user}` | user disconnects the app |
//! | `GET /sim/channels/{b}` | – | channel snapshot |
//! | `POST /sim/channels/{b}/settings` | `{vip_slots?, build_a_community?, broadcaster_type?}` | knobs |
//! | `POST /sim/channels/{b}/blocked` | `{user, blocked}` | block / unblock |
//! | `POST /sim/channels/{b}/vips/add` / `vips/remove` | `{user}` | manual VIP change |
//! | `POST /sim/channels/{b}/moderators/add` / `moderators/remove` | `{user}` | manual mod change |
//! | `POST /sim/channels/{b}/rewards` | `{title, cost, owner_client_id?}` | reward (default: dashboard-owned) |
//! | `POST /sim/channels/{b}/redeem` | `{user, reward_id, user_input?}` | a viewer redeems |
//! | `POST /sim/channels/{b}/online` | – | `stream.online` |
//! | `POST /sim/channels/{b}/offline` | – | `stream.offline` (409 when the stream is not live) |
//! | `POST /sim/channels/{b}/subscribe` | `{user, tier?}` | `channel.subscribe` |
//! | `POST /sim/channels/{b}/gift` | `{user?, total, tier?, recipients?}` | `channel.subscription.gift` (no `user`: anonymous) |
//! | `POST /sim/channels/{b}/cheer` | `{user?, bits, message?}` | `channel.cheer` and `channel.bits.use` (no `user`: anonymous) |
//! | `POST /sim/channels/{b}/resubscribe` | `{user, cumulative_months?, streak_months?, duration_months?, message?}` | `channel.subscription.message` (a subscriber; 2 months, 1 paid, by default) |
//! | `POST /sim/channels/{b}/power_up` | `{user, type, bits, message?}` | `channel.bits.use` `power_up` (`message_effect` needs a message) |
//! | `POST /sim/channels/{b}/combo` | `{user, bits}` | `channel.bits.use` `combo` |
//! | `POST /sim/channels/{b}/chat` | `{user, text, badges?, source_broadcaster?, reply_to?}` | a viewer writes in chat: `channel.chat.message` → `{message_id}` (badges from the channel's roles plus `badges`; `source_broadcaster`: sent in that Shared Chat partner channel) |
//! | `POST /sim/fail_next` | `{endpoint, status}` | inject a failure |
//! | `POST /sim/delay` | `{endpoint, millis}` | answer `endpoint` only after a pause (0 removes it) |
//! | `POST /sim/clock/advance` | `{seconds}` | move time |
//! | `GET /sim/ws/sessions` | – | live session ids |
//! | `POST /sim/ws/reconnect` | `{session_id?}` | `session_reconnect` (all when omitted) |
//! | `POST /sim/ws/close` | `{session_id, code}` | close with a code |
//! | `POST /sim/ws/drop` | `{session_id?}` | drop without a close frame (all when omitted) |
//! | `GET /sim/subscriptions` | – | all EventSub subscriptions, with their status |
//! | `GET /sim/webhooks` | – | webhook delivery log: one entry per attempt (`status`, `late`, `took`) |

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::helix::redemptions::redemption_json;
use crate::helix::rewards::reward_json;
use crate::helix::users::user_json;
use crate::state::random_token;
use crate::{actions, Simulator};

mod chat;
mod support;

/// The `/sim` router.
pub fn router() -> Router<Simulator> {
    Router::new()
        .route("/seed_demo", post(seed_demo))
        .route("/users", post(add_user))
        .route("/clients", post(add_client))
        .route("/tokens/user", post(user_token))
        .route("/tokens/app", post(app_token))
        .route("/tokens/expire", post(expire_token))
        .route("/tokens/revoke", post(revoke_token))
        .route("/authorizations/revoke", post(revoke_authorization))
        .route("/channels/{b}", get(channel))
        .route("/channels/{b}/settings", post(settings))
        .route("/channels/{b}/blocked", post(blocked))
        .route("/channels/{b}/vips/add", post(vip_add))
        .route("/channels/{b}/vips/remove", post(vip_remove))
        .route("/channels/{b}/moderators/add", post(mod_add))
        .route("/channels/{b}/moderators/remove", post(mod_remove))
        .route("/channels/{b}/rewards", post(reward))
        .route("/channels/{b}/redeem", post(redeem))
        .route("/channels/{b}/online", post(online))
        .route("/channels/{b}/offline", post(offline))
        .route("/fail_next", post(fail_next))
        .route("/delay", post(delay))
        .route("/clock/advance", post(advance))
        .route("/ws/sessions", get(sessions))
        .route("/ws/reconnect", post(reconnect))
        .route("/ws/close", post(close))
        .route("/ws/drop", post(crate::chaos::drop_route))
        .route("/subscriptions", get(subscriptions))
        .route("/webhooks", get(webhooks))
        .merge(support::router())
        .merge(chat::router())
}

type Res = Result<Response, ApiError>;

fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, ApiError> {
    let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { bytes };
    serde_json::from_slice(bytes).map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))
}

fn ok() -> Res {
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn seed_demo(State(sim): State<Simulator>) -> Res {
    Ok(Json(sim.seed_demo()).into_response())
}

#[derive(Deserialize)]
struct NewUser {
    login: String,
    #[serde(default)]
    broadcaster_type: String,
}

async fn add_user(State(sim): State<Simulator>, b: Bytes) -> Res {
    let req: NewUser = body(&b)?;
    let user = sim.with_world(|w| w.add_user(&req.login, &req.broadcaster_type));
    Ok(Json(user_json(&user, true)).into_response())
}

#[derive(Deserialize)]
struct NewClient {
    client_id: Option<String>,
    client_secret: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
}

async fn add_client(State(sim): State<Simulator>, b: Bytes) -> Res {
    let req: NewClient = body(&b)?;
    let id = req.client_id.unwrap_or_else(|| random_token(30));
    let secret = req.client_secret.unwrap_or_else(|| random_token(30));
    sim.with_world(|w| w.add_client(&id, &secret, req.redirect_uris));
    Ok(Json(json!({"client_id": id, "client_secret": secret})).into_response())
}

#[derive(Deserialize)]
struct TokenReq {
    client_id: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    scopes: Vec<String>,
}

async fn user_token(State(sim): State<Simulator>, b: Bytes) -> Res {
    let req: TokenReq = body(&b)?;
    if sim.with_world(|w| w.resolve_user(&req.user).is_none()) {
        return Err(ApiError::not_found("user not found"));
    }
    let scopes: Vec<&str> = req.scopes.iter().map(String::as_str).collect();
    Ok(Json(sim.issue_user_token(&req.client_id, &req.user, &scopes)).into_response())
}

async fn app_token(State(sim): State<Simulator>, b: Bytes) -> Res {
    let req: TokenReq = body(&b)?;
    Ok(Json(json!({"access_token": sim.issue_app_token(&req.client_id)})).into_response())
}

#[derive(Deserialize)]
struct TokenRef {
    token: String,
}

async fn expire_token(State(sim): State<Simulator>, b: Bytes) -> Res {
    let req: TokenRef = body(&b)?;
    sim.expire_token(&req.token);
    ok()
}

async fn revoke_token(State(sim): State<Simulator>, b: Bytes) -> Res {
    let req: TokenRef = body(&b)?;
    sim.revoke_token(&req.token);
    ok()
}

async fn revoke_authorization(State(sim): State<Simulator>, b: Bytes) -> Res {
    let req: TokenReq = body(&b)?;
    sim.revoke_authorization(&req.client_id, &req.user)?;
    ok()
}

async fn channel(State(sim): State<Simulator>, Path(b): Path<String>) -> Res {
    sim.with_world(|w| {
        let user = w
            .resolve_user(&b)
            .cloned()
            .ok_or_else(|| ApiError::not_found("broadcaster not found"))?;
        let ch = &w.channels[&user.id];
        let users = |ids: &mut dyn Iterator<Item = &String>| -> Vec<Value> {
            ids.filter_map(|id| w.users.get(id))
                .map(|u| json!({"id": u.id, "login": u.login, "display_name": u.display_name}))
                .collect()
        };
        Ok(Json(json!({
            "broadcaster": user_json(&user, false),
            "vip_slots": ch.vip_slots,
            "build_a_community": ch.build_a_community,
            "vips": users(&mut ch.vips.iter()),
            "moderators": users(&mut ch.moderators.iter()),
            "blocked": users(&mut ch.blocked.iter()),
            "rewards": ch.rewards.iter().map(|r| {
                let mut v = reward_json(w, &user.id, r);
                v["owner_client_id"] = json!(r.owner_client_id);
                v
            }).collect::<Vec<_>>(),
            "redemptions": ch.redemptions.iter().map(|r| redemption_json(w, &user.id, r)).collect::<Vec<_>>(),
            "chat": ch.chat,
            "chat_read": ch.chat_read,
        }))
        .into_response())
    })
}

#[derive(Deserialize)]
struct Settings {
    vip_slots: Option<usize>,
    build_a_community: Option<bool>,
    broadcaster_type: Option<String>,
}

async fn settings(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: Settings = body(&bytes)?;
    if let Some(n) = req.vip_slots {
        sim.set_vip_slots(&b, n)?;
    }
    if let Some(done) = req.build_a_community {
        sim.set_build_a_community(&b, done)?;
    }
    if let Some(kind) = req.broadcaster_type {
        sim.set_broadcaster_type(&b, &kind)?;
    }
    ok()
}

#[derive(Deserialize)]
struct UserRef {
    user: String,
    #[serde(default = "yes")]
    blocked: bool,
}

fn yes() -> bool {
    true
}

async fn blocked(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: UserRef = body(&bytes)?;
    sim.set_blocked(&b, &req.user, req.blocked)?;
    ok()
}

async fn vip_add(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: UserRef = body(&bytes)?;
    sim.twitch_add_vip(&b, &req.user)?;
    ok()
}

async fn vip_remove(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: UserRef = body(&bytes)?;
    sim.twitch_remove_vip(&b, &req.user)?;
    ok()
}

async fn mod_add(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: UserRef = body(&bytes)?;
    sim.set_moderator(&b, &req.user, true)?;
    ok()
}

async fn mod_remove(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: UserRef = body(&bytes)?;
    sim.set_moderator(&b, &req.user, false)?;
    ok()
}

#[derive(Deserialize)]
struct NewReward {
    title: String,
    cost: i64,
    owner_client_id: Option<String>,
}

async fn reward(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: NewReward = body(&bytes)?;
    let r = sim.create_reward(&b, req.owner_client_id.as_deref(), &req.title, req.cost)?;
    Ok(Json(r).into_response())
}

#[derive(Deserialize)]
struct RedeemReq {
    user: String,
    reward_id: String,
    #[serde(default)]
    user_input: String,
}

async fn redeem(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: RedeemReq = body(&bytes)?;
    let r = sim.redeem(&b, &req.user, &req.reward_id, &req.user_input)?;
    Ok(Json(r).into_response())
}

async fn online(State(sim): State<Simulator>, Path(b): Path<String>) -> Res {
    sim.with_world(|w| actions::stream_online(w, &b))?;
    ok()
}

async fn offline(State(sim): State<Simulator>, Path(b): Path<String>) -> Res {
    sim.stream_offline(&b)?;
    ok()
}

#[derive(Deserialize)]
struct FailReq {
    endpoint: String,
    status: u16,
}

async fn fail_next(State(sim): State<Simulator>, bytes: Bytes) -> Res {
    let req: FailReq = body(&bytes)?;
    sim.fail_next(&req.endpoint, req.status);
    ok()
}

#[derive(Deserialize)]
struct DelayReq {
    endpoint: String,
    millis: u64,
}

async fn delay(State(sim): State<Simulator>, bytes: Bytes) -> Res {
    let req: DelayReq = body(&bytes)?;
    sim.set_delay(&req.endpoint, std::time::Duration::from_millis(req.millis));
    ok()
}

#[derive(Deserialize)]
struct Advance {
    seconds: u64,
}

async fn advance(State(sim): State<Simulator>, bytes: Bytes) -> Res {
    let req: Advance = body(&bytes)?;
    sim.advance_clock(Duration::from_secs(req.seconds));
    ok()
}

async fn sessions(State(sim): State<Simulator>) -> Res {
    Ok(Json(json!({"sessions": sim.ws_sessions()})).into_response())
}

#[derive(Deserialize)]
struct SessionReq {
    session_id: Option<String>,
    code: Option<u16>,
}

async fn reconnect(State(sim): State<Simulator>, bytes: Bytes) -> Res {
    let req: SessionReq = body(&bytes)?;
    let targets = match req.session_id {
        Some(id) => vec![id],
        None => sim.ws_sessions(),
    };
    let urls: Vec<String> = targets.iter().filter_map(|s| sim.ws_reconnect(s)).collect();
    Ok(Json(json!({"reconnect_urls": urls})).into_response())
}

async fn close(State(sim): State<Simulator>, bytes: Bytes) -> Res {
    let req: SessionReq = body(&bytes)?;
    let id = req
        .session_id
        .ok_or_else(|| ApiError::bad_request("session_id is required"))?;
    let code = req.code.unwrap_or(4000);
    if !(4000..=4007).contains(&code) {
        return Err(ApiError::bad_request("code must be 4000-4007"));
    }
    if sim.ws_close(&id, code) {
        ok()
    } else {
        Err(ApiError::not_found("session not found"))
    }
}

async fn subscriptions(State(sim): State<Simulator>) -> Res {
    Ok(Json(json!({"data": sim.subscriptions()})).into_response())
}

async fn webhooks(State(sim): State<Simulator>) -> Res {
    Ok(Json(json!({"data": sim.webhook_log()})).into_response())
}
