//! The waitlist, when a channel's settings say so: a redemption that meets full VIP slots waits
//! (first in, first out, UNFULFILLED on Twitch) until a slot frees (after an expiry, a revoke or a
//! VIP removed by hand), and is refunded after the channel's maximum wait.
//!
//! One drain per channel at a time (a store lease). An entry is taken off the list before its grant
//! and put back with its original queue time if the slots are still full, so the order holds.

use super::effects::Happened;
use super::grant_types::{OnFull, Paid};
use super::rules::{render_chat, waitlist_timed_out, WAITLISTED_TEMPLATE};
use super::sessions::waitlist_lease;
use super::{Engine, EngineResult};
use crate::model::{
    Actor, AuditAction, AuditDetails, Channel, ChannelId, GrantLength, LiveKind, RedemptionOutcome,
    RefundReason, VipDuration, VipSource, WaitlistEntry,
};
use crate::ssr::engine::{GrantOutcome, GrantRequest};

impl Engine {
    /// Queues a paid grant that met full slots: the redemption stays UNFULFILLED on Twitch.
    pub(super) async fn enqueue(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: &Paid,
    ) -> EngineResult<GrantOutcome> {
        let entry = WaitlistEntry {
            channel_id: channel.id.clone(),
            redemption_id: paid.id.clone(),
            viewer: request.viewer.clone(),
            // 0 stands for "until the stream ends" (no duration is 0 s long).
            duration_secs: request.length.secs().unwrap_or(0),
            queued_at: self.now(),
        };
        self.store.waitlist_push(&entry).await?;
        self.store
            .set_redemption_outcome(&paid.id, RedemptionOutcome::Waitlisted)
            .await?;
        let chat = render_chat(
            WAITLISTED_TEMPLATE,
            &request.viewer.display_name,
            Some(request.length),
            None,
        );
        let details = AuditDetails {
            redemption_id: Some(paid.id.clone()),
            reward_id: Some(paid.reward_id.clone()),
            cost: paid.cost,
            duration_secs: request.length.secs(),
            max_wait_secs: Some(channel.settings.waitlist_max_wait.as_secs()),
            ..AuditDetails::default()
        };
        self.record(
            channel,
            Happened::new(
                AuditAction::Waitlisted,
                Actor::System,
                Some(&request.viewer),
                details,
            )
            .chat(chat)
            .live(LiveKind::Waitlisted, None),
        )
        .await?;
        Ok(GrantOutcome::Waitlisted)
    }

    /// Drains every channel's waitlist (refunds time-outs, grants free slots). For a slow timer.
    /// Returns how many channels had a waitlist.
    ///
    /// # Errors
    /// When the store fails to list channels; a failing channel is logged and skipped.
    pub async fn process_waitlists(&self) -> EngineResult<usize> {
        let mut with_waitlist = 0;
        for channel in self.store.channels().await? {
            match self.store.waitlist(&channel.id).await {
                Ok(entries) if entries.is_empty() => continue,
                Ok(_) => with_waitlist += 1,
                Err(e) => {
                    tracing::warn!(channel = %channel.id, error = %e, "cannot read the waitlist");
                    continue;
                }
            }
            if let Err(e) = self.drain_waitlist(&channel.id).await {
                tracing::warn!(channel = %channel.id, error = %e, "draining the waitlist failed");
            }
        }
        Ok(with_waitlist)
    }

    /// Refunds entries that waited too long, then grants from the head while Twitch has slots.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn drain_waitlist(&self, channel: &ChannelId) -> EngineResult<()> {
        let Some(lease) = self.lease(waitlist_lease(channel)).await? else {
            return Ok(());
        };
        let result = self.drain_leased(channel).await;
        self.release(lease).await;
        result
    }

    async fn drain_leased(&self, channel: &ChannelId) -> EngineResult<()> {
        let Some(channel) = self.store.channel(channel).await? else {
            return Ok(());
        };
        let entries = self.store.waitlist(&channel.id).await?;
        // Once Twitch says "full" (or cannot be asked), only time-outs are handled.
        let mut stop_granting = channel.needs_reauth;
        for entry in entries {
            let Some(record) = self.store.redemption(&entry.redemption_id).await? else {
                self.store
                    .waitlist_remove(&channel.id, &entry.redemption_id)
                    .await?;
                continue;
            };
            let cost = self.store.reward(&record.reward_id).await?.map(|r| r.cost);
            let paid = Paid {
                id: entry.redemption_id.clone(),
                reward_id: record.reward_id.clone(),
                cost,
                catch_up_attempt: None,
            };
            let request = GrantRequest {
                channel: channel.id.clone(),
                viewer: entry.viewer.clone(),
                length: match entry.duration_secs {
                    0 => GrantLength::StreamEnd,
                    secs => VipDuration::from_secs(secs)
                        .unwrap_or(channel.settings.default_duration)
                        .into(),
                },
                source: VipSource::ChannelPoints,
                actor: Actor::Viewer {
                    id: entry.viewer.id.clone(),
                    login: entry.viewer.login.clone(),
                },
            };
            if waitlist_timed_out(
                entry.queued_at,
                channel.settings.waitlist_max_wait,
                self.now(),
            ) {
                if self
                    .store
                    .waitlist_remove(&channel.id, &entry.redemption_id)
                    .await?
                {
                    self.refuse(
                        &channel,
                        &request,
                        Some(&paid),
                        RefundReason::WaitlistTimedOut,
                    )
                    .await?;
                }
                continue;
            }
            if stop_granting
                || !self
                    .store
                    .waitlist_remove(&channel.id, &entry.redemption_id)
                    .await?
            {
                continue;
            }
            match self
                .run(&channel, &request, Some(&paid), OnFull::KeepQueued)
                .await
            {
                Ok(GrantOutcome::Waitlisted | GrantOutcome::Pending(_)) => {
                    self.store.waitlist_push(&entry).await?;
                    stop_granting = true;
                }
                Ok(_) => {}
                Err(e) => {
                    self.store.waitlist_push(&entry).await?;
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}
