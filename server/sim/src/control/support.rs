//! The control API's routes for viewers supporting a channel: subscriptions, resubscriptions,
//! gifted subs, cheers, Power-ups and Combos ([`crate::support`], [`crate::bits`]).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

use super::{body, ok, Res};
use crate::support::{self, Resub};
use crate::{bits, Simulator};

pub(super) fn router() -> Router<Simulator> {
    Router::new()
        .route("/channels/{b}/subscribe", post(subscribe))
        .route("/channels/{b}/resubscribe", post(resubscribe))
        .route("/channels/{b}/gift", post(gift))
        .route("/channels/{b}/cheer", post(cheer))
        .route("/channels/{b}/power_up", post(power_up))
        .route("/channels/{b}/combo", post(combo))
}

fn tier_1000() -> String {
    "1000".into()
}

#[derive(Deserialize)]
struct SubscribeReq {
    user: String,
    #[serde(default = "tier_1000")]
    tier: String,
}

async fn subscribe(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: SubscribeReq = body(&bytes)?;
    sim.with_world(|w| support::subscribe(w, &b, &req.user, &req.tier))?;
    ok()
}

#[derive(Deserialize)]
struct GiftReq {
    /// Absent: an anonymous gift.
    user: Option<String>,
    total: i64,
    #[serde(default = "tier_1000")]
    tier: String,
    #[serde(default)]
    recipients: Vec<String>,
}

async fn gift(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: GiftReq = body(&bytes)?;
    sim.with_world(|w| {
        support::gift(
            w,
            &b,
            req.user.as_deref(),
            req.total,
            &req.tier,
            &req.recipients,
        )
    })?;
    ok()
}

#[derive(Deserialize)]
struct CheerReq {
    /// Absent: an anonymous cheer.
    user: Option<String>,
    bits: i64,
    #[serde(default)]
    message: String,
}

async fn cheer(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: CheerReq = body(&bytes)?;
    sim.with_world(|w| support::cheer(w, &b, req.user.as_deref(), req.bits, &req.message))?;
    ok()
}

fn two() -> i64 {
    2
}

fn one() -> i64 {
    1
}

#[derive(Deserialize)]
struct ResubReq {
    user: String,
    #[serde(default = "two")]
    cumulative_months: i64,
    streak_months: Option<i64>,
    #[serde(default = "one")]
    duration_months: i64,
    #[serde(default)]
    message: String,
}

async fn resubscribe(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: ResubReq = body(&bytes)?;
    let resub = Resub {
        cumulative_months: req.cumulative_months,
        streak_months: req.streak_months,
        duration_months: req.duration_months,
        text: req.message,
    };
    sim.resubscribe(&b, &req.user, &resub)?;
    ok()
}

#[derive(Deserialize)]
struct PowerUpReq {
    user: String,
    #[serde(rename = "type")]
    kind: String,
    bits: i64,
    #[serde(default)]
    message: String,
}

async fn power_up(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: PowerUpReq = body(&bytes)?;
    sim.with_world(|w| bits::power_up(w, &b, &req.user, &req.kind, req.bits, &req.message))?;
    ok()
}

#[derive(Deserialize)]
struct ComboReq {
    user: String,
    bits: i64,
}

async fn combo(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: ComboReq = body(&bytes)?;
    sim.with_world(|w| bits::combo(w, &b, &req.user, req.bits))?;
    ok()
}
