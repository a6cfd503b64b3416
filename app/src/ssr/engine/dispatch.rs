//! Dispatch of EventSub events as they happen (the engine is the [`EventSink`]): each parsed event
//! goes to its use case. For events that were missed, see `sync` (Get VIPs, catch-up).
//!
//! Rules: a VIP the app did not grant is recorded as an external session (shown, never removed);
//! a VIP removed on Twitch, or a viewer made moderator, closes the session as removed externally.
//! The app's own adds and removals cause the same events; they are told apart by the in-flight set
//! (adds on this instance), the session lease (removals in progress on any instance) and, for late
//! removal events, by asking Get VIPs.

use async_trait::async_trait;
use serde_json::json;

use super::effects::Happened;
use super::grant_types::IncomingRedemption;
use super::rule_grants::{Support, SupportKind};
use super::sessions::{session_lease, CAS_ATTEMPTS};
use super::{Engine, EngineError, EngineResult};
use crate::model::{
    Actor, AuditAction, AuditDetails, ChannelId, LiveKind, SessionState, Viewer, VipSession,
    VipSource,
};
use crate::ssr::events::{EventSink, TwitchEvent};
use crate::ssr::new_id;
use crate::ssr::{ActiveWith, StoreError};

#[async_trait]
impl EventSink for Engine {
    async fn deliver(&self, event: TwitchEvent) {
        if let Err(e) = self.handle_event(event).await {
            tracing::error!(error = %e, "handling a Twitch event failed");
        }
    }
}

impl Engine {
    /// Handles one EventSub event (what [`EventSink::deliver`] does, with the error returned).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn handle_event(&self, event: TwitchEvent) -> EngineResult<()> {
        match event {
            TwitchEvent::Redemption {
                channel,
                redemption_id,
                reward_id,
                viewer,
                user_input: _,
                redeemed_at,
            } => {
                let outcome = self
                    .handle_redemption(IncomingRedemption {
                        channel,
                        redemption_id,
                        reward_id,
                        viewer,
                        redeemed_at,
                    })
                    .await?;
                tracing::debug!(?outcome, "redemption handled");
            }
            TwitchEvent::VipAdded { channel, viewer } => self.vip_added(&channel, &viewer).await?,
            TwitchEvent::VipRemoved { channel, viewer } => {
                self.vip_removed(&channel, &viewer).await?;
            }
            TwitchEvent::ModeratorAdded { channel, viewer } => {
                self.moderator_added(&channel, &viewer).await?;
            }
            TwitchEvent::ModeratorRemoved { channel, viewer } => {
                self.moderator_removed(&channel, &viewer).await?;
            }
            TwitchEvent::RewardUpdated {
                channel,
                reward_id,
                enabled,
                paused,
            } => {
                self.reward_updated(&channel, &reward_id, enabled, paused)
                    .await?
            }
            TwitchEvent::RewardRemoved { channel, reward_id } => {
                self.reward_removed(&channel, &reward_id).await?;
            }
            TwitchEvent::AuthorizationRevoked { user_id } => {
                self.needs_reauth(&ChannelId(user_id), "authorisation revoked on Twitch")
                    .await;
            }
            TwitchEvent::Subscribed {
                channel,
                message_id,
                viewer,
                is_gift,
                ..
            } => {
                self.support(
                    channel,
                    message_id,
                    SupportKind::Subscription { viewer, is_gift },
                )
                .await?;
            }
            TwitchEvent::SubsGifted {
                channel,
                message_id,
                gifter,
                total,
                ..
            } => {
                self.support(channel, message_id, SupportKind::Gift { gifter, total })
                    .await?;
            }
            TwitchEvent::Cheered {
                channel,
                message_id,
                viewer,
                bits,
            } => {
                self.support(channel, message_id, SupportKind::Cheer { viewer, bits })
                    .await?;
            }
            TwitchEvent::Resubscribed {
                channel,
                message_id,
                viewer,
                tier,
                cumulative_months,
                message: _,
            } => {
                tracing::debug!(%channel, %tier, cumulative_months, "resubscription shared");
                self.support(channel, message_id, SupportKind::Resubscription { viewer })
                    .await?;
            }
            TwitchEvent::BitsUsed {
                channel,
                message_id,
                viewer,
                bits,
                kind,
            } => {
                let kind = SupportKind::BitsUse { viewer, bits, kind };
                self.support(channel, message_id, kind).await?;
            }
            TwitchEvent::Chat(message) => self.handle_chat(message).await?,
            TwitchEvent::StreamOffline { channel } => {
                self.stream_went_offline(&channel).await?;
            }
            TwitchEvent::StreamOnline { channel } => {
                self.stream_came_online(&channel).await?;
            }
        }
        Ok(())
    }

    async fn support(
        &self,
        channel: ChannelId,
        message_id: String,
        kind: SupportKind,
    ) -> EngineResult<()> {
        let outcome = self
            .handle_support(Support {
                channel,
                message_id,
                kind,
            })
            .await?;
        tracing::debug!(?outcome, "subscription, gift or use of bits handled");
        Ok(())
    }

    async fn vip_added(&self, channel: &ChannelId, viewer: &Viewer) -> EngineResult<()> {
        // Every grant of the app is followed by this event: its session, looked up first, is the
        // answer without reading the channel too.
        if self.is_adding(channel, &viewer.id)
            || self
                .store
                .active_session(channel, &viewer.id)
                .await?
                .is_some()
            || self.store.channel(channel).await?.is_none()
        {
            return Ok(());
        }
        self.record_external(channel, viewer, "channel.vip.add")
            .await?;
        Ok(())
    }

    async fn vip_removed(&self, channel: &ChannelId, viewer: &Viewer) -> EngineResult<()> {
        let Some(session) = self.store.active_session(channel, &viewer.id).await? else {
            return Ok(());
        };
        // An expiry or revoke in progress holds the lease: the removal is the app's own.
        let Some(lease) = self.lease(session_lease(&session.id)).await? else {
            return Ok(());
        };
        let result = async {
            // Events can arrive late: believe Twitch as it is now when it answers.
            match self.twitch.vips(channel).await {
                Ok(vips) if vips.iter().any(|v| v.id == viewer.id) => return Ok(false),
                Ok(_) => {}
                Err(e) => {
                    tracing::info!(error = %e, "cannot confirm a VIP removal; trusting the event")
                }
            }
            self.close_externally(&session, "channel.vip.remove").await
        }
        .await;
        self.release(lease).await;
        if result? {
            self.drain_waitlist(channel).await?;
        }
        Ok(())
    }

    async fn moderator_added(&self, channel: &ChannelId, viewer: &Viewer) -> EngineResult<()> {
        self.moderators.forget(channel).await;
        let Some(session) = self.store.active_session(channel, &viewer.id).await? else {
            return Ok(());
        };
        let lease = self.wait_for_lease(session_lease(&session.id)).await?;
        let result = self
            .close_externally(&session, "channel.moderator.add")
            .await;
        self.release(lease).await;
        if result? {
            self.drain_waitlist(channel).await?;
        }
        Ok(())
    }

    /// The channel's moderator list is forgotten, so the next access check asks Twitch and the
    /// removed moderator's access ends; the streamer's record says when and why.
    async fn moderator_removed(&self, channel: &ChannelId, viewer: &Viewer) -> EngineResult<()> {
        self.moderators.forget(channel).await;
        if self.store.channel(channel).await?.is_none() {
            return Ok(());
        }
        self.record(
            channel,
            Happened::new(
                AuditAction::ModeratorRemoved,
                Actor::System,
                Some(viewer),
                AuditDetails {
                    event: Some("channel.moderator.remove".into()),
                    ..AuditDetails::default()
                },
            ),
        )
        .await?;
        tracing::info!(%channel, viewer = %viewer.login, "moderator removed on Twitch");
        Ok(())
    }

    async fn reward_updated(
        &self,
        channel: &ChannelId,
        reward_id: &str,
        enabled: bool,
        paused: bool,
    ) -> EngineResult<()> {
        let Some(mut reward) = self
            .store
            .reward(reward_id)
            .await?
            .filter(|r| &r.channel_id == channel)
        else {
            return Ok(());
        };
        if reward.enabled != enabled {
            reward.enabled = enabled;
            self.store.save_reward(&reward).await?;
            let details = AuditDetails {
                reward_id: Some(reward_id.to_owned()),
                enabled: Some(enabled),
                paused: Some(paused),
                changed_on: Some("twitch".into()),
                ..AuditDetails::default()
            };
            self.record(
                channel,
                Happened::new(AuditAction::RewardUpdated, Actor::System, None, details)
                    .live(LiveKind::RewardsChanged, None),
            )
            .await?;
        }
        Ok(())
    }

    async fn reward_removed(&self, channel: &ChannelId, reward_id: &str) -> EngineResult<()> {
        self.reward_deleted_on_twitch(channel, reward_id).await
    }

    /// Records a VIP the app did not grant, unless the viewer has an active session. Returns
    /// whether it was recorded.
    pub(super) async fn record_external(
        &self,
        channel: &ChannelId,
        viewer: &Viewer,
        seen_via: &str,
    ) -> EngineResult<bool> {
        if self
            .store
            .active_session(channel, &viewer.id)
            .await?
            .is_some()
        {
            return Ok(false);
        }
        let session = VipSession {
            id: new_id(),
            channel_id: channel.clone(),
            viewer: viewer.clone(),
            source: VipSource::External,
            granted_by: Actor::System,
            granted_at: self.now(),
            expires_at: None,
            state: SessionState::Active,
            ended_at: None,
            redemption_id: None,
            metadata: json!({ "seen_via": seen_via }),
        };
        match self.store.insert_session(&session).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        let details = AuditDetails {
            session_id: Some(session.id.clone()),
            seen_via: Some(seen_via.to_owned()),
            note: Some("a VIP the app did not grant: shown, never removed by the app".into()),
            ..AuditDetails::default()
        };
        self.record(
            channel,
            Happened::new(
                AuditAction::ExternalVipSeen,
                Actor::System,
                Some(viewer),
                details,
            )
            .live(LiveKind::ExternalVip, Some(session)),
        )
        .await?;
        Ok(true)
    }

    /// Ends an active session as removed externally (compare-and-set, re-reading on races).
    /// Returns whether this call ended it.
    pub(super) async fn close_externally(
        &self,
        session: &VipSession,
        seen_via: &str,
    ) -> EngineResult<bool> {
        for _ in 0..CAS_ATTEMPTS {
            let Some(current) = self
                .store
                .session(&session.id)
                .await?
                .filter(|s| s.state == SessionState::Active)
            else {
                return Ok(false);
            };
            let expected = ActiveWith {
                expires_at: current.expires_at,
            };
            if !self
                .end(&current, expected, SessionState::RemovedExternally)
                .await?
            {
                continue;
            }
            let details = AuditDetails {
                session_id: Some(current.id.clone()),
                seen_via: Some(seen_via.to_owned()),
                source: Some(current.source),
                ..AuditDetails::default()
            };
            let viewer = current.viewer.clone();
            let ended = self.ended(current, SessionState::RemovedExternally);
            self.record(
                &ended.channel_id.clone(),
                Happened::new(
                    AuditAction::RemovedExternally,
                    Actor::System,
                    Some(&viewer),
                    details,
                )
                .live(LiveKind::RemovedExternally, Some(ended)),
            )
            .await?;
            return Ok(true);
        }
        Err(EngineError::Contended)
    }
}
