//! How a grant ends, for every source: FULFILLED or CANCELED on Twitch, the redemption's outcome,
//! and what happened, handed to `effects` (chat, audit, notice, live event, scheduler).

use super::effects::Happened;
use super::grant_types::{GrantRequest, Kind, Paid};
use super::rules::render_chat;
use super::{Engine, EngineResult, GrantOutcome};
use crate::model::{
    Actor, AuditAction, AuditDetails, Channel, GrantLength, LiveKind, RedemptionOutcome,
    RefundReason, Viewer, VipSession,
};
use crate::ssr::notify::NoticeKind;
use crate::ssr::refund_words::refund_reason_in;
use crate::ssr::twitch::RedemptionStatus;

/// What the audit entry of a refusal tells beyond its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RefusalDetail {
    /// Twitch's own words, when Twitch refused or failed.
    pub twitch_message: Option<String>,
    /// How many catch-up passes took the redemption up before it was refunded.
    pub catch_up_attempts: Option<u32>,
}

impl RefusalDetail {
    /// The audit entry's details with these added.
    fn add_to(self, details: AuditDetails) -> AuditDetails {
        AuditDetails {
            twitch_message: self.twitch_message,
            catch_up_attempts: self.catch_up_attempts,
            ..details
        }
    }
}

impl Engine {
    /// Outcome stored → audit → FULFILLED → chat → notice → live → scheduler.
    pub(super) async fn succeed(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
        session: VipSession,
        kind: Kind,
    ) -> EngineResult<GrantOutcome> {
        self.skip_passed_warnings(channel, &session).await;
        if let Some(paid) = paid {
            // Recorded first, then the audit entry, and only then is Twitch told: should the
            // process die before Twitch hears of it, catch-up finds a decided redemption still
            // UNFULFILLED and settles it, and its activity line is already there.
            self.store
                .set_redemption_outcome(&paid.id, RedemptionOutcome::Fulfilled)
                .await?;
        }
        let (template, action, live) = match kind {
            Kind::Granted => (
                &channel.settings.chat.granted,
                AuditAction::Grant,
                LiveKind::Granted,
            ),
            Kind::Extended => (
                &channel.settings.chat.extended,
                AuditAction::Extend,
                LiveKind::Extended,
            ),
        };
        let (source, duration, expires_at) = (request.source, request.length, session.expires_at);
        let notice = match kind {
            Kind::Granted => NoticeKind::Granted {
                source,
                duration,
                expires_at,
            },
            Kind::Extended => NoticeKind::Extended {
                source,
                duration,
                expires_at,
            },
        };
        let details = AuditDetails {
            session_id: Some(session.id.clone()),
            source: Some(request.source),
            duration_secs: request.length.secs(),
            until_stream_end: Some(request.length == GrantLength::StreamEnd),
            expires_at: session.expires_at,
            stacking: Some(channel.settings.stacking),
            redemption_id: paid.map(|p| p.id.clone()),
            reward_id: paid.map(|p| p.reward_id.clone()),
            cost: paid.and_then(|p| p.cost),
            ..AuditDetails::default()
        };
        let chat = render_chat(
            template,
            &request.viewer.display_name,
            Some(request.length),
            None,
        );
        let mut happened = Happened::new(
            action,
            request.actor.clone(),
            Some(&request.viewer),
            details,
        )
        .chat(chat)
        .notice(notice)
        .live(live, Some(session.clone()))
        .deadlines_moved();
        if let Some(paid) = paid {
            happened = happened.settle(&paid.reward_id, &paid.id, RedemptionStatus::Fulfilled);
        }
        self.record(channel, happened).await?;
        Ok(match kind {
            Kind::Granted => GrantOutcome::Granted(session),
            Kind::Extended => GrantOutcome::Extended(session),
        })
    }

    /// Outcome stored → audit → CANCELED (points back) → chat → notice → live, for a redemption; an audit line for any other
    /// source (the caller shows the reason to whoever asked).
    pub(super) async fn refuse(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
        reason: RefundReason,
    ) -> EngineResult<GrantOutcome> {
        self.refuse_with(channel, request, paid, reason, RefusalDetail::default())
            .await
    }

    /// [`Self::refuse`], with more for the audit entry.
    pub(super) async fn refuse_with(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
        reason: RefundReason,
        detail: RefusalDetail,
    ) -> EngineResult<GrantOutcome> {
        let Some(paid) = paid else {
            let metadata = detail.add_to(AuditDetails {
                operation: Some("grant".into()),
                source: Some(request.source),
                refused: Some(reason),
                detail: Some(reason.describe().into()),
                ..AuditDetails::default()
            });
            self.record(
                channel,
                Happened::new(
                    AuditAction::TwitchError,
                    request.actor.clone(),
                    Some(&request.viewer),
                    metadata,
                ),
            )
            .await?;
            return Ok(GrantOutcome::Refunded(reason));
        };
        // Recorded first, then the audit entry with its reason, then Twitch: as for a grant.
        self.store
            .set_redemption_outcome(&paid.id, RedemptionOutcome::Refunded(reason))
            .await?;
        let happened = refund_happened(
            channel,
            &request.viewer,
            Some(request.length),
            paid,
            reason,
            detail,
        )
        .settle(&paid.reward_id, &paid.id, RedemptionStatus::Canceled);
        self.record(channel, happened).await?;
        Ok(GrantOutcome::Refunded(reason))
    }

    /// Audit → chat → notice → live, for a redemption refunded (CANCELED) for `reason` already
    /// settled on Twitch; `detail` adds to the audit entry.
    pub(super) async fn announce_refund(
        &self,
        channel: &Channel,
        viewer: &Viewer,
        duration: Option<GrantLength>,
        paid: &Paid,
        reason: RefundReason,
        detail: RefusalDetail,
    ) -> EngineResult<()> {
        let happened = refund_happened(channel, viewer, duration, paid, reason, detail);
        self.record(channel, happened).await?;
        Ok(())
    }

    /// Something only the streamer can fix: an audit line the dashboard shows as a banner.
    pub(super) async fn flag_problem(
        &self,
        channel: &Channel,
        problem: &str,
        viewer: &Viewer,
    ) -> EngineResult<()> {
        self.record(
            channel,
            Happened::new(
                AuditAction::TwitchError,
                Actor::System,
                Some(viewer),
                AuditDetails {
                    problem: Some(problem.into()),
                    banner: Some(true),
                    ..AuditDetails::default()
                },
            )
            .live(LiveKind::TwitchError, None),
        )
        .await?;
        Ok(())
    }
}

/// What a refund of `paid` for `reason` tells: the refunded chat line, the audit entry with the
/// reason, the notice and the live event.
fn refund_happened(
    channel: &Channel,
    viewer: &Viewer,
    duration: Option<GrantLength>,
    paid: &Paid,
    reason: RefundReason,
    detail: RefusalDetail,
) -> Happened {
    let chat = render_chat(
        &channel.settings.chat.refunded,
        &viewer.display_name,
        duration,
        Some(refund_reason_in(reason, channel.settings.language)),
    );
    let metadata = detail.add_to(AuditDetails {
        reason: Some(AuditDetails::reason_code(reason)),
        detail: Some(reason.describe().into()),
        redemption_id: Some(paid.id.clone()),
        reward_id: Some(paid.reward_id.clone()),
        cost: paid.cost,
        ..AuditDetails::default()
    });
    Happened::new(AuditAction::Refund, Actor::System, Some(viewer), metadata)
        .chat(chat)
        .notice(NoticeKind::Refunded { reason })
        .live(LiveKind::Refunded, None)
}
