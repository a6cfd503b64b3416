//! Reconciliation with Twitch: EventSub events (the engine is the [`EventSink`]), a Get VIPs sync,
//! and catch-up of redemptions made while nobody listened (Twitch does not replay missed events).
//!
//! Rules: a VIP the app did not grant is recorded as an external session (shown, never removed);
//! a VIP removed on Twitch, or a viewer made moderator, closes the session as removed externally.
//! The app's own adds and removals cause the same events; they are told apart by the in-flight set
//! (adds on this instance), the session lease (removals in progress on any instance) and, for late
//! removal events, by asking Get VIPs.

use std::collections::HashSet;

use async_trait::async_trait;
use serde_json::json;

use super::grant::IncomingRedemption;
use super::rules::{catch_up_action, CatchUpAction};
use super::{session_lease, Engine, EngineError, EngineResult, CAS_ATTEMPTS};
use crate::model::{
    Actor, AuditAction, ChannelId, LiveKind, SessionState, Viewer, VipSession, VipSource,
    WaitlistEntry,
};
use crate::ssr::accounts::new_id;
use crate::ssr::engine::GrantOutcome;
use crate::ssr::engine::PendingReason;
use crate::ssr::events::{EventSink, TwitchEvent};
use crate::ssr::twitch::TwitchError;
use crate::ssr::{ActiveWith, StoreError};

/// What a Get VIPs sync changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// VIPs on Twitch the app did not know, now recorded as external.
    pub external_added: usize,
    /// Active sessions whose viewer is no longer VIP on Twitch, now closed.
    pub closed: usize,
}

/// What a catch-up did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatchUpReport {
    /// Redemptions run through the grant pipeline (new ones and stale pending ones).
    pub processed: usize,
    /// Decided redemptions whose status reached Twitch only now.
    pub settled: usize,
    /// Waitlisted redemptions put back on the waitlist.
    pub requeued: usize,
}

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
        }
        Ok(())
    }

    async fn vip_added(&self, channel: &ChannelId, viewer: &Viewer) -> EngineResult<()> {
        if self.is_adding(channel, &viewer.id) || self.store.channel(channel).await?.is_none() {
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
            let audit = self
                .audit(
                    channel,
                    AuditAction::RewardUpdated,
                    Actor::System,
                    None,
                    json!({
                        "reward_id": reward_id,
                        "enabled": enabled,
                        "paused": paused,
                        "changed_on": "twitch",
                    }),
                )
                .await?;
            self.publish(channel, LiveKind::RewardsChanged, None, Some(audit));
        }
        Ok(())
    }

    async fn reward_removed(&self, channel: &ChannelId, reward_id: &str) -> EngineResult<()> {
        let ours = self
            .store
            .reward(reward_id)
            .await?
            .is_some_and(|r| &r.channel_id == channel);
        if ours && self.store.delete_reward(reward_id).await? {
            let audit = self
                .audit(
                    channel,
                    AuditAction::RewardDeleted,
                    Actor::System,
                    None,
                    json!({ "reward_id": reward_id, "changed_on": "twitch" }),
                )
                .await?;
            self.publish(channel, LiveKind::RewardsChanged, None, Some(audit));
        }
        Ok(())
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
        let audit = self
            .audit(
                channel,
                AuditAction::ExternalVipSeen,
                Actor::System,
                Some(viewer),
                json!({
                    "session_id": session.id,
                    "seen_via": seen_via,
                    "note": "a VIP the app did not grant: shown, never removed by the app",
                }),
            )
            .await?;
        self.publish(channel, LiveKind::ExternalVip, Some(session), Some(audit));
        Ok(true)
    }

    /// Ends an active session as removed externally (compare-and-set, re-reading on races).
    /// Returns whether this call ended it.
    async fn close_externally(&self, session: &VipSession, seen_via: &str) -> EngineResult<bool> {
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
            let audit = self
                .audit(
                    &current.channel_id,
                    AuditAction::RemovedExternally,
                    Actor::System,
                    Some(&current.viewer),
                    json!({
                        "session_id": current.id,
                        "seen_via": seen_via,
                        "source": current.source,
                    }),
                )
                .await?;
            let ended = self.ended(current, SessionState::RemovedExternally);
            self.publish(
                &ended.channel_id.clone(),
                LiveKind::RemovedExternally,
                Some(ended),
                Some(audit),
            );
            return Ok(true);
        }
        Err(EngineError::Contended)
    }

    /// Brings the sessions in line with Get VIPs: unknown VIPs become external sessions, sessions
    /// whose VIP is gone are closed as removed externally. For start-up, after an EventSub outage
    /// and a slow timer.
    ///
    /// # Errors
    /// [`EngineError::Twitch`] when Get VIPs fails (nothing is changed), or a store failure.
    pub async fn sync_vips(&self, channel: &ChannelId) -> EngineResult<SyncReport> {
        let channel = self.channel(channel).await?;
        // Sessions first: a session listed here was recorded after its VIP was added, so the VIP
        // list read next includes it unless the VIP is really gone.
        let sessions = self.store.active_sessions(&channel.id).await?;
        let vips = match self.retrying(|| self.twitch.vips(&channel.id)).await {
            Ok(vips) => vips,
            Err(TwitchError::Unauthorized) => {
                self.needs_reauth(&channel.id, "listing VIPs was refused (401)")
                    .await;
                return Err(TwitchError::Unauthorized.into());
            }
            Err(e) => return Err(e.into()),
        };
        let vip_ids: HashSet<&str> = vips.iter().map(|v| v.id.as_str()).collect();
        let mut report = SyncReport::default();
        for session in sessions
            .iter()
            .filter(|s| !vip_ids.contains(s.viewer.id.as_str()))
        {
            let Some(lease) = self.lease(session_lease(&session.id)).await? else {
                continue;
            };
            let closed = self.close_externally(session, "get_vips").await;
            self.release(lease).await;
            if closed? {
                report.closed += 1;
            }
        }
        let known: HashSet<&str> = sessions.iter().map(|s| s.viewer.id.as_str()).collect();
        for vip in vips.iter().filter(|v| !known.contains(v.id.as_str())) {
            if !self.is_adding(&channel.id, &vip.id)
                && self.record_external(&channel.id, vip, "get_vips").await?
            {
                report.external_added += 1;
            }
        }
        if report.closed > 0 {
            self.drain_waitlist(&channel.id).await?;
        }
        Ok(report)
    }

    /// Processes every UNFULFILLED redemption of the channel's rewards: new ones through the grant
    /// pipeline, stale pending ones again, decided ones whose status never reached Twitch are
    /// settled; then the waitlist is drained. One catch-up per channel at a time (a store lease);
    /// a channel that needs re-authorisation is skipped.
    ///
    /// # Errors
    /// [`EngineError::Twitch`] when listing redemptions fails, or a store failure.
    pub async fn catch_up(&self, channel: &ChannelId) -> EngineResult<CatchUpReport> {
        let channel = self.channel(channel).await?;
        if channel.needs_reauth {
            return Ok(CatchUpReport::default());
        }
        let Some(lease) = self.lease(format!("catch-up:{}", channel.id)).await? else {
            return Ok(CatchUpReport::default());
        };
        let result = self.catch_up_leased(&channel).await;
        self.release(lease).await;
        let report = result?;
        self.drain_waitlist(&channel.id).await?;
        Ok(report)
    }

    async fn catch_up_leased(
        &self,
        channel: &crate::model::Channel,
    ) -> EngineResult<CatchUpReport> {
        let mut report = CatchUpReport::default();
        let waiting: HashSet<String> = self
            .store
            .waitlist(&channel.id)
            .await?
            .into_iter()
            .map(|e| e.redemption_id)
            .collect();
        for reward in self.store.rewards(&channel.id).await? {
            let pending = match self
                .retrying(|| self.twitch.unfulfilled_redemptions(&channel.id, &reward.id))
                .await
            {
                Ok(pending) => pending,
                Err(TwitchError::NotFound) => continue,
                Err(TwitchError::Unauthorized) => {
                    self.needs_reauth(&channel.id, "listing redemptions was refused (401)")
                        .await;
                    return Err(TwitchError::Unauthorized.into());
                }
                Err(e) => return Err(e.into()),
            };
            for redemption in pending {
                let record = self.store.redemption(&redemption.id).await?;
                let action = catch_up_action(
                    record.as_ref(),
                    waiting.contains(&redemption.id),
                    self.now(),
                    self.catch_up_min_age,
                );
                let outcome = match action {
                    CatchUpAction::Process => {
                        report.processed += 1;
                        self.handle_redemption(IncomingRedemption {
                            channel: channel.id.clone(),
                            redemption_id: redemption.id.clone(),
                            reward_id: reward.id.clone(),
                            viewer: redemption.viewer.clone(),
                            redeemed_at: redemption.redeemed_at,
                        })
                        .await
                    }
                    CatchUpAction::Reprocess => {
                        report.processed += 1;
                        self.process_redemption(
                            channel,
                            &reward,
                            &redemption.id,
                            redemption.viewer.clone(),
                        )
                        .await
                    }
                    CatchUpAction::Settle(status) => {
                        if self
                            .settle(&channel.id, &reward.id, &redemption.id, status)
                            .await
                        {
                            report.settled += 1;
                        }
                        continue;
                    }
                    CatchUpAction::Requeue => {
                        let queued_at = record
                            .as_ref()
                            .map_or(redemption.redeemed_at, |r| r.received_at);
                        self.store
                            .waitlist_push(&WaitlistEntry {
                                channel_id: channel.id.clone(),
                                redemption_id: redemption.id.clone(),
                                viewer: redemption.viewer.clone(),
                                duration_secs: reward.duration.as_secs(),
                                queued_at,
                            })
                            .await?;
                        report.requeued += 1;
                        continue;
                    }
                    CatchUpAction::Leave => continue,
                };
                match outcome {
                    Ok(GrantOutcome::Pending(PendingReason::NeedsReauth)) => return Ok(report),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(channel = %channel.id, redemption = %redemption.id, error = %e,
                            "catching up a redemption failed");
                    }
                }
            }
        }
        Ok(report)
    }
}
