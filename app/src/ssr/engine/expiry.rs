//! Expiry: every active session whose deadline has passed is ended, and its VIP removed when the
//! channel's auto-remove setting is on.
//!
//! Per session, under the session's lease (so two instances, or the scheduler and the cron, never
//! remove twice, and no extension lands meanwhile): re-read → Remove VIP → compare-and-set the end.
//! Should the session change anyway (the lease lapsed during a very slow removal), the change
//! holds: the VIP is added back.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};

use super::effects::Happened;
use super::rules::render_chat;
use super::sessions::session_lease;
use super::{Engine, EngineResult};
use crate::model::{
    Actor, AuditAction, AuditDetails, Channel, ChannelId, LiveKind, SessionState, VipSession,
};
use crate::ssr::notify::NoticeKind;
use crate::ssr::twitch::{AddVipError, RemoveVipOutcome, TwitchError};
use crate::ssr::ActiveWith;

/// Due sessions read per batch; a pass keeps reading while batches come back full and progress is made.
const BATCH: u32 = 200;

/// What one expiry pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpiryReport {
    /// Sessions ended whose VIP the app removed.
    pub removed: usize,
    /// Sessions ended without a removal: auto-remove off, or the VIP was already gone (removed by hand).
    pub ended_without_removal: usize,
    /// Due sessions left active because Twitch failed; the next pass retries them.
    pub deferred: usize,
    /// The earliest deadline of any active session after the pass (overdue deferred ones included).
    pub next_deadline: Option<DateTime<Utc>>,
    /// When overdue sessions are left (Twitch failing, another instance holding them): the earliest
    /// deadline still ahead, if it is within [`LOOK_AHEAD`], so that a stuck session does not hold
    /// back the removals due next.
    pub next_upcoming: Option<DateTime<Utc>>,
}

/// Channels whose due sessions are ended at the same time. A channel's own sessions go one after
/// another (Twitch limits removals per channel), so a channel waiting on Twitch (a rate limit, a
/// retry) holds back no other channel's removals.
const CHANNELS_AT_ONCE: usize = 32;

/// How far past an overdue session [`ExpiryReport::next_upcoming`] looks.
pub const LOOK_AHEAD: chrono::Duration = chrono::Duration::seconds(60);

enum Expiry {
    Removed,
    Ended {
        slot_freed: bool,
    },
    Deferred,
    /// Someone else handled it, or it is no longer due.
    Skipped,
}

/// Due sessions grouped by channel; channels in the order of their earliest deadline, each
/// channel's sessions in deadline order.
fn by_channel(due: Vec<VipSession>) -> Vec<(ChannelId, Vec<VipSession>)> {
    let mut groups: Vec<(ChannelId, Vec<VipSession>)> = Vec::new();
    let mut index: HashMap<ChannelId, usize> = HashMap::new();
    for session in due {
        let at = *index.entry(session.channel_id.clone()).or_insert_with(|| {
            groups.push((session.channel_id.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(session);
    }
    groups
}

impl Engine {
    /// Ends every session due at `now`. After a restart this handles every overdue session at once.
    ///
    /// # Errors
    /// When the store fails to list due sessions; failures of single sessions are logged and
    /// counted as deferred.
    pub async fn expire_due(&self, now: DateTime<Utc>) -> EngineResult<ExpiryReport> {
        let mut report = ExpiryReport::default();
        let mut freed: HashSet<ChannelId> = HashSet::new();
        loop {
            let due = self.store.due_sessions(now, BATCH).await?;
            let full_batch = due.len() == BATCH as usize;
            let mut progress = false;
            let ended: Vec<(ChannelId, Vec<Expiry>)> = stream::iter(by_channel(due))
                .map(|(channel, sessions)| async move {
                    let expiries = self.expire_channel(&channel, &sessions, now).await;
                    (channel, expiries)
                })
                .buffer_unordered(CHANNELS_AT_ONCE)
                .collect()
                .await;
            for (channel, expiries) in ended {
                for expiry in expiries {
                    match expiry {
                        Expiry::Removed => {
                            report.removed += 1;
                            progress = true;
                            freed.insert(channel.clone());
                        }
                        Expiry::Ended { slot_freed } => {
                            report.ended_without_removal += 1;
                            progress = true;
                            if slot_freed {
                                freed.insert(channel.clone());
                            }
                        }
                        Expiry::Deferred => report.deferred += 1,
                        Expiry::Skipped => {}
                    }
                }
            }
            if !(full_batch && progress) {
                break;
            }
        }
        for channel in freed {
            if let Err(e) = self.drain_waitlist(&channel).await {
                tracing::warn!(channel = %channel, error = %e, "waitlist after expiry failed");
            }
        }
        report.next_deadline = self.store.next_deadline().await?;
        if report.next_deadline.is_some_and(|at| at <= now) {
            report.next_upcoming = self
                .store
                .due_sessions(now + LOOK_AHEAD, BATCH)
                .await?
                .iter()
                .filter_map(|s| s.expires_at)
                .find(|at| *at > now);
        }
        if report.removed + report.ended_without_removal + report.deferred > 0 {
            tracing::info!(
                removed = report.removed,
                ended_without_removal = report.ended_without_removal,
                deferred = report.deferred,
                "expiry pass"
            );
        }
        Ok(report)
    }

    /// Ends one channel's due sessions, in deadline order: Twitch limits removals per channel.
    /// A session that fails is logged and counted as deferred.
    async fn expire_channel(
        &self,
        channel_id: &ChannelId,
        sessions: &[VipSession],
        now: DateTime<Utc>,
    ) -> Vec<Expiry> {
        let channel = match self.store.channel(channel_id).await {
            Ok(channel) => channel,
            Err(e) => {
                tracing::error!(channel = %channel_id, error = %e, "cannot read the channel to expire its sessions");
                return sessions.iter().map(|_| Expiry::Deferred).collect();
            }
        };
        let mut expiries = Vec::with_capacity(sessions.len());
        for session in sessions {
            expiries.push(
                match self.expire_one(channel.as_ref(), session, now).await {
                    Ok(expiry) => expiry,
                    Err(e) => {
                        tracing::error!(session = %session.id, error = %e, "expiring a session failed");
                        Expiry::Deferred
                    }
                },
            );
        }
        expiries
    }

    async fn expire_one(
        &self,
        channel: Option<&Channel>,
        session: &VipSession,
        now: DateTime<Utc>,
    ) -> EngineResult<Expiry> {
        let Some(lease) = self.lease(session_lease(&session.id)).await? else {
            return Ok(Expiry::Skipped);
        };
        let result = self.expire_leased(channel, session, now).await;
        self.release(lease).await;
        result
    }

    async fn expire_leased(
        &self,
        channel: Option<&Channel>,
        session: &VipSession,
        now: DateTime<Utc>,
    ) -> EngineResult<Expiry> {
        // Re-read under the lease: another pass may have ended it, an extension moved it.
        let Some(current) = self.store.session(&session.id).await? else {
            return Ok(Expiry::Skipped);
        };
        let due = current.expires_at.is_some_and(|at| at <= now);
        if current.state != SessionState::Active || !due {
            return Ok(Expiry::Skipped);
        }
        let expected = ActiveWith {
            expires_at: current.expires_at,
        };
        let Some(channel) = channel.filter(|c| c.settings.auto_remove) else {
            // Auto-remove off (or a channel the app no longer knows): the time is up, the VIP stays.
            if !self.end(&current, expected, SessionState::Expired).await? {
                return Ok(Expiry::Skipped);
            }
            let details = AuditDetails {
                session_id: Some(current.id.clone()),
                vip_removed: Some(false),
                auto_remove: Some(false),
                note: Some("auto-remove is off: the VIP was left in place".into()),
                ..AuditDetails::default()
            };
            let viewer = current.viewer.clone();
            let ended = self.ended(current, SessionState::Expired);
            let happened =
                Happened::new(AuditAction::Expire, Actor::System, Some(&viewer), details)
                    .notice(NoticeKind::Expired { removed: false })
                    .live(LiveKind::Expired, Some(ended.clone()));
            match channel {
                Some(channel) => self.record(channel, happened).await?,
                None => self.record(&ended.channel_id, happened).await?,
            };
            return Ok(Expiry::Ended { slot_freed: false });
        };
        if channel.needs_reauth {
            return Ok(Expiry::Deferred);
        }
        let removal = self
            .retrying(|| self.twitch.remove_vip(&channel.id, &current.viewer.id))
            .await;
        match removal {
            Ok(RemoveVipOutcome::Removed) => {
                if !self.end(&current, expected, SessionState::Expired).await? {
                    self.restore_after_lost_race(channel, &current).await;
                    return Ok(Expiry::Skipped);
                }
                let chat = render_chat(
                    &channel.settings.chat.expired,
                    &current.viewer.display_name,
                    None,
                    None,
                );
                let details = AuditDetails {
                    session_id: Some(current.id.clone()),
                    vip_removed: Some(true),
                    ..AuditDetails::default()
                };
                let viewer = current.viewer.clone();
                let ended = self.ended(current, SessionState::Expired);
                self.record(
                    channel,
                    Happened::new(AuditAction::Expire, Actor::System, Some(&viewer), details)
                        .chat(chat)
                        .notice(NoticeKind::Expired { removed: true })
                        .live(LiveKind::Expired, Some(ended)),
                )
                .await?;
                Ok(Expiry::Removed)
            }
            Ok(RemoveVipOutcome::NotAVip) => {
                // Someone removed the VIP by hand before the deadline.
                if !self
                    .end(&current, expected, SessionState::RemovedExternally)
                    .await?
                {
                    return Ok(Expiry::Skipped);
                }
                let details = AuditDetails {
                    session_id: Some(current.id.clone()),
                    noticed_by: Some("expiry".into()),
                    note: Some("the VIP was already removed on Twitch".into()),
                    ..AuditDetails::default()
                };
                let viewer = current.viewer.clone();
                let ended = self.ended(current, SessionState::RemovedExternally);
                self.record(
                    channel,
                    Happened::new(
                        AuditAction::RemovedExternally,
                        Actor::System,
                        Some(&viewer),
                        details,
                    )
                    .live(LiveKind::RemovedExternally, Some(ended)),
                )
                .await?;
                Ok(Expiry::Ended { slot_freed: true })
            }
            Err(TwitchError::Unauthorized) => {
                self.needs_reauth(&channel.id, "removing a VIP was refused (401)")
                    .await;
                Ok(Expiry::Deferred)
            }
            Err(e) => {
                tracing::warn!(channel = %channel.id, session = %current.id, error = %e,
                    "removing an expired VIP failed; retrying on the next pass");
                Ok(Expiry::Deferred)
            }
        }
    }

    /// The VIP was removed, but an extension moved the deadline before the end was recorded: the
    /// extension holds, so the VIP goes back.
    async fn restore_after_lost_race(&self, channel: &Channel, removed: &VipSession) {
        let still_active = match self.store.session(&removed.id).await {
            Ok(Some(s)) => s.state == SessionState::Active,
            Ok(None) => false,
            Err(e) => {
                tracing::error!(session = %removed.id, error = %e, "cannot re-read a raced session");
                true
            }
        };
        if !still_active {
            return;
        }
        tracing::info!(session = %removed.id, "extended during removal; adding the VIP back");
        let _adding = self.adding(&channel.id, &removed.viewer.id);
        match self
            .retrying(|| self.twitch.add_vip(&channel.id, &removed.viewer.id))
            .await
        {
            Ok(()) | Err(AddVipError::AlreadyVip) => {}
            Err(e) => {
                tracing::error!(session = %removed.id, error = %e, "cannot add the VIP back");
                let details = AuditDetails {
                    operation: Some("restore_vip".into()),
                    session_id: Some(removed.id.clone()),
                    detail: Some(e.to_string()),
                    ..AuditDetails::default()
                };
                let audit = self
                    .record(
                        channel,
                        Happened::new(
                            AuditAction::TwitchError,
                            Actor::System,
                            Some(&removed.viewer),
                            details,
                        ),
                    )
                    .await;
                if let Err(e) = audit {
                    tracing::error!(error = %e, "cannot write the audit entry");
                }
            }
        }
    }
}
