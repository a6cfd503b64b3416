//! VIP until the stream ends. Such a session has no deadline while the stream runs (and when it
//! was granted while the stream was offline: it then lasts through the next stream). When
//! `stream.offline` comes, each gets the deadline "now + the channel's grace period", and from
//! then on the durable expiry scheduler removes it like any timed VIP (after a restart too). When
//! `stream.online` comes before that deadline, the deadline goes again: the VIP is kept.
//!
//! Both moves are compare-and-sets on the session's deadline, so a redelivered event, another
//! instance or an expiry racing them changes nothing twice (an expiry that loses to a stream
//! coming back adds the VIP back, see `expiry`).

use chrono::{DateTime, Utc};

use super::effects::Happened;
use super::{Engine, EngineResult, NextWarning};
use crate::model::{
    Actor, AuditAction, AuditDetails, ChannelId, LiveKind, VipDuration, VipSession,
};
use crate::ssr::ActiveWith;

/// The deadline `stream.offline` at `offline_at` gives a session, or `None` when it has nothing to
/// do with the stream's end or has a deadline already (a redelivered event moves nothing). Pure.
pub fn deadline_at_offline(
    session: &VipSession,
    offline_at: DateTime<Utc>,
    grace: VipDuration,
) -> Option<DateTime<Utc>> {
    (session.ends_with_stream() && session.expires_at.is_none())
        .then(|| offline_at + grace.as_chrono())
}

/// Whether `stream.online` at `now` keeps a session: it lasts until the stream ends and its grace
/// period is still running. Pure.
pub fn kept_at_online(session: &VipSession, now: DateTime<Utc>) -> bool {
    session.ends_with_stream() && session.expires_at.is_some_and(|at| at > now)
}

impl Engine {
    /// The stream went offline: every VIP of the channel that lasts until the stream ends gets its
    /// deadline, the channel's grace period from now (an audit entry each). Returns how many.
    ///
    /// # Errors
    /// [`super::EngineError::UnknownChannel`], or when the store fails.
    pub async fn stream_went_offline(&self, channel: &ChannelId) -> EngineResult<usize> {
        let channel = self.channel(channel).await?;
        let grace = channel.settings.stream_end_grace_secs;
        let now = self.now();
        let mut ending = 0;
        for session in self.store.active_sessions(&channel.id).await? {
            let Some(deadline) = deadline_at_offline(&session, now, grace) else {
                continue;
            };
            let expected = ActiveWith { expires_at: None };
            if !self
                .store
                .set_deadline(&session.id, expected, Some(deadline))
                .await?
            {
                continue;
            }
            ending += 1;
            let details = AuditDetails {
                session_id: Some(session.id.clone()),
                expires_at: Some(deadline),
                grace_secs: Some(grace.as_secs()),
                note: Some("VIP until the stream ends: removed after the grace period unless the stream comes back".into()),
                ..AuditDetails::default()
            };
            let session = VipSession {
                expires_at: Some(deadline),
                ..session
            };
            self.skip_passed_warnings(&channel, &session).await;
            self.record(
                &channel,
                Happened::new(
                    AuditAction::StreamOffline,
                    Actor::System,
                    Some(&session.viewer),
                    details,
                )
                .live(LiveKind::Extended, Some(session.clone())),
            )
            .await?;
        }
        tracing::info!(channel = %channel.id, ending, "stream went offline");
        if ending > 0 {
            let deadline = now + grace.as_chrono();
            self.deadlines_changed(NextWarning::of(&channel, Some(deadline), now));
        }
        Ok(ending)
    }

    /// The stream went live: every VIP of the channel that lasts until the stream ends and whose
    /// grace period is still running loses its deadline again (an audit entry each). Returns how
    /// many were kept.
    ///
    /// # Errors
    /// [`super::EngineError::UnknownChannel`], or when the store fails.
    pub async fn stream_came_online(&self, channel: &ChannelId) -> EngineResult<usize> {
        let channel = self.channel(channel).await?;
        let now = self.now();
        let mut kept = 0;
        for session in self.store.active_sessions(&channel.id).await? {
            if !kept_at_online(&session, now) {
                continue;
            }
            let expected = ActiveWith {
                expires_at: session.expires_at,
            };
            if !self.store.set_deadline(&session.id, expected, None).await? {
                // Its expiry got there first (or another delivery did this already).
                continue;
            }
            kept += 1;
            let details = AuditDetails {
                session_id: Some(session.id.clone()),
                kept: Some(true),
                note: Some(
                    "the stream came back within the grace period: VIP until the stream ends again"
                        .into(),
                ),
                ..AuditDetails::default()
            };
            let session = VipSession {
                expires_at: None,
                ..session
            };
            self.record(
                &channel,
                Happened::new(
                    AuditAction::StreamOnline,
                    Actor::System,
                    Some(&session.viewer),
                    details,
                )
                .live(LiveKind::Extended, Some(session.clone())),
            )
            .await?;
        }
        if kept > 0 {
            tracing::info!(channel = %channel.id, kept, "stream back within the grace period");
        }
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::model::{SessionState, Viewer, VipSource};

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(secs)
    }

    fn session(stream_end: bool, expires_at: Option<DateTime<Utc>>) -> VipSession {
        let mut s = VipSession {
            id: "s".into(),
            channel_id: "1".into(),
            viewer: Viewer {
                id: "2".into(),
                login: "v".into(),
                display_name: "V".into(),
            },
            source: VipSource::Manual,
            granted_by: Actor::System,
            granted_at: at(0),
            expires_at,
            state: SessionState::Active,
            ended_at: None,
            redemption_id: None,
            metadata: serde_json::Value::Null,
        };
        if stream_end {
            s.mark_stream_end();
        }
        s
    }

    #[test]
    fn offline_gives_a_stream_end_vip_the_grace_period() {
        let grace = VipDuration::from_secs(600).unwrap();
        assert_eq!(
            deadline_at_offline(&session(true, None), at(100), grace),
            Some(at(700))
        );
        // A redelivered offline moves nothing; timed and external VIPs are not touched.
        assert_eq!(
            deadline_at_offline(&session(true, Some(at(700))), at(200), grace),
            None
        );
        assert_eq!(
            deadline_at_offline(&session(false, Some(at(50))), at(100), grace),
            None
        );
        assert_eq!(
            deadline_at_offline(&session(false, None), at(100), grace),
            None
        );
    }

    #[test]
    fn online_keeps_only_vips_whose_grace_is_running() {
        assert!(kept_at_online(&session(true, Some(at(700))), at(300)));
        assert!(!kept_at_online(&session(true, Some(at(700))), at(700)));
        assert!(!kept_at_online(&session(true, None), at(300)));
        assert!(!kept_at_online(&session(false, Some(at(700))), at(300)));
    }

    #[test]
    fn the_mark_survives_other_metadata() {
        let mut s = session(false, None);
        s.metadata = json!({ "reward_id": "r" });
        s.mark_stream_end();
        assert!(s.ends_with_stream());
        assert!(!s.is_untimed());
        assert_eq!(s.metadata["reward_id"], "r");
    }
}
