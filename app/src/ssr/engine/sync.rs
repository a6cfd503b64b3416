//! Bringing the store in line with Twitch after events may have been missed (start-up, an
//! EventSub outage, a slow timer): a Get VIPs sync, and catch-up of every UNFULFILLED redemption of
//! the app's rewards (Twitch does not replay missed events).

use std::collections::HashSet;

use super::grant_types::{Attempt, IncomingRedemption};
use super::rules::{catch_up_action, CatchUpAction};
use super::sessions::session_lease;
use super::{Engine, EngineResult, GrantOutcome, PendingReason};
use crate::model::{Channel, ChannelId, WaitlistEntry};
use crate::ssr::twitch::TwitchError;

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

impl Engine {
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
    /// pipeline, stale pending ones again (each time counted: a bounded number of times, see
    /// `refusals`), decided ones whose status never reached Twitch are
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

    async fn catch_up_leased(&self, channel: &Channel) -> EngineResult<CatchUpReport> {
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
                let action = if self.is_processing(&redemption.id) {
                    // This instance is still working on it.
                    CatchUpAction::Leave
                } else {
                    catch_up_action(
                        record.as_ref(),
                        waiting.contains(&redemption.id),
                        self.now(),
                        self.catch_up_min_age,
                    )
                };
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
                        // Counted in the store, so the bound holds across restarts and instances.
                        let attempt = self.store.note_redemption_attempt(&redemption.id).await?;
                        self.process_redemption(
                            channel,
                            &reward,
                            &redemption.id,
                            redemption.viewer.clone(),
                            Attempt::CatchUp(attempt),
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
                                duration_secs: reward.duration.stored_secs(),
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
