use app::model::{Actor, BadInput, GrantLength, VipDuration, VipSession, VipSource, STREAM_END};
use app::ssr::vips::{self, Granted, ViewerRef};
use app::AppError;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::Acting;

/// A VIP as the API shows it.
#[derive(Debug, Serialize)]
pub struct VipJson {
    user_id: String,
    user_login: String,
    user_name: String,
    source: VipSource,
    granted_at: DateTime<Utc>,
    /// Null until a VIP that lasts until the stream ends has seen the stream end.
    expires_at: Option<DateTime<Utc>>,
    /// `"stream_end"` for a VIP that lasts until the stream ends; null otherwise.
    until: Option<&'static str>,
    granted_by: Option<String>,
    /// The streamer protects this VIP: the app never changes it.
    protected: bool,
}

impl From<VipSession> for VipJson {
    fn from(s: VipSession) -> Self {
        let until = s.ends_with_stream().then_some(STREAM_END);
        let protected = s.is_protected();
        let granted_by = match s.granted_by {
            Actor::Streamer { login, .. }
            | Actor::Moderator { login, .. }
            | Actor::Viewer { login, .. } => Some(login),
            Actor::System => None,
        };
        Self {
            protected,
            until,
            user_id: s.viewer.id,
            user_login: s.viewer.login,
            user_name: s.viewer.display_name,
            source: s.source,
            granted_at: s.granted_at,
            expires_at: s.expires_at,
            granted_by,
        }
    }
}

/// `GET /api/vip`
pub async fn list(acting: Acting) -> Result<Json<serde_json::Value>, AppError> {
    let vips = vips::list(&acting.ctx, &acting.caller, &acting.channel).await?;
    let vips: Vec<VipJson> = vips.into_iter().map(VipJson::from).collect();
    Ok(Json(serde_json::json!({ "vips": vips })))
}

#[derive(Deserialize)]
pub struct GrantBody {
    user_login: Option<String>,
    user_id: Option<String>,
    duration_secs: Option<u64>,
    /// `"stream_end"`: until the stream ends, instead of `duration_secs`.
    duration: Option<String>,
}

impl GrantBody {
    /// Exactly one of `duration_secs` and `"duration": "stream_end"`.
    fn length(&self) -> Result<GrantLength, AppError> {
        match (self.duration_secs, self.duration.as_deref()) {
            (Some(secs), None) => Ok(VipDuration::from_secs(secs)
                .map_err(BadInput::VipLength)?
                .into()),
            (None, Some(STREAM_END)) => Ok(GrantLength::StreamEnd),
            (None, Some(other)) => Err(AppError::Invalid(format!(
                "unknown duration `{other}`: use \"stream_end\", or duration_secs"
            ))),
            (Some(_), Some(_)) => Err(AppError::Invalid(
                "give duration_secs or duration, not both".into(),
            )),
            (None, None) => Err(AppError::Invalid(
                "give duration_secs, or \"duration\": \"stream_end\"".into(),
            )),
        }
    }
}

/// `POST /api/vip` → 201 with the VIP, or 202 `{"waitlisted": true}` when slots are full and the
/// channel waitlists.
pub async fn grant(
    acting: Acting,
    JsonBody(body): JsonBody<GrantBody>,
) -> Result<Response, AppError> {
    let length = body.length()?;
    let viewer = match (body.user_id, body.user_login) {
        (Some(id), _) => ViewerRef::Id(id),
        (None, Some(login)) => ViewerRef::Login(login),
        (None, None) => return Err(AppError::Invalid("give user_login or user_id".into())),
    };
    match vips::grant(&acting.ctx, &acting.caller, &acting.channel, viewer, length).await? {
        Granted::Vip(s) => Ok((StatusCode::CREATED, Json(VipJson::from(s))).into_response()),
        Granted::Waitlisted => Ok((
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "waitlisted": true })),
        )
            .into_response()),
    }
}

#[derive(Deserialize)]
pub struct ExtendBody {
    user_id: String,
    duration_secs: u64,
}

/// `POST /api/vip/extend` → 200 with the VIP.
pub async fn extend(
    acting: Acting,
    JsonBody(body): JsonBody<ExtendBody>,
) -> Result<Json<VipJson>, AppError> {
    let by = VipDuration::from_secs(body.duration_secs).map_err(BadInput::VipLength)?;
    let session = vips::extend(
        &acting.ctx,
        &acting.caller,
        &acting.channel,
        &body.user_id,
        by,
    )
    .await?;
    Ok(Json(session.into()))
}

/// `DELETE /api/vip/{user_id}` → 204.
pub async fn revoke(acting: Acting, Path(user_id): Path<String>) -> Result<StatusCode, AppError> {
    vips::revoke(&acting.ctx, &acting.caller, &acting.channel, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
