//! The control API's route for viewers writing in chat ([`crate::chat_read`]).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{body, Res};
use crate::chat_read::{self, Post};
use crate::Simulator;

pub(super) fn router() -> Router<Simulator> {
    Router::new().route("/channels/{b}/chat", post(chat))
}

#[derive(Deserialize)]
struct ChatReq {
    user: String,
    text: String,
    #[serde(default)]
    badges: Vec<String>,
    /// Shared Chat: the partner channel the message was sent in.
    source_broadcaster: Option<String>,
    reply_to: Option<String>,
}

async fn chat(State(sim): State<Simulator>, Path(b): Path<String>, bytes: Bytes) -> Res {
    let req: ChatReq = body(&bytes)?;
    let id = sim.with_world(|w| {
        chat_read::post(
            w,
            &b,
            &Post {
                user: &req.user,
                text: &req.text,
                badges: &req.badges,
                source_broadcaster: req.source_broadcaster.as_deref(),
                reply_to: req.reply_to.as_deref(),
            },
        )
    })?;
    Ok(Json(json!({ "message_id": id })).into_response())
}
