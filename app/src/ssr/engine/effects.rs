//! What follows every use case that changed something: audit → the redemption settled on Twitch
//! → chat → notice (Discord) → live event (dashboards) → the expiry scheduler's wake-up. A use
//! case states what happened as a [`Happened`] and hands it to [`Engine::record`], which carries
//! out the tail in that order.
//!
//! The audit entry is the record, so it comes first: a process that dies after it has lost at most
//! a chat line or a notice, and a redemption it had not yet settled on Twitch is settled by
//! catch-up (its outcome was stored before). A store failure there stops the tail and is
//! returned. Settling, chat and notices are best effort (a failure is logged).

use super::{Engine, EngineResult, NextWarning};
use crate::model::{
    Actor, AuditAction, AuditDetails, AuditEntry, Channel, ChannelId, LiveEvent, LiveKind, Viewer,
    VipSession,
};
use crate::ssr::new_id;
use crate::ssr::notify::{Notice, NoticeKind};
use crate::ssr::twitch::RedemptionStatus;

/// Where it happened: a channel the engine has read (chat and notices need its settings), or only
/// its id (an event about a channel whose settings the tail does not need).
#[derive(Clone, Copy)]
pub(super) enum Where<'a> {
    Channel(&'a Channel),
    Id(&'a ChannelId),
}

impl Where<'_> {
    fn id(&self) -> &ChannelId {
        match self {
            Self::Channel(channel) => &channel.id,
            Self::Id(id) => id,
        }
    }

    fn channel(&self) -> Option<&Channel> {
        match self {
            Self::Channel(channel) => Some(channel),
            Self::Id(_) => None,
        }
    }
}

impl<'a> From<&'a Channel> for Where<'a> {
    fn from(channel: &'a Channel) -> Self {
        Self::Channel(channel)
    }
}

impl<'a> From<&'a ChannelId> for Where<'a> {
    fn from(id: &'a ChannelId) -> Self {
        Self::Id(id)
    }
}

/// What a use case did, for the tail: the audit entry always; a chat line, a notice, a live event
/// and the scheduler's wake-up when it says so.
pub(super) struct Happened {
    action: AuditAction,
    actor: Actor,
    viewer: Option<Viewer>,
    details: AuditDetails,
    chat: Option<String>,
    notice: Option<NoticeKind>,
    live: Option<(LiveKind, Option<VipSession>)>,
    deadlines_moved: bool,
    settle: Option<Settle>,
}

/// A redemption's status to tell Twitch once the audit entry is stored.
struct Settle {
    reward_id: String,
    redemption_id: String,
    status: RedemptionStatus,
}

impl Happened {
    /// `action` by `actor` (to `viewer`, if about one), with the audit entry's details.
    pub(super) fn new(
        action: AuditAction,
        actor: Actor,
        viewer: Option<&Viewer>,
        details: AuditDetails,
    ) -> Self {
        Self {
            action,
            actor,
            viewer: viewer.cloned(),
            details,
            chat: None,
            notice: None,
            live: None,
            deadlines_moved: false,
            settle: None,
        }
    }

    /// The redemption `redemption_id` of `reward_id` set to `status` on Twitch, right after the
    /// audit entry is stored and before anything is said.
    pub(super) fn settle(
        mut self,
        reward_id: &str,
        redemption_id: &str,
        status: RedemptionStatus,
    ) -> Self {
        self.settle = Some(Settle {
            reward_id: reward_id.to_owned(),
            redemption_id: redemption_id.to_owned(),
            status,
        });
        self
    }

    /// Said in chat, when the channel wants chat messages.
    pub(super) fn chat(mut self, message: String) -> Self {
        self.chat = Some(message);
        self
    }

    /// Announced where the channel asks for notices (Discord), about the viewer.
    pub(super) fn notice(mut self, kind: NoticeKind) -> Self {
        self.notice = Some(kind);
        self
    }

    /// Published to open dashboards, with the audit entry and the session as it is now.
    pub(super) fn live(mut self, kind: LiveKind, session: Option<VipSession>) -> Self {
        self.live = Some((kind, session));
        self
    }

    /// A deadline was set or moved earlier: the expiry scheduler looks again.
    pub(super) fn deadlines_moved(mut self) -> Self {
        self.deadlines_moved = true;
        self
    }
}

impl Engine {
    /// Audit → settle → chat → notice → live → scheduler, for what happened on `at`. Chat and
    /// notices need the channel's settings: with only its id they are left out. Returns the audit
    /// entry.
    ///
    /// # Errors
    /// When the audit entry cannot be stored; what comes after it is then left out (a redemption
    /// to settle stays to catch-up).
    pub(super) async fn record<'a>(
        &self,
        at: impl Into<Where<'a>>,
        happened: Happened,
    ) -> EngineResult<AuditEntry> {
        let at = at.into();
        let entry = self
            .audit(
                at.id(),
                happened.action,
                happened.actor,
                happened.viewer.as_ref(),
                happened.details,
            )
            .await?;
        if let Some(s) = happened.settle {
            self.settle(at.id(), &s.reward_id, &s.redemption_id, s.status)
                .await;
        }
        if let (Some(channel), Some(message)) = (at.channel(), happened.chat) {
            self.chat(channel, message).await;
        }
        if let (Some(channel), Some(viewer), Some(kind)) =
            (at.channel(), &happened.viewer, happened.notice)
        {
            self.notify(channel, viewer, kind);
        }
        let next_warning = match (at.channel(), &happened.live) {
            (Some(channel), Some((_, Some(session)))) => {
                NextWarning::of(channel, session.expires_at, self.now())
            }
            _ => NextWarning::Unknown,
        };
        if let Some((kind, session)) = happened.live {
            self.publish(at.id(), kind, session, Some(entry.clone()));
        }
        if happened.deadlines_moved {
            self.deadlines_changed(next_warning);
        }
        Ok(entry)
    }

    /// Appends an audit entry and returns it (for the live event).
    pub(super) async fn audit(
        &self,
        channel: &ChannelId,
        action: AuditAction,
        actor: Actor,
        target: Option<&Viewer>,
        details: AuditDetails,
    ) -> EngineResult<AuditEntry> {
        let entry = AuditEntry {
            id: new_id(),
            channel_id: channel.clone(),
            at: self.now(),
            action,
            actor,
            target: target.cloned(),
            metadata: details.into(),
        };
        self.store.append_audit(&entry).await?;
        Ok(entry)
    }

    /// Tells open dashboards.
    pub(super) fn publish(
        &self,
        channel: &ChannelId,
        kind: LiveKind,
        session: Option<VipSession>,
        audit: Option<AuditEntry>,
    ) {
        self.live.publish(LiveEvent {
            channel_id: channel.clone(),
            kind,
            session,
            audit,
        });
    }

    /// Posts in chat when the channel wants chat messages. Best effort: a failure is logged only.
    pub(super) async fn chat(&self, channel: &Channel, message: String) {
        if !channel.settings.chat_enabled || message.trim().is_empty() {
            return;
        }
        match self.speak(channel, &message, None).await {
            Ok(true) => {}
            Ok(false) => tracing::info!(channel = %channel.id, "Twitch dropped a chat message"),
            Err(e) => tracing::warn!(channel = %channel.id, error = %e, "chat message failed"),
        }
    }

    /// Hands a notice to the notifier when the channel set a webhook URL. Never waits for delivery.
    pub(super) fn notify(&self, channel: &Channel, viewer: &Viewer, kind: NoticeKind) {
        let (Some(notifier), Some(url)) = (&self.notifier, &channel.settings.discord_webhook_url)
        else {
            return;
        };
        if url.trim().is_empty() {
            return;
        }
        notifier.notify(
            url.trim(),
            Notice {
                channel: channel.display_name.clone(),
                viewer: viewer.clone(),
                kind,
                lang: channel.settings.language,
            },
        );
    }
}
