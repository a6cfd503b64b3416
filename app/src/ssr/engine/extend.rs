//! Manual extend: the streamer or a moderator adds time to a viewer's timed VIP. Who may do it is
//! the caller's check.

use serde_json::json;

use super::rules::{extended_deadline, render_chat};
use super::{Engine, EngineError, EngineResult, CAS_ATTEMPTS};
use crate::model::{Actor, AuditAction, ChannelId, LiveKind, VipDuration, VipSession};
use crate::ssr::ActiveWith;

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
}

impl Engine {
    /// Adds `by` to the time left (from now if the deadline already passed). A compare-and-set: an
    /// extension racing an expiry or another extension re-reads and applies on top; an extension
    /// that lands while the expiry removes the VIP holds (the expiry adds the VIP back).
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
            let Some(deadline) = session.expires_at else {
                return Ok(ExtendOutcome::NotManaged);
            };
            let new_deadline = extended_deadline(deadline, self.now(), by);
            let expected = ActiveWith {
                expires_at: Some(deadline),
            };
            if !self
                .store
                .extend_session(&session.id, expected, new_deadline)
                .await?
            {
                continue;
            }
            let session = VipSession {
                expires_at: Some(new_deadline),
                ..session
            };
            self.chat(
                &channel,
                render_chat(
                    &channel.settings.chat.extended,
                    &session.viewer.display_name,
                    Some(by),
                    None,
                ),
            )
            .await;
            let audit = self
                .audit(
                    &channel.id,
                    AuditAction::Extend,
                    actor,
                    Some(&session.viewer),
                    json!({
                        "session_id": session.id,
                        "duration_secs": by.as_secs(),
                        "expires_at": new_deadline,
                    }),
                )
                .await?;
            self.publish(
                &channel.id,
                LiveKind::Extended,
                Some(session.clone()),
                Some(audit),
            );
            self.deadlines_changed();
            return Ok(ExtendOutcome::Extended(session));
        }
        Err(EngineError::Contended)
    }
}
