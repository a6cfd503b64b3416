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
//! and the removal event of the app's own deletion finds the reward forgotten already.

use std::collections::HashMap;

use serde_json::json;

use super::grant::Paid;
use super::{waitlist_lease, Engine, EngineError, EngineResult};
use crate::model::{
    Actor, AuditAction, Channel, ChannelId, LiveKind, RedemptionOutcome, RedemptionRecord,
    RefundReason, Reward, Viewer, VipDuration, WaitlistEntry,
};
use crate::ssr::twitch::{RewardError, RewardSpec, TwitchError, MAX_REDEMPTIONS_PER_UPDATE};

/// What clearing a reward's waiting redemptions did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClearReport {
    /// Redemptions refunded (CANCELED on Twitch, recorded, announced).
    pub refunded: usize,
    /// Waitlisted redemptions Twitch closed without the app (FULFILLED by hand on Twitch, or by
    /// the reward's deletion outside the app): taken off the waitlist and reported.
    pub closed_by_twitch: usize,
    /// Redemptions still UNFULFILLED on Twitch that could not be refunded.
    pub not_refunded: Vec<String>,
    /// What failed, if anything did.
    pub failure: Option<TwitchError>,
}

impl ClearReport {
    /// Whether the reward can be deleted without a viewer's points being kept.
    pub fn is_clear(&self) -> bool {
        self.failure.is_none() && self.not_refunded.is_empty()
    }
}

/// How [`Engine::delete_reward`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardRemoval {
    /// Deleted on Twitch (or gone there already) and forgotten.
    Deleted(ClearReport),
    /// Kept, switched off: some waiting redemptions could not be refunded.
    Kept(ClearReport),
}

/// Why the app stopped waiting for a waitlisted redemption without granting or refunding it.
#[derive(Clone, Copy)]
enum Closed {
    /// The reward was deleted outside the app: Twitch fulfilled the redemption.
    RewardDeletedOnTwitch,
    /// Someone fulfilled it by hand on Twitch (it was no longer UNFULFILLED, and not CANCELED).
    FulfilledOnTwitch,
}

/// One redemption still waiting on the reward, with what the app knows of it.
struct Waiting {
    id: String,
    viewer: Viewer,
    record: Option<RedemptionRecord>,
    entry: Option<WaitlistEntry>,
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
            let off = RewardSpec {
                enabled: false,
                ..RewardSpec::from(reward)
            };
            match self
                .retrying(|| self.twitch.update_reward(channel, &reward.id, &off))
                .await
            {
                Ok(()) => {
                    let stored = Reward {
                        enabled: false,
                        ..reward.clone()
                    };
                    self.store.save_reward(&stored).await?;
                }
                Err(RewardError::Twitch(TwitchError::NotFound)) => {
                    return self.gone(channel, reward).await;
                }
                Err(RewardError::Twitch(e)) => return Err(e.into()),
                Err(RewardError::DuplicateTitle) => {
                    return Err(TwitchError::Rejected("the reward's title is taken".into()).into())
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
        let audit = self
            .audit(
                &channel.id,
                AuditAction::RewardDeleted,
                Actor::System,
                None,
                json!({
                    "reward_id": reward.id,
                    "title": reward.title,
                    "changed_on": "twitch",
                    "closed_by_twitch": report.closed_by_twitch,
                }),
            )
            .await?;
        self.publish(&channel.id, LiveKind::RewardsChanged, None, Some(audit));
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

    /// Refunds what waits on the reward. `None` when Twitch no longer has the reward.
    async fn clear(&self, channel: &Channel, reward: &Reward) -> EngineResult<Option<ClearReport>> {
        let mut report = ClearReport::default();
        let mut entries = self.waitlisted_for(&channel.id, &reward.id).await?;
        let listed = match self
            .retrying(|| self.twitch.unfulfilled_redemptions(&channel.id, &reward.id))
            .await
        {
            Ok(listed) => listed,
            Err(TwitchError::NotFound) => return Ok(None),
            Err(e) => {
                self.twitch_failed(&channel.id, &e).await;
                report.failure = Some(e);
                return Ok(Some(report));
            }
        };
        let mut waiting = Vec::new();
        for p in listed {
            let record = self.store.redemption(&p.id).await?;
            // VIP was granted: only its FULFILLED never reached Twitch, and deleting fulfils it.
            if record.as_ref().map(|r| r.outcome) == Some(RedemptionOutcome::Fulfilled) {
                continue;
            }
            let entry = entries.remove(&p.id);
            waiting.push(Waiting {
                id: p.id,
                viewer: p.viewer,
                record,
                entry,
            });
        }
        // Waitlisted but not UNFULFILLED on Twitch: decided there; the cancel call tells how.
        for (id, entry) in entries {
            waiting.push(Waiting {
                id,
                viewer: entry.viewer.clone(),
                record: self.store.redemption(&entry.redemption_id).await?,
                entry: Some(entry),
            });
        }
        for chunk in waiting.chunks(MAX_REDEMPTIONS_PER_UPDATE) {
            let ids: Vec<String> = chunk.iter().map(|w| w.id.clone()).collect();
            if report.failure.is_some() {
                report.not_refunded.extend(ids);
                continue;
            }
            let canceled = match self
                .retrying(|| self.twitch.cancel_redemptions(&channel.id, &reward.id, &ids))
                .await
            {
                Ok(canceled) => canceled,
                Err(e) => {
                    self.twitch_failed(&channel.id, &e).await;
                    report.failure = Some(e);
                    report.not_refunded.extend(ids);
                    continue;
                }
            };
            for w in chunk {
                if canceled.contains(&w.id) {
                    self.refunded(channel, reward, w).await?;
                    report.refunded += 1;
                } else if let Some(entry) = &w.entry {
                    if self
                        .close(channel, reward, entry, Closed::FulfilledOnTwitch)
                        .await?
                    {
                        report.closed_by_twitch += 1;
                    }
                }
            }
        }
        Ok(Some(report))
    }

    /// Records and announces a redemption refunded because its reward is being deleted.
    async fn refunded(&self, channel: &Channel, reward: &Reward, w: &Waiting) -> EngineResult<()> {
        let reason = RefundReason::RewardDeleted;
        if let Some(entry) = &w.entry {
            self.store.waitlist_remove(&channel.id, &entry.redemption_id).await?;
        }
        match &w.record {
            // Refunded before; only its CANCELED had not reached Twitch.
            Some(r) if matches!(r.outcome, RedemptionOutcome::Refunded(_)) => return Ok(()),
            Some(_) => {
                self.store
                    .set_redemption_outcome(&w.id, RedemptionOutcome::Refunded(reason))
                    .await?;
            }
            // Never delivered to the app: recorded, so a late delivery stops as a duplicate.
            None => {
                let record = RedemptionRecord {
                    id: w.id.clone(),
                    channel_id: channel.id.clone(),
                    reward_id: reward.id.clone(),
                    viewer: w.viewer.clone(),
                    received_at: self.now(),
                    outcome: RedemptionOutcome::Refunded(reason),
                };
                if !self.store.create_redemption(&record).await? {
                    self.store
                        .set_redemption_outcome(&w.id, RedemptionOutcome::Refunded(reason))
                        .await?;
                }
            }
        }
        let duration = w
            .entry
            .as_ref()
            .and_then(|e| VipDuration::from_secs(e.duration_secs).ok())
            .unwrap_or(reward.duration);
        let paid = Paid {
            id: w.id.clone(),
            reward_id: reward.id.clone(),
            cost: Some(reward.cost),
        };
        self.announce_refund(channel, &w.viewer, Some(duration), &paid, reason)
            .await
    }

    /// Takes a waitlisted redemption Twitch closed off the list, records it and tells the
    /// streamer. Returns whether this call took it off (once, whoever races).
    async fn close(
        &self,
        channel: &Channel,
        reward: &Reward,
        entry: &WaitlistEntry,
        how: Closed,
    ) -> EngineResult<bool> {
        if !self
            .store
            .waitlist_remove(&channel.id, &entry.redemption_id)
            .await?
        {
            return Ok(false);
        }
        self.store
            .set_redemption_outcome(&entry.redemption_id, RedemptionOutcome::ClosedByTwitch)
            .await?;
        let (problem, detail) = match how {
            Closed::RewardDeletedOnTwitch => (
                "reward_deleted_on_twitch",
                "the reward was deleted on Twitch while this viewer waited for a VIP slot: Twitch marked the redemption fulfilled and kept the points, and the app can no longer refund it; make it up to the viewer by hand",
            ),
            Closed::FulfilledOnTwitch => (
                "fulfilled_on_twitch",
                "the redemption was marked fulfilled on Twitch while this viewer waited for a VIP slot: no VIP was granted by the app",
            ),
        };
        tracing::warn!(channel = %channel.id, redemption = %entry.redemption_id, problem,
            "a waitlisted redemption was closed on Twitch without a VIP or a refund");
        let audit = self
            .audit(
                &channel.id,
                AuditAction::TwitchError,
                Actor::System,
                Some(&entry.viewer),
                json!({
                    "problem": problem,
                    "detail": detail,
                    "banner": true,
                    "redemption_id": entry.redemption_id,
                    "reward_id": reward.id,
                    "title": reward.title,
                    "cost": reward.cost,
                }),
            )
            .await?;
        self.publish(&channel.id, LiveKind::TwitchError, None, Some(audit));
        Ok(true)
    }

    /// The channel's waitlisted entries whose redemption is of `reward_id`, by redemption id.
    async fn waitlisted_for(
        &self,
        channel: &ChannelId,
        reward_id: &str,
    ) -> EngineResult<HashMap<String, WaitlistEntry>> {
        let mut found = HashMap::new();
        for entry in self.store.waitlist(channel).await? {
            let record = self.store.redemption(&entry.redemption_id).await?;
            if record.is_some_and(|r| r.reward_id == reward_id) {
                found.insert(entry.redemption_id.clone(), entry);
            }
        }
        Ok(found)
    }

    async fn twitch_failed(&self, channel: &ChannelId, e: &TwitchError) {
        tracing::warn!(%channel, error = %e, "refunding a reward's redemptions failed");
        if *e == TwitchError::Unauthorized {
            self.needs_reauth(channel, "refunding redemptions was refused (401)")
                .await;
        }
    }
}

