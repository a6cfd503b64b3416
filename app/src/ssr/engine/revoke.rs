//! Manual revoke: the streamer or a moderator ends a viewer's timed VIP early. Who may do it is
//! the caller's check.

use super::effects::Happened;
use super::sessions::{session_lease, CAS_ATTEMPTS};
use super::{Engine, EngineError, EngineResult};
use crate::model::{
    Actor, AuditAction, AuditDetails, ChannelId, LiveKind, SessionState, VipSession,
};
use crate::ssr::twitch::{RemoveVipOutcome, TwitchError};
use crate::ssr::ActiveWith;

// Returned once per call, never stored in bulk: boxing would only cost an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum RevokeOutcome {
    /// VIP removed (or already gone on Twitch) and the session ended as revoked.
    Revoked(VipSession),
    /// The viewer has no active session (maybe it just expired).
    NotActive,
    /// A VIP the app did not grant: the app never removes those.
    NotManaged,
}

impl Engine {
    /// Removes the viewer's VIP now and ends the session as revoked; a freed slot goes to the
    /// waitlist.
    ///
    /// # Errors
    /// [`EngineError::Twitch`] when Twitch refuses or fails after retries (the session stays
    /// active), [`EngineError::UnknownChannel`], [`EngineError::Contended`], or a store failure.
    pub async fn revoke(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
        actor: Actor,
    ) -> EngineResult<RevokeOutcome> {
        let channel = self.channel(channel).await?;
        let Some(session) = self.store.active_session(&channel.id, viewer_id).await? else {
            return Ok(RevokeOutcome::NotActive);
        };
        if session.is_untimed() {
            return Ok(RevokeOutcome::NotManaged);
        }
        let lease = self.wait_for_lease(session_lease(&session.id)).await?;
        let result = self.revoke_leased(&channel.id, session, actor).await;
        self.release(lease).await;
        if matches!(result, Ok(RevokeOutcome::Revoked(_))) {
            if let Err(e) = self.drain_waitlist(&channel.id).await {
                tracing::warn!(channel = %channel.id, error = %e, "waitlist after revoke failed");
            }
        }
        result
    }

    async fn revoke_leased(
        &self,
        channel: &ChannelId,
        session: VipSession,
        actor: Actor,
    ) -> EngineResult<RevokeOutcome> {
        let removal = self
            .retrying(|| self.twitch.remove_vip(channel, &session.viewer.id))
            .await;
        let outcome = match removal {
            Ok(outcome) => outcome,
            Err(TwitchError::Unauthorized) => {
                self.needs_reauth(channel, "removing a VIP was refused (401)")
                    .await;
                return Err(EngineError::Twitch(TwitchError::Unauthorized));
            }
            Err(e) => return Err(e.into()),
        };
        for _ in 0..CAS_ATTEMPTS {
            let Some(current) = self
                .store
                .session(&session.id)
                .await?
                .filter(|s| s.state == SessionState::Active)
            else {
                return Ok(RevokeOutcome::NotActive);
            };
            let expected = ActiveWith {
                expires_at: current.expires_at,
            };
            if !self.end(&current, expected, SessionState::Revoked).await? {
                continue;
            }
            let details = AuditDetails {
                session_id: Some(current.id.clone()),
                vip_was_already_gone: Some(outcome == RemoveVipOutcome::NotAVip),
                remaining_secs: current.remaining_secs(self.now()),
                ..AuditDetails::default()
            };
            let viewer = current.viewer.clone();
            let ended = self.ended(current, SessionState::Revoked);
            self.record(
                channel,
                Happened::new(AuditAction::Revoke, actor, Some(&viewer), details)
                    .live(LiveKind::Revoked, Some(ended.clone())),
            )
            .await?;
            return Ok(RevokeOutcome::Revoked(ended));
        }
        Err(EngineError::Contended)
    }
}
