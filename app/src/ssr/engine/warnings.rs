//! Expiry warnings: the viewer is @-mentioned in chat (and, when the channel asks, the streamer's
//! Discord is told) at each of the channel's lead times before their VIP ends.
//!
//! No polling loop: a loop of their own (beside the expiry scheduler's) runs
//! [`Engine::warn_due`] and sleeps until the next warning ([`WarningReport::next_at`]); a changed
//! deadline wakes it only when its next warning falls due sooner ([`super::NextWarning`]).
//! Sessions are found with the store's indexed expiring query (deadlines within the longest lead
//! time). Each warning is claimed once per (session, lead time, deadline) in the store's durable,
//! shared record of ids ([`crate::ssr::store::CoordinationStore::remember_message`]: exactly one
//! caller sees it first), before it is sent: a restart or another instance never sends it again,
//! and a failed chat message is not retried.
//!
//! When a deadline is set (a grant, an extension, a stream's end), the lead times already passed
//! are claimed without a message ([`Engine::skip_passed_warnings`]): only a lead time still ahead
//! is ever announced, so an extension past a lead time warns again and one short of it does not.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::effects::Happened;
use super::rules::render_chat;
use super::{Engine, EngineResult};
use crate::model::{
    warning_key, Actor, AuditAction, AuditDetails, Channel, ChannelId, ChatNote, SessionState,
    VipDuration, VipSession, MAX_WARNING_LEAD_SECS,
};
use crate::ssr::notify::NoticeKind;

/// Sessions read per pass: those ending within the longest lead time, earliest first.
const SCAN: u32 = 2_000;

/// How long a claim is remembered after the deadline it is for (it is useless after it).
const CLAIM_MARGIN: chrono::Duration = chrono::Duration::hours(1);

/// What one warning pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarningReport {
    /// Warnings sent.
    pub sent: usize,
    /// When the next lead time falls due, if any falls within the longest lead time from now.
    pub next_at: Option<DateTime<Utc>>,
}

impl Engine {
    /// Warns every viewer whose VIP reached one of its channel's lead times at `now`, once.
    ///
    /// # Errors
    /// When the store fails to list the sessions; a failure with one session is logged.
    pub async fn warn_due(&self, now: DateTime<Utc>) -> EngineResult<WarningReport> {
        let window = chrono::Duration::seconds(MAX_WARNING_LEAD_SECS as i64);
        let ending = self.store.due_sessions(now + window, SCAN).await?;
        if ending.len() == SCAN as usize {
            tracing::warn!("more VIPs end within a day than one warning pass reads");
        }
        let mut channels: HashMap<ChannelId, Option<Channel>> = HashMap::new();
        let mut report = WarningReport::default();
        for session in ending {
            let Some(deadline) = session.expires_at.filter(|at| *at > now) else {
                continue;
            };
            if session.state != SessionState::Active {
                continue;
            }
            if !channels.contains_key(&session.channel_id) {
                let channel = self.store.channel(&session.channel_id).await?;
                channels.insert(session.channel_id.clone(), channel);
            }
            let Some(channel) = channels.get(&session.channel_id).and_then(Option::as_ref) else {
                continue;
            };
            let leads = &channel.settings.expiry_warnings_secs;
            if let Some(at) = leads.next_at(deadline, now) {
                report.next_at = Some(report.next_at.map_or(at, |n| n.min(at)));
            }
            let passed = leads.passed(deadline, now);
            match self.claim(&session.id, &passed, deadline, now).await {
                Ok(Some(lead)) => {
                    if let Err(e) = self.warn(channel, &session, lead, deadline, now).await {
                        tracing::error!(session = %session.id, error = %e, "expiry warning failed");
                    }
                    report.sent += 1;
                }
                Ok(None) => {}
                Err(e) => tracing::error!(session = %session.id, error = %e,
                    "cannot record an expiry warning; trying again on the next pass"),
            }
        }
        Ok(report)
    }

    /// Claims every lead time in `passed` for this deadline; returns the smallest one this call
    /// claimed first (the one to announce), `None` when every one was claimed before.
    async fn claim(
        &self,
        session_id: &str,
        passed: &[u64],
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> EngineResult<Option<u64>> {
        let keep = (deadline - now + CLAIM_MARGIN).to_std().unwrap_or_default();
        let mut first = None;
        for lead in passed {
            let key = warning_key(session_id, *lead, deadline);
            if self.store.remember_message(&key, now, keep).await? {
                first = Some(first.map_or(*lead, |f: u64| f.min(*lead)));
            }
        }
        Ok(first)
    }

    /// Chat (the `warning` template) → audit entry → Discord when asked.
    async fn warn(
        &self,
        channel: &Channel,
        session: &VipSession,
        lead: u64,
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> EngineResult<()> {
        let left = u64::try_from((deadline - now).num_seconds()).unwrap_or(0);
        let left = VipDuration::from_secs(left.max(1)).ok();
        let chat = render_chat(
            &channel.settings.chat.warning,
            &session.viewer.display_name,
            left.map(Into::into),
            None,
        );
        let details = AuditDetails {
            session_id: Some(session.id.clone()),
            lead_secs: Some(lead),
            expires_at: Some(deadline),
            chat: Some(ChatNote::Enabled(channel.settings.chat_enabled)),
            discord: Some(channel.settings.discord_warnings),
            ..AuditDetails::default()
        };
        let mut happened = Happened::new(
            AuditAction::ExpiryWarning,
            Actor::System,
            Some(&session.viewer),
            details,
        )
        .chat(chat);
        if channel.settings.discord_warnings {
            happened = happened.notice(NoticeKind::EndsSoon {
                expires_at: deadline,
            });
        }
        self.record(channel, happened).await?;
        Ok(())
    }

    /// A deadline was just set: the lead times already passed at it are claimed without a
    /// warning (they were never ahead). Failures are logged: at worst one warning comes late.
    pub(super) async fn skip_passed_warnings(&self, channel: &Channel, session: &VipSession) {
        let Some(deadline) = session.expires_at else {
            return;
        };
        let now = self.now();
        let passed = channel.settings.expiry_warnings_secs.passed(deadline, now);
        if passed.is_empty() {
            return;
        }
        if let Err(e) = self.claim(&session.id, &passed, deadline, now).await {
            tracing::warn!(session = %session.id, error = %e,
                "cannot skip the expiry warnings already passed");
        }
    }
}
