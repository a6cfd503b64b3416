//! Every VIP slot: the roster with the slots used and the learned capacity, protecting a VIP,
//! giving a permanent VIP a deadline, and the exclusion list.

use app::model::{Actor, BadInput, Exclusion, Roster, VipDuration};
use app::ssr::roster;
use app::ssr::vips::ViewerRef;
use app::AppError;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::vips::VipJson;
use super::Acting;

/// A viewer on the exclusion list as the API shows them.
#[derive(Debug, Serialize)]
pub struct ExclusionJson {
    user_id: String,
    user_login: String,
    user_name: String,
    excluded_at: DateTime<Utc>,
    excluded_by: Option<String>,
}

impl From<Exclusion> for ExclusionJson {
    fn from(e: Exclusion) -> Self {
        let excluded_by = match e.excluded_by {
            Actor::Streamer { login, .. }
            | Actor::Moderator { login, .. }
            | Actor::Viewer { login, .. } => Some(login),
            Actor::System => None,
        };
        Self {
            user_id: e.viewer.id,
            user_login: e.viewer.login,
            user_name: e.viewer.display_name,
            excluded_at: e.excluded_at,
            excluded_by,
        }
    }
}

/// `GET /api/vip/slots`
pub async fn slots(acting: Acting) -> Result<Json<serde_json::Value>, AppError> {
    let r: Roster = roster::roster(&acting.ctx, &acting.caller, &acting.channel).await?;
    let capacity = r.shown_capacity();
    let free = r.free();
    let learned_at = r.capacity.map(|c| c.learned_at);
    let vips: Vec<VipJson> = r.vips.into_iter().map(VipJson::from).collect();
    let excluded: Vec<ExclusionJson> = r.excluded.into_iter().map(ExclusionJson::from).collect();
    Ok(Json(serde_json::json!({
        "used": r.used,
        "capacity": capacity,
        "free": free,
        "capacity_learned_at": learned_at,
        "vips": vips,
        "excluded": excluded,
    })))
}

/// `PUT /api/vip/{user_id}/protected` → 200 with the VIP.
pub async fn protect(
    acting: Acting,
    Path(user_id): Path<String>,
) -> Result<Json<VipJson>, AppError> {
    let s =
        roster::set_protected(&acting.ctx, &acting.caller, &acting.channel, &user_id, true).await?;
    Ok(Json(s.into()))
}

/// `DELETE /api/vip/{user_id}/protected` → 200 with the VIP.
pub async fn unprotect(
    acting: Acting,
    Path(user_id): Path<String>,
) -> Result<Json<VipJson>, AppError> {
    let s = roster::set_protected(
        &acting.ctx,
        &acting.caller,
        &acting.channel,
        &user_id,
        false,
    )
    .await?;
    Ok(Json(s.into()))
}

#[derive(Deserialize)]
pub struct DeadlineBody {
    duration_secs: u64,
}

/// `POST /api/vip/{user_id}/deadline` `{"duration_secs"}` → 200 with the VIP, now timed.
pub async fn deadline(
    acting: Acting,
    Path(user_id): Path<String>,
    JsonBody(body): JsonBody<DeadlineBody>,
) -> Result<Json<VipJson>, AppError> {
    let length = VipDuration::from_secs(body.duration_secs).map_err(BadInput::VipLength)?;
    let s = roster::give_deadline(
        &acting.ctx,
        &acting.caller,
        &acting.channel,
        &user_id,
        length,
    )
    .await?;
    Ok(Json(s.into()))
}

/// `GET /api/exclusions`
pub async fn exclusions(acting: Acting) -> Result<Json<serde_json::Value>, AppError> {
    let r = roster::roster(&acting.ctx, &acting.caller, &acting.channel).await?;
    let excluded: Vec<ExclusionJson> = r.excluded.into_iter().map(ExclusionJson::from).collect();
    Ok(Json(serde_json::json!({ "excluded": excluded })))
}

#[derive(Deserialize)]
pub struct ExcludeBody {
    user_login: Option<String>,
    user_id: Option<String>,
}

/// `POST /api/exclusions` `{"user_login" | "user_id"}` → 201 with the viewer, or 200 when they
/// were on the list already.
pub async fn exclude(
    acting: Acting,
    JsonBody(body): JsonBody<ExcludeBody>,
) -> Result<Response, AppError> {
    let viewer = match (body.user_id, body.user_login) {
        (Some(id), _) => ViewerRef::Id(id),
        (None, Some(login)) => ViewerRef::Login(login),
        (None, None) => return Err(AppError::Invalid("give user_login or user_id".into())),
    };
    let (viewer, added) =
        roster::exclude(&acting.ctx, &acting.caller, &acting.channel, viewer).await?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = serde_json::json!({
        "user_id": viewer.id,
        "user_login": viewer.login,
        "user_name": viewer.display_name,
    });
    Ok((status, Json(body)).into_response())
}

/// `DELETE /api/exclusions/{user_id}` → 204; 404 when the viewer is not on the list.
pub async fn readmit(acting: Acting, Path(user_id): Path<String>) -> Result<StatusCode, AppError> {
    roster::readmit(&acting.ctx, &acting.caller, &acting.channel, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
