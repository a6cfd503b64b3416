//! Extensions: the streamer or a moderator adds time to a viewer's timed VIP (who may do it is the
//! caller's check), and the one way every extension (also a repeat redemption's) moves a deadline:
//! under the session's lease, so that it never lands while an expiry or a revoke removes the VIP.

use super::effects::Happened;
use super::rules::{extended_deadline, render_chat};
use super::sessions::CAS_ATTEMPTS;
use super::{Engine, EngineError, EngineResult};
use crate::model::{
    Actor, AuditAction, AuditDetails, ChannelId, LiveKind, VipDuration, VipSession,
};

// Returned once per call, never stored in bulk: boxing would only cost an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum ExtendOutcome {
    /// The session with its new deadline.
    Extended(VipSession),
    /// The viewer has no active session (maybe it just expired).
    NotActive,
    /// A VIP the app did not grant: never turned into a temporary one.
    NotManaged,
    /// The VIP lasts until the stream ends: there is no time to add to.
    UntilStreamEnd,
}

impl Engine {
    /// Adds `by` to the time left (from now if the deadline already passed). An extension racing
    /// another re-reads and applies on top; one that comes while an expiry or a revoke removes the
    /// VIP waits for it and finds the session ended ([`ExtendOutcome::NotActive`]).
    ///
    /// # Errors
    /// [`EngineError::UnknownChannel`], [`EngineError::Contended`], or a store failure.
    pub async fn extend(
        &self,
        channel: &ChannelId,
        viewer_id: &str,
        by: VipDuration,
        actor: Actor,
    ) -> EngineResult<ExtendOutcome> {
        let channel = self.channel(channel).await?;
        for _ in 0..CAS_ATTEMPTS {
            let Some(session) = self.store.active_session(&channel.id, viewer_id).await? else {
                return Ok(ExtendOutcome::NotActive);
            };
            if session.is_untimed() {
                return Ok(ExtendOutcome::NotManaged);
            }
            if session.ends_with_stream() {
                return Ok(ExtendOutcome::UntilStreamEnd);
            }
            let now = self.now();
            let Some(session) = self
                .extend_leased(&session.id, |deadline| extended_deadline(deadline, now, by))
                .await?
            else {
                continue;
            };
            self.skip_passed_warnings(&channel, &session).await;
            let new_deadline = session.expires_at.unwrap_or(now);
            let chat = render_chat(
                &channel.settings.chat.extended,
                &session.viewer.display_name,
                Some(by.into()),
                None,
            );
            let details = AuditDetails {
                session_id: Some(session.id.clone()),
                duration_secs: Some(by.as_secs()),
                expires_at: Some(new_deadline),
                ..AuditDetails::default()
            };
            self.record(
                &channel,
                Happened::new(AuditAction::Extend, actor, Some(&session.viewer), details)
                    .chat(chat)
                    .live(LiveKind::Extended, Some(session.clone()))
                    .deadlines_moved(),
            )
            .await?;
            return Ok(ExtendOutcome::Extended(session));
        }
        Err(EngineError::Contended)
    }
}
