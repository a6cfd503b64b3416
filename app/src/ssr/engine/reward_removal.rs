//! A reward leaving the channel. Twitch closes the UNFULFILLED redemptions of a deleted reward as
//! FULFILLED with the points kept (Delete Custom Reward), so before the app deletes one of its
//! rewards it switches the reward off (no new redemptions), refunds every redemption still waiting
//! on it — its waitlisted entries and whatever else Twitch lists as UNFULFILLED, up to 50 per call —
//! and deletes it only when all of them are refunded. If any refund fails, the reward stays
//! (switched off), nothing is forgotten, and the caller tells the streamer.
//!
//! A reward deleted on Twitch's side (`channel.channel_points_custom_reward.remove`) can no longer
//! be refunded: its waitlisted entries are closed as Twitch closed them (FULFILLED, points kept,
//! no VIP), each with an activity-log line the dashboard shows, so the streamer can make it up.
//!
//! Both hold the channel's waitlist lease, so a drain never grants an entry that is being closed,
//! and the removal event of the app's own deletion finds the reward forgotten already. The refunds
//! and closings themselves are in `reward_refunds`.

use super::effects::Happened;
use super::reward_refunds::{ClearReport, Closed};
use super::sessions::waitlist_lease;
use super::{Engine, EngineError, EngineResult};
use crate::model::{Actor, AuditAction, AuditDetails, Channel, ChannelId, LiveKind, Reward};
use crate::ssr::twitch::{RewardError, RewardSpec, TwitchError};

/// How [`Engine::delete_reward`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardRemoval {
    /// Deleted on Twitch (or gone there already) and forgotten.
    Deleted(ClearReport),
    /// Kept, switched off: some waiting redemptions could not be refunded.
    Kept(ClearReport),
}

impl Engine {
    /// Switches the reward off on Twitch, refunds every redemption waiting on it, then deletes it on
    /// Twitch and forgets it; a reward Twitch no longer has is forgotten as if removed there.
    ///
    /// # Errors
    /// [`EngineError::Twitch`] when switching it off or deleting it fails (refunds made stay made),
    /// [`EngineError::Contended`] when the waitlist stays busy, or a store failure.
    pub async fn delete_reward(
        &self,
        channel: &ChannelId,
        reward: &Reward,
    ) -> EngineResult<RewardRemoval> {
        if reward.enabled {
            // Recorded first, so the `reward.update` event of this change reads as the app's own.
            let off = Reward {
                enabled: false,
                ..reward.clone()
            };
            self.store.save_reward(&off).await?;
            let spec = RewardSpec::from(&off);
            match self
                .retrying(|| self.twitch.update_reward(channel, &reward.id, &spec))
                .await
            {
                Ok(()) => {}
                Err(RewardError::Twitch(TwitchError::NotFound)) => {
                    return self.gone(channel, reward).await;
                }
                Err(e) => {
                    self.store.save_reward(reward).await?;
                    return Err(match e {
                        RewardError::Twitch(e) => e,
                        RewardError::DuplicateTitle => {
                            TwitchError::Rejected("the reward's title is taken".into())
                        }
                    }
                    .into());
                }
            }
        }
        let lease = self.wait_for_lease(waitlist_lease(channel)).await?;
        let result = self.delete_leased(channel, reward).await;
        self.release(lease).await;
        result
    }

    async fn delete_leased(
        &self,
        channel: &ChannelId,
        reward: &Reward,
    ) -> EngineResult<RewardRemoval> {
        let channel = self.channel(channel).await?;
        let Some(report) = self.clear(&channel, reward).await? else {
            return Ok(RewardRemoval::Deleted(
                self.forget_gone(&channel, reward).await?,
            ));
        };
        if !report.is_clear() {
            return Ok(RewardRemoval::Kept(report));
        }
        match self
            .retrying(|| self.twitch.delete_reward(&channel.id, &reward.id))
            .await
        {
            Ok(()) | Err(TwitchError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        self.store.delete_reward(&reward.id).await?;
        Ok(RewardRemoval::Deleted(report))
    }

    /// The reward is gone on Twitch already: forget it as the removal event would.
    async fn gone(&self, channel: &ChannelId, reward: &Reward) -> EngineResult<RewardRemoval> {
        let lease = self.wait_for_lease(waitlist_lease(channel)).await?;
        let result = async {
            let channel = self.channel(channel).await?;
            self.forget_gone(&channel, reward).await
        }
        .await;
        self.release(lease).await;
        Ok(RewardRemoval::Deleted(result?))
    }

    /// A reward was deleted on Twitch's side: closes its waitlisted entries as Twitch closed them,
    /// forgets it and logs it. Nothing happens for a reward the app did not know or forgot already
    /// (the event of its own deletion).
    pub(super) async fn reward_deleted_on_twitch(
        &self,
        channel: &ChannelId,
        reward_id: &str,
    ) -> EngineResult<()> {
        // An app-side deletion in progress holds the lease and forgets the reward before it ends;
        // closing is once-only without the lease too, so a long wait does not stop it.
        let lease = match self.wait_for_lease(waitlist_lease(channel)).await {
            Ok(lease) => Some(lease),
            Err(EngineError::Contended) => None,
            Err(e) => return Err(e),
        };
        let result = self.forget_deleted_on_twitch(channel, reward_id).await;
        if let Some(lease) = lease {
            self.release(lease).await;
        }
        result
    }

    async fn forget_deleted_on_twitch(
        &self,
        channel: &ChannelId,
        reward_id: &str,
    ) -> EngineResult<()> {
        let Some(reward) = self
            .store
            .reward(reward_id)
            .await?
            .filter(|r| &r.channel_id == channel)
        else {
            return Ok(());
        };
        let channel = self.channel(channel).await?;
        let report = self.forget_gone(&channel, &reward).await?;
        let details = AuditDetails {
            reward_id: Some(reward.id.clone()),
            title: Some(reward.title.clone()),
            changed_on: Some("twitch".into()),
            closed_by_twitch: Some(report.closed_by_twitch),
            ..AuditDetails::default()
        };
        self.record(
            &channel,
            Happened::new(AuditAction::RewardDeleted, Actor::System, None, details)
                .live(LiveKind::RewardsChanged, None),
        )
        .await?;
        Ok(())
    }

    async fn forget_gone(&self, channel: &Channel, reward: &Reward) -> EngineResult<ClearReport> {
        let mut report = ClearReport::default();
        for entry in self.waitlisted_for(&channel.id, &reward.id).await?.values() {
            if self
                .close(channel, reward, entry, Closed::RewardDeletedOnTwitch)
                .await?
            {
                report.closed_by_twitch += 1;
            }
        }
        self.store.delete_reward(&reward.id).await?;
        Ok(report)
    }
}
