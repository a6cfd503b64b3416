//! Custom rewards and redemptions through Helix: their paths on the streamer's channel, a status
//! change and the statuses the simulator holds.

use reqwest::Method;
use serde_json::json;
use twitch_sim::RedemptionStatus;

use super::{Resp, SimHarness};

/// `/channel_points/custom_rewards` on the streamer's channel.
pub fn rewards_path(env: &SimHarness) -> String {
    format!(
        "/channel_points/custom_rewards?broadcaster_id={}",
        env.streamer.id
    )
}

/// The redemptions of `reward` on the streamer's channel, `extra` appended to the query.
pub fn redemptions_path(env: &SimHarness, reward: &str, extra: &str) -> String {
    format!(
        "/channel_points/custom_rewards/redemptions?broadcaster_id={}&reward_id={reward}{extra}",
        env.streamer.id
    )
}

/// Asks Helix, with the streamer's token, to set redemption `id` of `reward` to `status`.
pub async fn set_redemption_status(env: &SimHarness, reward: &str, id: &str, status: &str) -> Resp {
    env.helix(
        Method::PATCH,
        &redemptions_path(env, reward, &format!("&id={id}")),
        &env.token,
        Some(json!({ "status": status })),
    )
    .await
}

/// The status of every redemption on the streamer's channel, oldest first.
pub fn redemption_statuses(env: &SimHarness) -> Vec<RedemptionStatus> {
    env.sim
        .redemptions("streamer")
        .iter()
        .map(|r| r.1)
        .collect()
}
