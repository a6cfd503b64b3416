//! The Twitch port: what the VIP engine asks of Twitch, in domain terms. Every Helix answer is
//! classified here into an outcome the engine can act on; no caller ever looks at a status code or a
//! message text. Implementations act with the broadcaster's own user token (refreshed on 401, one
//! refresh at a time per channel) and honour Twitch's rate limits before Twitch has to refuse.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::model::{ChannelId, Reward, Viewer};

/// A Twitch account as Get Users returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwitchUser {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub profile_image_url: Option<String>,
}

impl From<TwitchUser> for Viewer {
    fn from(u: TwitchUser) -> Self {
        Self {
            id: u.id,
            login: u.login,
            display_name: u.display_name,
        }
    }
}

/// Failures any call can meet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TwitchError {
    /// 401 after one refresh, a refresh Twitch refused, or no stored token: the channel needs
    /// re-authorisation.
    #[error("Twitch no longer accepts this channel's authorisation")]
    Unauthorized,
    /// 403: the token lacks a permission (e.g. not affiliate, or a reward made by another app).
    #[error("Twitch refused: {0}")]
    Forbidden(String),
    /// 404.
    #[error("not found on Twitch")]
    NotFound,
    /// 429: retry after `reset_at`.
    #[error("rate-limited by Twitch until {reset_at}")]
    RateLimited { reset_at: DateTime<Utc> },
    /// 5xx, timeouts, connection failures: retry later.
    #[error("Twitch is unavailable: {0}")]
    Transient(String),
    /// Any other refusal (a 4xx the engine has no specific rule for).
    #[error("Twitch rejected the request: {0}")]
    Rejected(String),
}

/// Why Add Channel VIP did not add.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddVipError {
    /// 422, and Get Moderators lists the viewer.
    #[error("the viewer is a moderator")]
    IsModerator,
    /// 422, and Get VIPs lists the viewer.
    #[error("the viewer is already a VIP")]
    AlreadyVip,
    /// 409.
    #[error("no free VIP slot")]
    SlotsFull,
    /// 425.
    #[error("the channel has not completed Build a Community")]
    BuildACommunityRequired,
    /// 400.
    #[error("the viewer is blocked from the channel")]
    UserBlocked,
    /// 404.
    #[error("the viewer does not exist")]
    UserNotFound,
    #[error(transparent)]
    Twitch(#[from] TwitchError),
}

/// What Remove Channel VIP found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveVipOutcome {
    Removed,
    /// 422: someone removed the VIP by hand already.
    NotAVip,
}

/// The settings of a channel-point reward as the app asks Twitch for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardSpec {
    pub title: String,
    pub cost: u64,
    pub prompt: String,
    pub enabled: bool,
    pub global_cooldown_secs: Option<u32>,
    pub max_per_stream: Option<u32>,
    pub max_per_user_per_stream: Option<u32>,
}

impl From<&Reward> for RewardSpec {
    /// The settings a stored reward has on Twitch.
    fn from(r: &Reward) -> Self {
        Self {
            title: r.title.clone(),
            cost: r.cost,
            prompt: r.prompt.clone(),
            enabled: r.enabled,
            global_cooldown_secs: r.global_cooldown_secs,
            max_per_stream: r.max_per_stream,
            max_per_user_per_stream: r.max_per_user_per_stream,
        }
    }
}

/// Why Create or Update Custom Reward did not create or change the reward.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RewardError {
    /// 400 `CREATE_CUSTOM_REWARD_DUPLICATE_REWARD` / `UPDATE_CUSTOM_REWARD_DUPLICATE_REWARD`: the
    /// channel has a reward with this title already (Twitch compares titles regardless of case).
    /// After a lost answer it may be the very reward this call created.
    #[error("the channel has a reward with this title already")]
    DuplicateTitle,
    #[error(transparent)]
    Twitch(#[from] TwitchError),
}

/// A reward this app's client id created, as Get Custom Reward (`only_manageable_rewards`) lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedReward {
    pub id: String,
    pub spec: RewardSpec,
    /// Redemptions are born FULFILLED: the app could neither fulfil nor refund them.
    pub skips_request_queue: bool,
}

/// A redemption as Get Custom Reward Redemption lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRedemption {
    pub id: String,
    pub reward_id: String,
    pub viewer: Viewer,
    pub redeemed_at: DateTime<Utc>,
}

/// Update Redemption Status takes at most this many redemption ids per call.
pub const MAX_REDEMPTIONS_PER_UPDATE: usize = 50;

/// How a redemption ends on Twitch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedemptionStatus {
    Fulfilled,
    /// Refunds the viewer's points.
    Canceled,
}

#[async_trait]
pub trait TwitchApi: Send + Sync + 'static {
    async fn user_by_login(
        &self,
        channel: &ChannelId,
        login: &str,
    ) -> Result<Option<TwitchUser>, TwitchError>;
    async fn user_by_id(
        &self,
        channel: &ChannelId,
        id: &str,
    ) -> Result<Option<TwitchUser>, TwitchError>;
    async fn vips(&self, channel: &ChannelId) -> Result<Vec<Viewer>, TwitchError>;
    async fn moderators(&self, channel: &ChannelId) -> Result<Vec<Viewer>, TwitchError>;
    async fn add_vip(&self, channel: &ChannelId, viewer_id: &str) -> Result<(), AddVipError>;
    async fn remove_vip(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> Result<RemoveVipOutcome, TwitchError>;
    /// Returns the new reward's Twitch id. Redemptions never skip the request queue.
    async fn create_reward(
        &self,
        channel: &ChannelId,
        spec: &RewardSpec,
    ) -> Result<String, RewardError>;
    /// Sets every field of `spec` (and keeps redemptions in the request queue).
    async fn update_reward(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        spec: &RewardSpec,
    ) -> Result<(), RewardError>;
    /// Twitch turns the reward's UNFULFILLED redemptions FULFILLED (no refund): refund them first.
    async fn delete_reward(&self, channel: &ChannelId, reward_id: &str) -> Result<(), TwitchError>;
    /// The channel's rewards this app's client id created (and so may change), in Twitch's order.
    async fn manageable_rewards(
        &self,
        channel: &ChannelId,
    ) -> Result<Vec<ManagedReward>, TwitchError>;
    /// UNFULFILLED redemptions of one of the app's rewards, oldest first.
    async fn unfulfilled_redemptions(
        &self,
        channel: &ChannelId,
        reward_id: &str,
    ) -> Result<Vec<PendingRedemption>, TwitchError>;
    /// Only UNFULFILLED redemptions can change; an already-decided one is [`TwitchError::NotFound`].
    async fn set_redemption_status(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        redemption_id: &str,
        status: RedemptionStatus,
    ) -> Result<(), TwitchError>;
    /// Cancels (refunds) up to [`MAX_REDEMPTIONS_PER_UPDATE`] redemptions of one reward in one
    /// call. Returns the ids that are CANCELED on Twitch afterwards, whoever cancelled them (this
    /// call, an earlier attempt whose answer was lost, or the streamer by hand): their points are
    /// back. An id missing from it is not CANCELED: it was FULFILLED already (or is unknown).
    ///
    /// # Errors
    /// As any call; then none, some or all of them may have been refunded: list the reward's
    /// UNFULFILLED redemptions to know.
    async fn cancel_redemptions(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        redemption_ids: &[String],
    ) -> Result<Vec<String>, TwitchError>;
    /// Posts in the channel's chat as the broadcaster. Returns whether Twitch says it was sent.
    async fn send_chat(&self, channel: &ChannelId, message: &str) -> Result<bool, TwitchError>;
    /// Posts in the channel's chat as the channel's chat identity, threaded as a reply to the
    /// message `parent` when given. Without an own implementation: [`Self::send_chat`], unthreaded.
    async fn send_chat_reply(
        &self,
        channel: &ChannelId,
        message: &str,
        parent: Option<&str>,
    ) -> Result<bool, TwitchError> {
        let _ = parent;
        self.send_chat(channel, message).await
    }

    /// The user id of the app's chat bot, when an operator connected one. Without an own
    /// implementation: none.
    async fn chat_bot(&self) -> Result<Option<String>, TwitchError> {
        Ok(None)
    }

    /// Posts in the channel's chat as the app's chat bot: with the app access token and the bot as
    /// sender (Twitch shows the Chat Bot badge), to this channel only during Shared Chat
    /// (`for_source_only`), threaded to `parent` when given. Returns whether Twitch says it was
    /// sent. Without an own implementation: refused, no bot.
    async fn send_chat_as_bot(
        &self,
        channel: &ChannelId,
        message: &str,
        parent: Option<&str>,
    ) -> Result<bool, TwitchError> {
        let _ = (channel, message, parent);
        Err(TwitchError::Rejected("no chat bot is connected".into()))
    }
}
