use app::model::{GrantLength, Reward};
use app::ssr::rewards::{self, RewardInput};
use app::ssr::twitch::RewardSpec;
use app::AppError;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::body::JsonBody;
use super::Acting;

/// A reward as the API takes it. Durations are seconds.
#[derive(Debug, Deserialize)]
pub struct RewardBody {
    title: String,
    cost: u64,
    #[serde(default)]
    prompt: String,
    duration_secs: Option<u64>,
    /// `"stream_end"`: until the stream ends, instead of `duration_secs`.
    duration: Option<String>,
    #[serde(default = "enabled")]
    enabled: bool,
    global_cooldown_secs: Option<u32>,
    max_per_stream: Option<u32>,
    max_per_user_per_stream: Option<u32>,
}

fn enabled() -> bool {
    true
}

impl RewardBody {
    fn input(self) -> Result<RewardInput, AppError> {
        Ok(RewardInput {
            duration: GrantLength::from_fields(self.duration_secs, self.duration.as_deref())
                .map_err(AppError::Invalid)?,
            spec: RewardSpec {
                title: self.title,
                cost: self.cost,
                prompt: self.prompt,
                enabled: self.enabled,
                global_cooldown_secs: self.global_cooldown_secs,
                max_per_stream: self.max_per_stream,
                max_per_user_per_stream: self.max_per_user_per_stream,
            },
        })
    }
}

/// `GET /api/channel-points`
pub async fn list(acting: Acting) -> Result<Json<serde_json::Value>, AppError> {
    let rewards = rewards::list(&acting.ctx, &acting.caller, &acting.channel).await?;
    Ok(Json(serde_json::json!({ "rewards": rewards })))
}

/// `POST /api/channel-points` → 201 with the reward.
pub async fn create(
    acting: Acting,
    JsonBody(body): JsonBody<RewardBody>,
) -> Result<(StatusCode, Json<Reward>), AppError> {
    let reward =
        rewards::create(&acting.ctx, &acting.caller, &acting.channel, body.input()?).await?;
    Ok((StatusCode::CREATED, Json(reward)))
}

/// `PATCH /api/channel-points/{reward_id}` → 200 with the reward (the whole reward is sent).
pub async fn update(
    acting: Acting,
    Path(reward_id): Path<String>,
    JsonBody(body): JsonBody<RewardBody>,
) -> Result<Json<Reward>, AppError> {
    let reward = rewards::update(
        &acting.ctx,
        &acting.caller,
        &acting.channel,
        &reward_id,
        body.input()?,
    )
    .await?;
    Ok(Json(reward))
}

/// `DELETE /api/channel-points/{reward_id}` → 204.
pub async fn delete(acting: Acting, Path(reward_id): Path<String>) -> Result<StatusCode, AppError> {
    rewards::delete(&acting.ctx, &acting.caller, &acting.channel, &reward_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
