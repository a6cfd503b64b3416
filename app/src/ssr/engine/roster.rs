//! The streamer's say over every VIP slot: protecting a VIP (kept without a deadline and never
//! touched by the app), giving a VIP the app does not time a deadline (it is then removed on time
//! like any grant), the exclusion list (viewers who may never get VIP from the app), and the slot
//! capacity learned when Twitch answers an Add VIP with 409.

use super::effects::Happened;
use super::grant_types::{GrantRequest, Paid};
use super::sessions::{session_lease, CAS_ATTEMPTS};
use super::{Engine, EngineError, EngineResult, GrantOutcome};
use crate::model::{
    Actor, AuditAction, AuditDetails, Channel, ChannelId, Exclusion, LiveKind, RefundReason,
    SlotCapacity, Viewer, VipDuration, VipSession,
};
use crate::ssr::ActiveWith;

/// What protecting, releasing or giving a deadline came to.
// Returned once per call, never stored in bulk: boxing would only cost an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum RosterOutcome {
    /// The session as it is now.
    Changed(VipSession),
    /// Nothing to do: it was so already (protected, or not protected).
    Unchanged(VipSession),
    /// The viewer has no active VIP.
    NotActive,
    /// The VIP is protected: the app does not give it a deadline.
    Protected,
    /// The VIP has a deadline already (or lasts until the stream ends): extend it instead.
    AlreadyTimed,
}

impl Engine {
    /// Protects the viewer's VIP: its deadline (if any) is cleared under the session's lease, so
    /// an expiry or a revoke under way finishes first, and the session is marked; from then on the
    /// app never removes, extends or times it, and a redemption by the viewer is refunded as
    /// "already VIP".
    ///
    /// # Errors
    /// [`EngineError::Contended`] when the session keeps changing, or a store failure.
    pub async fn protect(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
        actor: Actor,
    ) -> EngineResult<RosterOutcome> {
        let channel = self.channel(channel).await?;
        for _ in 0..CAS_ATTEMPTS {
            let Some(active) = self.store.active_session(&channel.id, viewer_id).await? else {
                return Ok(RosterOutcome::NotActive);
            };
            if active.is_protected() {
                return Ok(RosterOutcome::Unchanged(active));
            }
            let lease = self.wait_for_lease(session_lease(&active.id)).await?;
            let metadata = active.metadata_protected(true);
            let expected = ActiveWith {
                expires_at: active.expires_at,
            };
            let set = self
                .store
                .set_untimed(&active.id, expected, &metadata)
                .await;
            self.release(lease).await;
            if !set? {
                continue;
            }
            let had_deadline = active.expires_at;
            let session = VipSession {
                expires_at: None,
                metadata,
                ..active
            };
            let details = AuditDetails {
                session_id: Some(session.id.clone()),
                expires_at: had_deadline,
                ..AuditDetails::default()
            };
            let happened = Happened::new(
                AuditAction::VipProtected,
                actor,
                Some(&session.viewer),
                details,
            )
            .live(LiveKind::RosterChanged, Some(session.clone()));
            self.record(&channel, happened).await?;
            return Ok(RosterOutcome::Changed(session));
        }
        Err(EngineError::Contended)
    }

    /// Takes the protection away: the VIP stays, without a deadline (give it one to time it).
    ///
    /// # Errors
    /// [`EngineError::Contended`] when the session keeps changing, or a store failure.
    pub async fn unprotect(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
        actor: Actor,
    ) -> EngineResult<RosterOutcome> {
        let channel = self.channel(channel).await?;
        for _ in 0..CAS_ATTEMPTS {
            let Some(active) = self.store.active_session(&channel.id, viewer_id).await? else {
                return Ok(RosterOutcome::NotActive);
            };
            if !active.is_protected() {
                return Ok(RosterOutcome::Unchanged(active));
            }
            let metadata = active.metadata_protected(false);
            let expected = ActiveWith { expires_at: None };
            if !self
                .store
                .set_untimed(&active.id, expected, &metadata)
                .await?
            {
                continue;
            }
            let session = VipSession { metadata, ..active };
            let details = AuditDetails {
                session_id: Some(session.id.clone()),
                ..AuditDetails::default()
            };
            let happened = Happened::new(
                AuditAction::VipUnprotected,
                actor,
                Some(&session.viewer),
                details,
            )
            .live(LiveKind::RosterChanged, Some(session.clone()));
            self.record(&channel, happened).await?;
            return Ok(RosterOutcome::Changed(session));
        }
        Err(EngineError::Contended)
    }

    /// Gives a VIP the app does not time (permanent, or added on Twitch) a deadline `length` from
    /// now: it is then timed like any grant (extended, revoked, removed when due). A protected VIP
    /// is refused.
    ///
    /// # Errors
    /// [`EngineError::Contended`] when the session keeps changing, or a store failure.
    pub async fn give_deadline(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
        length: VipDuration,
        actor: Actor,
    ) -> EngineResult<RosterOutcome> {
        let channel = self.channel(channel).await?;
        for _ in 0..CAS_ATTEMPTS {
            let Some(active) = self.store.active_session(&channel.id, viewer_id).await? else {
                return Ok(RosterOutcome::NotActive);
            };
            if active.is_protected() {
                return Ok(RosterOutcome::Protected);
            }
            if !active.is_untimed() {
                return Ok(RosterOutcome::AlreadyTimed);
            }
            let to = self.now() + length.as_chrono();
            let expected = ActiveWith { expires_at: None };
            if !self
                .store
                .set_deadline(&active.id, expected, Some(to))
                .await?
            {
                continue;
            }
            let session = VipSession {
                expires_at: Some(to),
                ..active
            };
            let details = AuditDetails {
                session_id: Some(session.id.clone()),
                source: Some(session.source),
                duration_secs: Some(length.as_secs()),
                expires_at: Some(to),
                ..AuditDetails::default()
            };
            let happened = Happened::new(
                AuditAction::DeadlineGiven,
                actor,
                Some(&session.viewer),
                details,
            )
            .live(LiveKind::RosterChanged, Some(session.clone()))
            .deadlines_moved();
            self.record(&channel, happened).await?;
            return Ok(RosterOutcome::Changed(session));
        }
        Err(EngineError::Contended)
    }

    /// Puts `viewer` on the channel's exclusion list. Returns `false` when they were on it (then
    /// nothing is recorded). A VIP they hold now is left as it is.
    ///
    /// # Errors
    /// A store failure.
    pub async fn exclude(
        &self,
        channel: &ChannelId,
        viewer: Viewer,
        actor: Actor,
    ) -> EngineResult<bool> {
        let channel = self.channel(channel).await?;
        let exclusion = Exclusion {
            channel_id: channel.id.clone(),
            viewer,
            excluded_by: actor.clone(),
            excluded_at: self.now(),
        };
        if !self.store.exclude_viewer(&exclusion).await? {
            return Ok(false);
        }
        let happened = Happened::new(
            AuditAction::ViewerExcluded,
            actor,
            Some(&exclusion.viewer),
            AuditDetails::default(),
        )
        .live(LiveKind::RosterChanged, None);
        self.record(&channel, happened).await?;
        Ok(true)
    }

    /// Takes a viewer off the exclusion list. Returns `false` when they were not on it.
    ///
    /// # Errors
    /// A store failure.
    pub async fn readmit(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
        actor: Actor,
    ) -> EngineResult<bool> {
        let channel = self.channel(channel).await?;
        let listed = self.store.exclusions(&channel.id).await?;
        let Some(entry) = listed.into_iter().find(|e| e.viewer.id == viewer_id) else {
            return Ok(false);
        };
        if !self.store.readmit_viewer(&channel.id, viewer_id).await? {
            return Ok(false);
        }
        let happened = Happened::new(
            AuditAction::ViewerReadmitted,
            actor,
            Some(&entry.viewer),
            AuditDetails::default(),
        )
        .live(LiveKind::RosterChanged, None);
        self.record(&channel, happened).await?;
        Ok(true)
    }

    /// A grant for a viewer on the exclusion list ends here: a redemption is refunded with the
    /// reason `excluded`, any other grant refused with it. `None` for anyone else.
    pub(super) async fn refuse_excluded(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
    ) -> EngineResult<Option<GrantOutcome>> {
        if !self
            .store
            .is_excluded(&channel.id, &request.viewer.id)
            .await?
        {
            return Ok(None);
        }
        tracing::info!(channel = %channel.id, source = ?request.source,
            "a viewer on the exclusion list asked for VIP; refused without asking Twitch");
        self.refuse(channel, request, paid, RefundReason::Excluded)
            .await
            .map(Some)
    }

    /// Twitch answered an Add VIP with 409 (no free slot): the VIPs it lists now are the
    /// channel's capacity. Best effort: a failure is logged, and the grant goes on as before.
    pub(super) async fn learn_capacity(&self, channel: &ChannelId) {
        let vips = match self.twitch.vips(channel).await {
            Ok(vips) => vips,
            Err(e) => {
                tracing::warn!(%channel, error = %e,
                    "cannot list VIPs to learn the slot capacity after a 409");
                return;
            }
        };
        let capacity = SlotCapacity {
            slots: u32::try_from(vips.len()).unwrap_or(u32::MAX),
            learned_at: self.now(),
        };
        if let Err(e) = self.store.set_slot_capacity(channel, &capacity).await {
            tracing::warn!(%channel, error = %e, "cannot record the learned slot capacity");
        }
    }
}
