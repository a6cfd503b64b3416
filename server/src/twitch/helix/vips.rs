//! VIPs and moderators: Get VIPs, Add / Remove Channel VIP, Get Moderators. Adds and removals wait
//! for a place in the channel's 10-per-10-s windows first. A 422 on add is told apart (moderator or
//! already a VIP) by asking Get Moderators, then Get VIPs, for that one viewer; "already a VIP"
//! right after an attempt that got a 5xx or no answer means that attempt took effect: the add
//! succeeded.

use app::model::{ChannelId, Viewer};
use app::ssr::twitch::{AddVipError, RemoveVipOutcome, TwitchError};
use twitch_api::helix::channels::{AddChannelVipRequest, GetVipsRequest, RemoveChannelVipRequest};
use twitch_api::helix::moderation::GetModeratorsRequest;
use twitch_api::helix::{EmptyBody, RequestDelete, RequestPost};
use twitch_api::types;

use super::classify::{self, AddVipVerdict};
use super::limits::VipChange;
use super::HelixClient;

/// Page size of Get VIPs and Get Moderators (Twitch's maximum).
const PAGE: usize = 100;

impl HelixClient {
    pub(super) async fn grant_vip(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> Result<(), AddVipError> {
        let request = AddChannelVipRequest::new(channel.as_str(), viewer_id);
        let slot = self
            .transport
            .limits
            .channel(channel.as_str())
            .vip_slot(VipChange::Add)
            .await;
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                request.create_request(EmptyBody, token, client_id)
            })
            .await;
        drop(slot);
        let reply = reply?;
        match classify::add_vip(reply.status, &reply.message()) {
            AddVipVerdict::Added => Ok(()),
            AddVipVerdict::Refused(why) => Err(why),
            AddVipVerdict::CheckRoles => {
                let message = reply.message();
                let is_moderator = !self
                    .list_moderators(channel, Some(viewer_id))
                    .await?
                    .is_empty();
                let is_vip =
                    !is_moderator && !self.list_vips(channel, Some(viewer_id)).await?.is_empty();
                if is_vip && reply.after_unanswered {
                    // The first attempt added the VIP; only its answer was lost.
                    tracing::info!(%channel, "VIP already there after an unanswered attempt");
                    return Ok(());
                }
                Err(classify::add_vip_roles(is_moderator, is_vip, &message))
            }
        }
    }

    pub(super) async fn revoke_vip(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
    ) -> Result<RemoveVipOutcome, TwitchError> {
        let request = RemoveChannelVipRequest::new(channel.as_str(), viewer_id);
        let slot = self
            .transport
            .limits
            .channel(channel.as_str())
            .vip_slot(VipChange::Remove)
            .await;
        let reply = self
            .transport
            .send(channel.as_str(), |token, client_id| {
                request.create_request(token, client_id)
            })
            .await;
        drop(slot);
        let reply = reply?;
        classify::remove_vip(reply.status, &reply.message())
    }

    /// The channel's VIPs, or only `viewer_id` when it is one.
    pub(super) async fn list_vips(
        &self,
        channel: &ChannelId,
        viewer_id: Option<&str>,
    ) -> Result<Vec<Viewer>, TwitchError> {
        let mut request = GetVipsRequest::broadcaster_id(channel.as_str());
        if let Some(id) = viewer_id {
            request = request.user_ids(vec![types::UserId::from(id.to_owned())]);
        } else {
            request = request.first(PAGE);
        }
        let vips = self.get_all(channel, request).await?;
        Ok(vips
            .into_iter()
            .map(|v| viewer(v.user_id, v.user_login, v.user_name))
            .collect())
    }

    /// The channel's moderators, or only `viewer_id` when it is one.
    pub(super) async fn list_moderators(
        &self,
        channel: &ChannelId,
        viewer_id: Option<&str>,
    ) -> Result<Vec<Viewer>, TwitchError> {
        let mut request = GetModeratorsRequest::broadcaster_id(channel.as_str());
        if let Some(id) = viewer_id {
            request = request.user_ids(vec![types::UserId::from(id.to_owned())]);
        } else {
            request = request.first(PAGE);
        }
        let moderators = self.get_all(channel, request).await?;
        Ok(moderators
            .into_iter()
            .map(|m| viewer(m.user_id, m.user_login, m.user_name))
            .collect())
    }
}

fn viewer(id: types::UserId, login: types::UserName, name: types::DisplayName) -> Viewer {
    Viewer {
        id: id.take(),
        login: login.take(),
        display_name: name.take(),
    }
}
