//! The one grant pipeline, for every source: a channel-point redemption, a manual grant by the
//! streamer or a moderator, and subscriptions, gifts and bits (`rule_grants`).
//!
//! record the redemption atomically (a second delivery stops here) → look at the viewer's state →
//! stacking rule, or Add VIP → persist the session with its deadline → then `outcome`: the
//! redemption's outcome stored → audit → FULFILLED (or CANCELED with a reason) → chat → live event
//! → wake the expiry scheduler.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;

use super::attempts::{keep_marker, Recorded};
use super::grant_types::{
    Attempt, GrantOutcome, GrantRequest, IgnoreReason, IncomingRedemption, Kind, OnFull, Paid,
};
use super::refusals::is_broadcaster;
use super::rules::stacked_deadline;
use super::sessions::CAS_ATTEMPTS;
use super::{Engine, EngineError, EngineResult};
use crate::model::{
    Actor, Channel, ChannelId, GrantLength, RedemptionOutcome, RedemptionRecord, RefundReason,
    Reward, SessionState, Viewer, VipSession, VipSource,
};
use crate::ssr::new_id;
use crate::ssr::twitch::{AddVipError, TwitchError};
use crate::ssr::{ActiveWith, StoreError};

// Returned once per call, never stored in bulk: boxing would only cost an allocation.
#[allow(clippy::large_enum_variant)]
enum Step {
    Done(GrantOutcome),
    /// Another grant for the same viewer won a race: decide again from the viewer's new state.
    LookAgain,
}

impl Engine {
    /// Handles a channel-point redemption, exactly once per redemption id across deliveries,
    /// transports and instances.
    ///
    /// # Errors
    /// When the store fails; the redemption may then be left `Pending` for catch-up.
    pub async fn handle_redemption(
        &self,
        redemption: IncomingRedemption,
    ) -> EngineResult<GrantOutcome> {
        let reward = self
            .store
            .reward(&redemption.reward_id)
            .await?
            .filter(|r| r.channel_id == redemption.channel);
        let Some(reward) = reward else {
            return Ok(GrantOutcome::Ignored(IgnoreReason::NotOurReward));
        };
        let Some(channel) = self.store.channel(&redemption.channel).await? else {
            return Ok(GrantOutcome::Ignored(IgnoreReason::UnknownChannel));
        };
        let record = RedemptionRecord {
            id: redemption.redemption_id.clone(),
            channel_id: channel.id.clone(),
            reward_id: reward.id.clone(),
            viewer: redemption.viewer.clone(),
            received_at: self.now(),
            outcome: RedemptionOutcome::Pending,
        };
        let Recorded::New(marked) = self.record_redemption(&record).await? else {
            tracing::debug!(redemption = %redemption.redemption_id, "duplicate redemption dropped");
            return Ok(GrantOutcome::Duplicate);
        };
        self.process_redemption(
            &channel,
            &reward,
            &redemption.redemption_id,
            redemption.viewer,
            Attempt::First(marked),
        )
        .await
    }

    /// Grants VIP by hand (streamer or moderator) for `length`, with the same rules as a
    /// redemption: a timed VIP is extended or reset per the stacking rule; moderators and VIPs the
    /// app did not grant are refused. A VIP until the stream ends neither stacks nor is stacked
    /// onto: either way round the grant is refused as `already_vip`.
    ///
    /// # Errors
    /// [`EngineError::UnknownChannel`], or when the store fails.
    pub async fn grant_manual(
        &self,
        channel: &ChannelId,
        viewer: Viewer,
        length: impl Into<GrantLength>,
        actor: Actor,
    ) -> EngineResult<GrantOutcome> {
        self.grant(GrantRequest {
            channel: channel.clone(),
            viewer,
            length: length.into(),
            source: VipSource::Manual,
            actor,
        })
        .await
    }

    /// Grants VIP for any source that no redemption pays for (manual, subscription, bits).
    ///
    /// # Errors
    /// [`EngineError::UnknownChannel`], or when the store fails.
    pub async fn grant(&self, request: GrantRequest) -> EngineResult<GrantOutcome> {
        let channel = self.channel(&request.channel).await?;
        self.run(&channel, &request, None, OnFull::Policy).await
    }

    /// The pipeline after the redemption is recorded: its first attempt, or catch-up's re-run of a
    /// pending one.
    pub(super) async fn process_redemption(
        &self,
        channel: &Channel,
        reward: &Reward,
        redemption_id: &str,
        viewer: Viewer,
        attempt: Attempt,
    ) -> EngineResult<GrantOutcome> {
        let (marked, catch_up_attempt) = match attempt {
            Attempt::First(marked) => (marked, None),
            Attempt::CatchUp(n) => (None, n),
        };
        let _processing = self.processing(redemption_id, marked);
        let outcome = self
            .decide_redemption(channel, reward, redemption_id, viewer, catch_up_attempt)
            .await;
        self.drop_unused_marker(redemption_id).await;
        outcome
    }

    async fn decide_redemption(
        &self,
        channel: &Channel,
        reward: &Reward,
        redemption_id: &str,
        viewer: Viewer,
        catch_up_attempt: Option<u32>,
    ) -> EngineResult<GrantOutcome> {
        let paid = Paid {
            id: redemption_id.to_owned(),
            reward_id: reward.id.clone(),
            cost: Some(reward.cost),
            catch_up_attempt,
        };
        let request = GrantRequest {
            channel: channel.id.clone(),
            actor: Actor::Viewer {
                id: viewer.id.clone(),
                login: viewer.login.clone(),
            },
            viewer,
            length: reward.duration,
            source: VipSource::ChannelPoints,
        };
        if !reward.enabled {
            return self
                .refuse(channel, &request, Some(&paid), RefundReason::RewardDisabled)
                .await;
        }
        self.run(channel, &request, Some(&paid), OnFull::Policy)
            .await
    }

    /// Decides from the viewer's state, re-reading after every lost race.
    pub(super) async fn run(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
        on_full: OnFull,
    ) -> EngineResult<GrantOutcome> {
        if is_broadcaster(&channel.id, &request.viewer.id) {
            return self.refuse_broadcaster(channel, request, paid).await;
        }
        if let Some(refused) = self.refuse_excluded(channel, request, paid).await? {
            return Ok(refused);
        }
        for _ in 0..CAS_ATTEMPTS {
            let active = self
                .store
                .active_session(&channel.id, &request.viewer.id)
                .await?;
            let Some(active) = active else {
                if self.is_adding(&channel.id, &request.viewer.id) {
                    // Another grant of this instance is adding the viewer: stack onto it.
                    self.wait_while_adding(&channel.id, &request.viewer.id)
                        .await;
                    if !self.is_adding(&channel.id, &request.viewer.id) {
                        continue;
                    }
                }
                match self
                    .add_and_persist(channel, request, paid, on_full)
                    .await?
                {
                    Step::Done(outcome) => return Ok(outcome),
                    Step::LookAgain => continue,
                }
            };
            if active.is_untimed() {
                if let Some(p) = paid.filter(|_| !active.is_protected()) {
                    // Recorded as external after an earlier attempt of this grant may have added
                    // it (a crash, a lost answer): this grant's VIP after all.
                    if self.earlier_attempt(p).await? {
                        let session = self.new_session(request, paid);
                        match self.adopt(&active, session).await? {
                            Some(session) => {
                                return self
                                    .succeed(channel, request, paid, session, Kind::Granted)
                                    .await
                            }
                            None => continue,
                        }
                    }
                }
                // A VIP the app did not grant: never turn it into a temporary one.
                return self
                    .refuse(channel, request, paid, RefundReason::AlreadyVip)
                    .await;
            }
            if paid.is_some_and(|p| active.redemption_id.as_deref() == Some(p.id.as_str())) {
                // This very redemption started the session (its bookkeeping was interrupted).
                return self
                    .succeed(channel, request, paid, active, Kind::Granted)
                    .await;
            }
            let Some(duration) = request
                .length
                .duration()
                .filter(|_| !active.ends_with_stream())
            else {
                // Until the stream ends on either side: no deadline to stack onto or with.
                return self
                    .refuse(channel, request, paid, RefundReason::AlreadyVip)
                    .await;
            };
            let rule = channel.settings.stacking;
            let now = self.now();
            let extended = self
                .extend_leased(&active.id, |deadline| {
                    stacked_deadline(rule, deadline, now, duration)
                })
                .await?;
            if let Some(session) = extended {
                return self
                    .succeed(channel, request, paid, session, Kind::Extended)
                    .await;
            }
            // The session ended (expiry, revoke) or another extension got there first: look again.
        }
        Err(EngineError::Contended)
    }

    /// A new session for this grant, from now.
    fn new_session(&self, request: &GrantRequest, paid: Option<&Paid>) -> VipSession {
        let now = self.now();
        let mut session = VipSession {
            id: new_id(),
            channel_id: request.channel.clone(),
            viewer: request.viewer.clone(),
            source: request.source,
            granted_by: request.actor.clone(),
            granted_at: now,
            // Until the stream ends: no deadline until the stream goes offline.
            expires_at: request.length.duration().map(|d| now + d.as_chrono()),
            state: SessionState::Active,
            ended_at: None,
            redemption_id: paid.map(|p| p.id.clone()),
            metadata: match paid {
                Some(p) => json!({ "reward_id": p.reward_id }),
                None => serde_json::Value::Null,
            },
        };
        if request.length == GrantLength::StreamEnd {
            session.mark_stream_end();
        }
        session
    }

    /// Add VIP, then record the session. A paid grant leaves its marker while it does (see
    /// `attempts`); the marker stays when the grant is left pending after an attempt that may have
    /// added the VIP, or when this process dies half-way.
    async fn add_and_persist(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
        on_full: OnFull,
    ) -> EngineResult<Step> {
        let Some(p) = paid else {
            let unanswered = AtomicBool::new(false);
            return self
                .add_and_record(channel, request, None, on_full, &unanswered)
                .await;
        };
        let intent = self.intend(p).await?;
        let unanswered = AtomicBool::new(intent.earlier);
        let step = self
            .add_and_record(channel, request, paid, on_full, &unanswered)
            .await;
        let keep = match &step {
            Ok(Step::Done(outcome)) => keep_marker(outcome, unanswered.load(Ordering::Relaxed)),
            Ok(Step::LookAgain) => false,
            // The store failed: keep it, to be safe.
            Err(_) => true,
        };
        if !keep {
            self.settle_intent(intent).await;
        }
        step
    }

    /// `unanswered` is set when an attempt (this call's, or an earlier one's) may have added the
    /// VIP without saying so: "already a VIP" then means this grant's VIP.
    async fn add_and_record(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
        on_full: OnFull,
        unanswered: &AtomicBool,
    ) -> EngineResult<Step> {
        let _adding = self.adding(&channel.id, &request.viewer.id);
        let added = self
            .retrying(|| async {
                let result = self.twitch.add_vip(&channel.id, &request.viewer.id).await;
                if matches!(result, Err(AddVipError::Twitch(TwitchError::Transient(_)))) {
                    unanswered.store(true, Ordering::Relaxed);
                }
                result
            })
            .await;
        let added = match added {
            Err(AddVipError::AlreadyVip) if unanswered.load(Ordering::Relaxed) => {
                tracing::info!(channel = %channel.id,
                    "already VIP after an attempt that may have taken effect: this grant's VIP");
                Ok(())
            }
            other => other,
        };
        if let Err(error) = added {
            return self
                .add_failed(channel, request, paid, on_full, error)
                .await
                .map(Step::Done);
        }
        let session = self.new_session(request, paid);
        let now = session.granted_at;
        for _ in 0..CAS_ATTEMPTS {
            match self.store.insert_session(&session).await {
                Ok(()) => {
                    return self
                        .succeed(channel, request, paid, session, Kind::Granted)
                        .await
                        .map(Step::Done)
                }
                Err(StoreError::Conflict(_)) => {}
                Err(e) => {
                    // VIP without a session would never expire: take it back; catch-up retries.
                    // The error itself is returned, and logged once by whoever handles it.
                    tracing::warn!(channel = %channel.id,
                        "cannot record a granted VIP; removing it again");
                    if let Err(undo) = self
                        .retrying(|| self.twitch.remove_vip(&channel.id, &request.viewer.id))
                        .await
                    {
                        tracing::error!(channel = %channel.id, error = %undo,
                            "cannot remove the unrecorded VIP");
                    }
                    return Err(e.into());
                }
            }
            // Twitch just added the viewer, so they were not VIP a moment ago: the session in the
            // way appeared meanwhile.
            match self
                .store
                .active_session(&channel.id, &request.viewer.id)
                .await?
            {
                // Recorded as external from the `channel.vip.add` our own add caused (seen by
                // another instance): it is this grant's VIP.
                Some(other) if other.is_untimed() => {
                    self.store
                        .end_session(
                            &other.id,
                            ActiveWith { expires_at: None },
                            SessionState::Expired,
                            now,
                        )
                        .await?;
                }
                // A concurrent grant for the same viewer won: stack onto it.
                Some(_) => return Ok(Step::LookAgain),
                None => {}
            }
        }
        Err(EngineError::Contended)
    }
}
