//! Refunding what waits on a reward that is about to go, and closing what Twitch closed without
//! the app. Waiting means: waitlisted by the app, or UNFULFILLED on Twitch (listed page by page),
//! except a redemption the app fulfilled whose FULFILLED never reached Twitch. They are cancelled
//! up to 50 per Update Redemption Status call; each one Twitch reports CANCELED is recorded as
//! refunded (a never-delivered one gets its record, so a late delivery grants nothing), taken off
//! the waitlist and announced like any refund (chat, activity log, notice, live event). A
//! waitlisted one Twitch reports neither UNFULFILLED nor CANCELED was fulfilled there: it is taken
//! off the waitlist with a line for the streamer, never reported as refunded.

use std::collections::HashMap;

use super::effects::Happened;
use super::grant_types::Paid;
use super::outcome::RefusalDetail;
use super::{Engine, EngineResult};
use crate::model::{
    Actor, AuditAction, AuditDetails, Channel, ChannelId, GrantLength, LiveKind, RedemptionOutcome,
    RedemptionRecord, RefundReason, Reward, Viewer, WaitlistEntry,
};
use crate::ssr::twitch::{TwitchError, MAX_REDEMPTIONS_PER_UPDATE};

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

/// Why the app stopped waiting for a waitlisted redemption without granting or refunding it.
#[derive(Clone, Copy)]
pub(super) enum Closed {
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
    /// Refunds what waits on the reward. `None` when Twitch no longer has the reward.
    pub(super) async fn clear(
        &self,
        channel: &Channel,
        reward: &Reward,
    ) -> EngineResult<Option<ClearReport>> {
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
                .retrying(|| {
                    self.twitch
                        .cancel_redemptions(&channel.id, &reward.id, &ids)
                })
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
            self.store
                .waitlist_remove(&channel.id, &entry.redemption_id)
                .await?;
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
            .and_then(|e| GrantLength::from_stored_secs(e.duration_secs).ok())
            .unwrap_or(reward.duration);
        let paid = Paid {
            id: w.id.clone(),
            reward_id: reward.id.clone(),
            cost: Some(reward.cost),
            catch_up_attempt: None,
        };
        self.announce_refund(
            channel,
            &w.viewer,
            Some(duration),
            &paid,
            reason,
            RefusalDetail::default(),
        )
        .await
    }

    /// Takes a waitlisted redemption Twitch closed off the list, records it and tells the
    /// streamer. Returns whether this call took it off (once, whoever races).
    pub(super) async fn close(
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
        let details = AuditDetails {
            problem: Some(problem.into()),
            detail: Some(detail.into()),
            banner: Some(true),
            redemption_id: Some(entry.redemption_id.clone()),
            reward_id: Some(reward.id.clone()),
            title: Some(reward.title.clone()),
            cost: Some(reward.cost),
            ..AuditDetails::default()
        };
        self.record(
            channel,
            Happened::new(
                AuditAction::TwitchError,
                Actor::System,
                Some(&entry.viewer),
                details,
            )
            .live(LiveKind::TwitchError, None),
        )
        .await?;
        Ok(true)
    }

    /// The channel's waitlisted entries whose redemption is of `reward_id`, by redemption id.
    pub(super) async fn waitlisted_for(
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
