//! Every refusal ends: what a grant comes to when Twitch does not add the VIP, so that no
//! redemption stays pending for ever and no viewer's points are kept without a grant.
//!
//! * Refusals the rules name (moderator, already a VIP, slots full, Build a Community, blocked,
//!   unknown viewer) are refunded with their reason; full slots may waitlist instead.
//! * Any other refusal (a 403, a 422 that is neither "moderator" nor "already a VIP", any other
//!   4xx) is final: refunded as `twitch_refused`, with Twitch's own words in the audit entry.
//! * 401: the channel must log in again; the redemption waits (catch-up skips such channels).
//! * 5xx, time-outs and 429 (after the retries): the redemption waits for catch-up, which takes
//!   it up again at most the configured number of times ([`DEFAULT_CATCH_UP_ATTEMPTS`]); when the
//!   last attempt fails too it is refunded as `twitch_unavailable`.
//! * The broadcaster's own redemption is refused before Twitch is asked (`broadcaster_self`):
//!   a channel's owner cannot be a VIP there.

use super::effects::Happened;
use super::grant_types::{GrantRequest, OnFull, Paid};
use super::outcome::RefusalDetail;
use super::{Engine, EngineResult, GrantOutcome, PendingReason};
use crate::model::{
    Actor, AuditAction, AuditDetails, Channel, ChannelId, RefundReason, SlotsFullPolicy,
};
use crate::ssr::twitch::{AddVipError, TwitchError};

/// What a failed Add Channel VIP means for the grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddFailure {
    /// Final: refund (or refuse a manual grant) for this reason.
    Refund(RefundReason),
    /// Final: Twitch refused for a reason no rule maps. Refunded as
    /// [`RefundReason::TwitchRefused`]; the text is Twitch's message, for the audit entry.
    Refused(String),
    /// No free slot: refund or waitlist, as the channel's settings say.
    SlotsFull,
    /// The channel must log in again; the redemption waits for catch-up.
    Reauth,
    /// Twitch failed (5xx, time-out, 429) after retries: the redemption waits for catch-up, a
    /// bounded number of times.
    Unavailable(String),
}

pub fn classify_add_error(error: &AddVipError) -> AddFailure {
    match error {
        AddVipError::SlotsFull => AddFailure::SlotsFull,
        AddVipError::Twitch(TwitchError::Unauthorized) => AddFailure::Reauth,
        AddVipError::Twitch(e @ (TwitchError::Transient(_) | TwitchError::RateLimited { .. })) => {
            AddFailure::Unavailable(e.to_string())
        }
        AddVipError::Twitch(TwitchError::Forbidden(said) | TwitchError::Rejected(said)) => {
            AddFailure::Refused(said.clone())
        }
        AddVipError::Twitch(e @ TwitchError::NotFound) => AddFailure::Refused(e.to_string()),
        other => match refund_reason(other) {
            Some(reason) => AddFailure::Refund(reason),
            None => AddFailure::Refused(other.to_string()),
        },
    }
}

/// The refund reason an Add Channel VIP refusal the rules name gives the viewer, if it is one.
pub fn refund_reason(error: &AddVipError) -> Option<RefundReason> {
    match error {
        AddVipError::IsModerator => Some(RefundReason::IsModerator),
        AddVipError::AlreadyVip => Some(RefundReason::AlreadyVip),
        AddVipError::SlotsFull => Some(RefundReason::SlotsFull),
        AddVipError::BuildACommunityRequired => Some(RefundReason::BuildACommunityRequired),
        AddVipError::UserBlocked => Some(RefundReason::UserBlocked),
        AddVipError::UserNotFound => Some(RefundReason::UserNotFound),
        AddVipError::Twitch(_) => None,
    }
}

/// How many catch-up passes take up a redemption that Twitch kept failing (5xx, time-outs, 429)
/// before it is refunded as [`RefundReason::TwitchUnavailable`]. At the default reconciliation
/// interval of 10 minutes the viewer has their points back about two hours after redeeming
/// (sooner when EventSub reconnections or a stream start run catch-up in between).
pub const DEFAULT_CATCH_UP_ATTEMPTS: u32 = 12;

/// Whether catch-up attempt `attempt` (1-based) is the last that `max` allows: a Twitch outage
/// then refunds instead of leaving the redemption pending once more.
pub fn is_last_catch_up(attempt: u32, max: u32) -> bool {
    attempt >= max
}

/// Whether the viewer is the channel's broadcaster, who cannot be a VIP of their own channel.
pub fn is_broadcaster(channel: &ChannelId, viewer_id: &str) -> bool {
    channel.as_str() == viewer_id
}

impl Engine {
    /// Refuses a grant for the broadcaster themself, without asking Twitch.
    pub(super) async fn refuse_broadcaster(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
    ) -> EngineResult<GrantOutcome> {
        tracing::info!(channel = %channel.id, source = ?request.source,
            "the broadcaster asked for VIP in their own channel; refused without asking Twitch");
        self.refuse(channel, request, paid, RefundReason::BroadcasterSelf)
            .await
    }

    /// Ends a grant whose Add VIP failed, as the module documentation says.
    pub(super) async fn add_failed(
        &self,
        channel: &Channel,
        request: &GrantRequest,
        paid: Option<&Paid>,
        on_full: OnFull,
        error: AddVipError,
    ) -> EngineResult<GrantOutcome> {
        match classify_add_error(&error) {
            AddFailure::Refund(RefundReason::AlreadyVip) => {
                self.record_external(&channel.id, &request.viewer, "add_vip")
                    .await?;
                self.refuse(channel, request, paid, RefundReason::AlreadyVip)
                    .await
            }
            AddFailure::Refund(reason) => {
                if reason == RefundReason::BuildACommunityRequired {
                    self.flag_problem(channel, "build_a_community_required", &request.viewer)
                        .await?;
                }
                self.refuse(channel, request, paid, reason).await
            }
            AddFailure::Refused(said) => {
                tracing::warn!(channel = %channel.id, twitch_said = %said,
                    "Twitch refused to add a VIP for a reason no rule maps; refunded");
                let detail = RefusalDetail {
                    twitch_message: Some(said),
                    ..RefusalDetail::default()
                };
                self.refuse_with(channel, request, paid, RefundReason::TwitchRefused, detail)
                    .await
            }
            AddFailure::SlotsFull => {
                self.learn_capacity(&channel.id).await;
                match (on_full, channel.settings.slots_full, paid) {
                    (OnFull::KeepQueued, _, _) => Ok(GrantOutcome::Waitlisted),
                    (OnFull::Policy, SlotsFullPolicy::Waitlist, Some(paid)) => {
                        self.enqueue(channel, request, paid).await
                    }
                    _ => {
                        self.refuse(channel, request, paid, RefundReason::SlotsFull)
                            .await
                    }
                }
            }
            AddFailure::Reauth => {
                self.needs_reauth(&channel.id, "adding a VIP was refused (401)")
                    .await;
                Ok(GrantOutcome::Pending(PendingReason::NeedsReauth))
            }
            AddFailure::Unavailable(detail) => {
                let attempt = paid.and_then(|p| p.catch_up_attempt);
                if let Some(attempt) =
                    attempt.filter(|n| is_last_catch_up(*n, self.catch_up_attempts))
                {
                    tracing::warn!(channel = %channel.id, %detail, attempt,
                        "Twitch stayed unavailable through every catch-up attempt; refunded");
                    let detail = RefusalDetail {
                        twitch_message: Some(detail),
                        catch_up_attempts: Some(attempt),
                    };
                    return self
                        .refuse_with(
                            channel,
                            request,
                            paid,
                            RefundReason::TwitchUnavailable,
                            detail,
                        )
                        .await;
                }
                tracing::warn!(channel = %channel.id, %detail, ?attempt,
                    "adding a VIP failed; left for catch-up");
                let details = AuditDetails {
                    operation: Some("add_vip".into()),
                    detail: Some(detail),
                    redemption_id: paid.map(|p| p.id.clone()),
                    left_for_catch_up: Some(paid.is_some()),
                    catch_up_attempt: attempt,
                    ..AuditDetails::default()
                };
                self.record(
                    channel,
                    Happened::new(
                        AuditAction::TwitchError,
                        Actor::System,
                        Some(&request.viewer),
                        details,
                    ),
                )
                .await?;
                Ok(GrantOutcome::Pending(PendingReason::TwitchUnavailable))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn every_viewer_refusal_has_a_refund_reason() {
        let cases = [
            (AddVipError::IsModerator, RefundReason::IsModerator),
            (AddVipError::AlreadyVip, RefundReason::AlreadyVip),
            (
                AddVipError::BuildACommunityRequired,
                RefundReason::BuildACommunityRequired,
            ),
            (AddVipError::UserBlocked, RefundReason::UserBlocked),
            (AddVipError::UserNotFound, RefundReason::UserNotFound),
        ];
        for (error, reason) in cases {
            assert_eq!(refund_reason(&error), Some(reason));
            assert_eq!(classify_add_error(&error), AddFailure::Refund(reason));
        }
    }

    #[test]
    fn slots_auth_and_outages_are_not_plain_refunds() {
        assert_eq!(
            classify_add_error(&AddVipError::SlotsFull),
            AddFailure::SlotsFull
        );
        assert_eq!(
            classify_add_error(&AddVipError::Twitch(TwitchError::Unauthorized)),
            AddFailure::Reauth
        );
        assert!(matches!(
            classify_add_error(&AddVipError::Twitch(TwitchError::Transient("502".into()))),
            AddFailure::Unavailable(_)
        ));
        let reset_at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert!(matches!(
            classify_add_error(&AddVipError::Twitch(TwitchError::RateLimited { reset_at })),
            AddFailure::Unavailable(_)
        ));
        assert_eq!(
            refund_reason(&AddVipError::Twitch(TwitchError::NotFound)),
            None
        );
    }

    #[test]
    fn refusals_without_a_rule_are_final_and_keep_twitchs_words() {
        let refused = |e: TwitchError| classify_add_error(&AddVipError::Twitch(e));
        assert_eq!(
            refused(TwitchError::Forbidden("not allowed".into())),
            AddFailure::Refused("not allowed".into())
        );
        assert_eq!(
            refused(TwitchError::Rejected("odd 422".into())),
            AddFailure::Refused("odd 422".into())
        );
        assert_eq!(
            refused(TwitchError::NotFound),
            AddFailure::Refused("not found on Twitch".into())
        );
    }

    #[test]
    fn the_last_catch_up_attempt_is_the_bound() {
        assert!(!is_last_catch_up(1, DEFAULT_CATCH_UP_ATTEMPTS));
        assert!(!is_last_catch_up(11, 12));
        assert!(is_last_catch_up(12, 12));
        assert!(is_last_catch_up(13, 12));
    }

    #[test]
    fn the_broadcaster_is_told_apart_from_viewers() {
        let channel = ChannelId::from("100");
        assert!(is_broadcaster(&channel, "100"));
        assert!(!is_broadcaster(&channel, "1000"));
    }
}
