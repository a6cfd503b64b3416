//! Setting when a timed VIP ends (`!vips setexpire`): the deadline becomes now + the duration,
//! earlier or later than before, under the session's lease like every extension.

use super::effects::Happened;
use super::sessions::CAS_ATTEMPTS;
use super::{Engine, EngineError, EngineResult, ExtendOutcome};
use crate::model::{Actor, AuditAction, AuditDetails, ChannelId, LiveKind, VipDuration};

impl Engine {
    /// Makes the viewer's timed VIP end `length` from now. Audited as an extension with
    /// `set_expiry: true` (and the new deadline).
    ///
    /// # Errors
    /// [`EngineError::UnknownChannel`], [`EngineError::Contended`], or a store failure.
    pub async fn set_expiry(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
        length: VipDuration,
        actor: Actor,
    ) -> EngineResult<ExtendOutcome> {
        let channel = self.channel(channel).await?;
        for _ in 0..CAS_ATTEMPTS {
            let Some(session) = self.store.active_session(&channel.id, viewer_id).await? else {
                return Ok(ExtendOutcome::NotActive);
            };
            if session.expires_at.is_none() {
                return Ok(ExtendOutcome::NotManaged);
            }
            let to = self.now() + length.as_chrono();
            let Some(session) = self.extend_leased(&session.id, |_| to).await? else {
                continue;
            };
            let details = AuditDetails {
                session_id: Some(session.id.clone()),
                set_expiry: Some(true),
                duration_secs: Some(length.as_secs()),
                expires_at: Some(to),
                ..AuditDetails::default()
            };
            self.record(
                &channel,
                Happened::new(AuditAction::Extend, actor, Some(&session.viewer), details)
                    .live(LiveKind::Extended, Some(session.clone()))
                    .deadlines_moved(),
            )
            .await?;
            return Ok(ExtendOutcome::Extended(session));
        }
        Err(EngineError::Contended)
    }
}
