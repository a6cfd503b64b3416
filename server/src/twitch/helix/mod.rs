//! `HelixClient`: the [`TwitchApi`] port over Twitch's Helix API. Every call acts with the
//! broadcaster's own user token (`ChannelId` is the broadcaster's user id). Requests and answers are
//! typed by the `twitch_api` crate (`create_request` / `parse_response`); sending, token refresh,
//! retries and rate limits are ours ([`transport`], [`retry`], [`limits`]); every final status becomes
//! a domain outcome in [`classify`]. One file per area: users, VIPs and moderators, rewards,
//! redemptions, chat.

mod chat;
mod chat_bot;
pub mod classify;
pub mod limits;
mod redemptions;
pub mod retry;
mod rewards;
mod transport;
mod users;
mod vips;

use std::sync::Arc;

use app::model::{ChannelId, Viewer};
use app::ssr::twitch::{
    AddVipError, ManagedReward, PendingRedemption, RedemptionStatus, RemoveVipOutcome, RewardError,
    RewardSpec, TwitchApi, TwitchError, TwitchUser,
};
use async_trait::async_trait;
use twitch_api::helix::{self, Paginated, RequestGet};

use crate::twitch::tokens::TokenManager;
use transport::Transport;

/// Safety stop for paginated lists (Twitch's own lists are far shorter).
const MAX_PAGES: usize = 200;

pub struct HelixClient {
    transport: Transport,
    /// The connected chat bot, once known ([`chat_bot`]).
    bot: chat_bot::BotCache,
}

impl HelixClient {
    /// `api_url` is Helix's root: `https://api.twitch.tv/helix`, the simulator's `/helix`, or the
    /// Twitch CLI mock's `/mock`.
    pub fn new(
        http: reqwest::Client,
        api_url: &str,
        client_id: String,
        tokens: Arc<TokenManager>,
    ) -> Self {
        Self {
            transport: Transport::new(http, api_url, client_id, tokens),
            bot: chat_bot::BotCache::default(),
        }
    }

    /// One GET, parsed; a non-success status is classified by the generic rules.
    async fn get<R>(
        &self,
        channel: &ChannelId,
        request: &R,
    ) -> Result<helix::Response<R, R::Response>, TwitchError>
    where
        R: RequestGet + Sync,
    {
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                request.create_request(token, client_id)
            })
            .await?;
        if !reply.is_success() {
            return Err(classify::error(reply.status, &reply.message()));
        }
        let uri = reply.uri.clone();
        R::parse_response(None, &uri, reply.into_http()).map_err(unreadable)
    }

    /// Every page of a paginated GET (`after` cursor).
    async fn get_all<R, T>(
        &self,
        channel: &ChannelId,
        mut request: R,
    ) -> Result<Vec<T>, TwitchError>
    where
        R: RequestGet<Response = Vec<T>> + Paginated + Send + Sync,
        T: serde::de::DeserializeOwned + PartialEq + Send,
    {
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.get(channel, &request).await?;
            let cursor = page.pagination_data.cursor;
            let empty = page.data.is_empty();
            all.extend(page.data);
            match cursor {
                Some(cursor) if !empty && !cursor.as_str().is_empty() => {
                    request.set_pagination(Some(cursor));
                }
                _ => return Ok(all),
            }
        }
        tracing::warn!(pages = MAX_PAGES, "stopped paginating a Helix list");
        Ok(all)
    }
}

/// A 2xx whose body twitch_api could not read.
fn unreadable(e: impl std::fmt::Display) -> TwitchError {
    tracing::warn!(error = %e, "unexpected answer from Twitch");
    TwitchError::Transient("Twitch's answer could not be read".into())
}

#[async_trait]
impl TwitchApi for HelixClient {
    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn user_by_login(
        &self,
        channel: &ChannelId,
        login: &str,
    ) -> Result<Option<TwitchUser>, TwitchError> {
        self.find_user(channel, users::Key::Login(login)).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn user_by_id(
        &self,
        channel: &ChannelId,
        id: &str,
    ) -> Result<Option<TwitchUser>, TwitchError> {
        self.find_user(channel, users::Key::Id(id)).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn vips(&self, channel: &ChannelId) -> Result<Vec<Viewer>, TwitchError> {
        self.list_vips(channel, None).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn moderators(&self, channel: &ChannelId) -> Result<Vec<Viewer>, TwitchError> {
        self.list_moderators(channel, None).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn add_vip(&self, channel: &ChannelId, viewer_id: &str) -> Result<(), AddVipError> {
        self.grant_vip(channel, viewer_id).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn remove_vip(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> Result<RemoveVipOutcome, TwitchError> {
        self.revoke_vip(channel, viewer_id).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn create_reward(
        &self,
        channel: &ChannelId,
        spec: &RewardSpec,
    ) -> Result<String, RewardError> {
        self.post_reward(channel, spec).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn update_reward(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        spec: &RewardSpec,
    ) -> Result<(), RewardError> {
        self.patch_reward(channel, reward_id, spec).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn delete_reward(&self, channel: &ChannelId, reward_id: &str) -> Result<(), TwitchError> {
        self.remove_reward(channel, reward_id).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn manageable_rewards(
        &self,
        channel: &ChannelId,
    ) -> Result<Vec<ManagedReward>, TwitchError> {
        self.list_manageable(channel).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn unfulfilled_redemptions(
        &self,
        channel: &ChannelId,
        reward_id: &str,
    ) -> Result<Vec<PendingRedemption>, TwitchError> {
        self.list_unfulfilled(channel, reward_id).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn set_redemption_status(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        redemption_id: &str,
        status: RedemptionStatus,
    ) -> Result<(), TwitchError> {
        self.decide_redemption(channel, reward_id, redemption_id, status)
            .await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn cancel_redemptions(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        redemption_ids: &[String],
    ) -> Result<Vec<String>, TwitchError> {
        self.cancel_many(channel, reward_id, redemption_ids).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn send_chat(&self, channel: &ChannelId, message: &str) -> Result<bool, TwitchError> {
        self.post_chat(channel, message, None).await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn send_chat_reply(
        &self,
        channel: &ChannelId,
        message: &str,
        parent: Option<&str>,
    ) -> Result<bool, TwitchError> {
        self.post_chat(channel, message, parent).await
    }

    async fn chat_bot(&self) -> Result<Option<String>, TwitchError> {
        self.bot_id().await
    }

    #[tracing::instrument(skip_all, fields(channel = %channel))]
    async fn send_chat_as_bot(
        &self,
        channel: &ChannelId,
        message: &str,
        parent: Option<&str>,
    ) -> Result<bool, TwitchError> {
        self.post_chat_as_bot(channel, message, parent).await
    }
}
