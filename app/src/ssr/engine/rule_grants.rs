//! Grants beyond channel points: a subscription or shared resubscription, a gift of N subs, or N
//! bits spent at once (a cheer, a Power-up, a Combo) grants VIP when the channel's grant rules say
//! so, through the same pipeline as every other grant (stacking rule, moderators and permanent VIPs
//! refused, slots, chat, audit, notice, live event).
//!
//! A resubscription counts like a new subscription (same rule, same time; for a viewer who is
//! still VIP the stacking rule applies): Twitch reports a new subscription as `channel.subscribe`
//! and a renewal only when the subscriber shares it in chat, as `channel.subscription.message`, so
//! one subscription month never arrives as both.
//!
//! Bits: `channel.bits.use` reports every use of bits, cheers included, and `channel.cheer` cheers
//! only. The two notifications of one cheer share no id, so instead of pairing them each use counts
//! through exactly one type: cheers through `channel.cheer` (which says whether the cheer was
//! anonymous), everything else (Power-ups, Combos, types Twitch adds later) through
//! `channel.bits.use`, whose cheers are ignored ([`NoGrant::CountedAsCheer`]).
//!
//! These EventSub events carry no id of their own, so the EventSub message id is the key: it is
//! recorded as a synthetic redemption (`sub:{id}`, `resub:{id}`, `gift:{id}`, `cheer:{id}`,
//! `bits:{id}`) with the store's atomic `create_redemption`, and only the one caller that creates
//! it grants. A second delivery (the same message again, or on another instance) stops there. No
//! points were spent, so nothing is settled on Twitch: a refusal is audited and the record keeps
//! the outcome.

use super::grant_types::OnFull;
use super::{Engine, EngineResult, GrantOutcome, GrantRequest, IgnoreReason};
use crate::model::{
    Actor, ChannelId, GrantLength, NoGrant, RedemptionOutcome, RedemptionRecord, Viewer, VipSource,
};
use crate::ssr::events::BitsUse;

/// A subscription, gift or cheer, as EventSub delivered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Support {
    pub channel: ChannelId,
    /// The EventSub message id (the same on every redelivery of one notification).
    pub message_id: String,
    pub kind: SupportKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupportKind {
    Subscription {
        viewer: Viewer,
        is_gift: bool,
    },
    /// A resubscription the subscriber shared in chat.
    Resubscription {
        viewer: Viewer,
    },
    /// `gifter` is `None` for an anonymous gift.
    Gift {
        gifter: Option<Viewer>,
        total: u32,
    },
    /// `viewer` is `None` for an anonymous cheer.
    Cheer {
        viewer: Option<Viewer>,
        bits: u32,
    },
    /// Bits spent as `channel.bits.use` reports it; `viewer` is `None` when nobody is named.
    BitsUse {
        viewer: Option<Viewer>,
        bits: u32,
        kind: BitsUse,
    },
}

impl SupportKind {
    /// The prefix of the synthetic redemption id, also the `reward_id` it is recorded under.
    fn key(&self) -> (&'static str, &'static str) {
        match self {
            Self::Subscription { .. } => ("sub", "rule:subscription"),
            Self::Resubscription { .. } => ("resub", "rule:subscription"),
            Self::Gift { .. } => ("gift", "rule:gift"),
            Self::Cheer { .. } => ("cheer", "rule:bits"),
            Self::BitsUse { .. } => ("bits", "rule:bits"),
        }
    }

    fn source(&self) -> VipSource {
        match self {
            Self::Subscription { .. } | Self::Resubscription { .. } | Self::Gift { .. } => {
                VipSource::Subscription
            }
            Self::Cheer { .. } | Self::BitsUse { .. } => VipSource::Bits,
        }
    }
}

/// Who gets VIP for how long, or why nobody does. Pure.
fn decide(
    rules: &crate::model::GrantRules,
    kind: &SupportKind,
) -> Result<(Viewer, GrantLength), NoGrant> {
    match kind {
        SupportKind::Subscription { viewer, is_gift } => rules
            .for_subscription(*is_gift)
            .map(|d| (viewer.clone(), d)),
        SupportKind::Resubscription { viewer } => {
            rules.for_subscription(false).map(|d| (viewer.clone(), d))
        }
        SupportKind::Gift { gifter, total } => {
            let duration = rules.for_gift(*total, gifter.is_none())?;
            Ok((gifter.clone().ok_or(NoGrant::Anonymous)?, duration))
        }
        SupportKind::Cheer { viewer, bits } => {
            let duration = rules.for_cheer(*bits, viewer.is_none())?;
            Ok((viewer.clone().ok_or(NoGrant::Anonymous)?, duration))
        }
        SupportKind::BitsUse { viewer, bits, kind } => {
            rules.bits.ok_or(NoGrant::RuleOff)?;
            if *kind == BitsUse::Cheer {
                return Err(NoGrant::CountedAsCheer);
            }
            let duration = rules.for_cheer(*bits, viewer.is_none())?;
            Ok((viewer.clone().ok_or(NoGrant::Anonymous)?, duration))
        }
    }
}

impl Engine {
    /// Grants VIP for a subscription, resubscription, gift or use of bits when the channel's rules
    /// say so, exactly once
    /// per EventSub message across deliveries and instances.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn handle_support(&self, support: Support) -> EngineResult<GrantOutcome> {
        let Some(channel) = self.store.channel(&support.channel).await? else {
            return Ok(GrantOutcome::Ignored(IgnoreReason::UnknownChannel));
        };
        let (viewer, duration) = match decide(&channel.settings.grant_rules, &support.kind) {
            Ok(grant) => grant,
            Err(reason) => {
                tracing::debug!(channel = %channel.id, ?reason, "support event grants nobody");
                return Ok(GrantOutcome::Ignored(IgnoreReason::NoRule(reason)));
            }
        };
        let (prefix, reward_id) = support.kind.key();
        let record = RedemptionRecord {
            id: format!("{prefix}:{}", support.message_id),
            channel_id: channel.id.clone(),
            reward_id: reward_id.to_owned(),
            viewer: viewer.clone(),
            received_at: self.now(),
            outcome: RedemptionOutcome::Pending,
        };
        if !self.store.create_redemption(&record).await? {
            tracing::debug!(key = %record.id, "duplicate support event dropped");
            return Ok(GrantOutcome::Duplicate);
        }
        let request = GrantRequest {
            channel: channel.id.clone(),
            actor: Actor::Viewer {
                id: viewer.id.clone(),
                login: viewer.login.clone(),
            },
            viewer,
            length: duration,
            source: support.kind.source(),
        };
        let outcome = self.run(&channel, &request, None, OnFull::Policy).await?;
        let recorded = match &outcome {
            GrantOutcome::Granted(_) | GrantOutcome::Extended(_) => {
                Some(RedemptionOutcome::Fulfilled)
            }
            GrantOutcome::Refunded(reason) => Some(RedemptionOutcome::Refunded(*reason)),
            _ => None,
        };
        if let Some(recorded) = recorded {
            self.store
                .set_redemption_outcome(&record.id, recorded)
                .await?;
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BitsRule, GiftRule, GrantRules};

    fn viewer() -> Viewer {
        Viewer {
            id: "7".into(),
            login: "gifter".into(),
            display_name: "Gifter".into(),
        }
    }

    #[test]
    fn the_gifter_or_cheerer_is_granted_and_anonymous_support_is_not() {
        let hour: GrantLength = crate::model::VipDuration::from_secs(3_600).unwrap().into();
        let rules = GrantRules {
            subscription: Some(hour),
            gift: Some(GiftRule {
                min_gifts: 3,
                duration: hour,
            }),
            bits: Some(BitsRule {
                min_bits: 100,
                duration: hour,
            }),
        };
        let gift = |gifter, total| SupportKind::Gift { gifter, total };
        assert_eq!(
            decide(&rules, &gift(Some(viewer()), 3)),
            Ok((viewer(), hour))
        );
        assert_eq!(decide(&rules, &gift(None, 30)), Err(NoGrant::Anonymous));
        assert_eq!(
            decide(&rules, &gift(Some(viewer()), 2)),
            Err(NoGrant::BelowThreshold)
        );
        let cheer = SupportKind::Cheer {
            viewer: None,
            bits: 1_000,
        };
        assert_eq!(decide(&rules, &cheer), Err(NoGrant::Anonymous));
        let gifted = SupportKind::Subscription {
            viewer: viewer(),
            is_gift: true,
        };
        assert_eq!(decide(&rules, &gifted), Err(NoGrant::GiftedSub));
        assert_eq!(gifted.key().0, "sub");
        assert_eq!(cheer.source(), VipSource::Bits);
    }

    #[test]
    fn a_resubscription_grants_like_a_subscription() {
        let hour: GrantLength = crate::model::VipDuration::from_secs(3_600).unwrap().into();
        let resub = SupportKind::Resubscription { viewer: viewer() };
        assert_eq!(
            decide(&GrantRules::default(), &resub),
            Err(NoGrant::RuleOff)
        );
        let rules = GrantRules {
            subscription: Some(hour),
            ..GrantRules::default()
        };
        assert_eq!(decide(&rules, &resub), Ok((viewer(), hour)));
        assert_eq!(resub.key(), ("resub", "rule:subscription"));
        assert_eq!(resub.source(), VipSource::Subscription);
    }

    #[test]
    fn bits_use_counts_power_ups_and_combos_but_not_cheers_again() {
        let hour: GrantLength = crate::model::VipDuration::from_secs(3_600).unwrap().into();
        let rules = GrantRules {
            bits: Some(BitsRule {
                min_bits: 100,
                duration: hour,
            }),
            ..GrantRules::default()
        };
        let used = |viewer: Option<Viewer>, bits, kind| SupportKind::BitsUse { viewer, bits, kind };
        for kind in [
            BitsUse::PowerUp("gigantify_an_emote".into()),
            BitsUse::Combo,
            BitsUse::Other("custom_power_up".into()),
        ] {
            assert_eq!(
                decide(&rules, &used(Some(viewer()), 100, kind.clone())),
                Ok((viewer(), hour)),
                "{kind:?}"
            );
            assert_eq!(
                decide(&rules, &used(Some(viewer()), 99, kind.clone())),
                Err(NoGrant::BelowThreshold)
            );
            assert_eq!(
                decide(&rules, &used(None, 1_000, kind)),
                Err(NoGrant::Anonymous)
            );
        }
        assert_eq!(
            decide(&rules, &used(Some(viewer()), 1_000, BitsUse::Cheer)),
            Err(NoGrant::CountedAsCheer)
        );
        assert_eq!(
            decide(
                &GrantRules::default(),
                &used(Some(viewer()), 1_000, BitsUse::Combo)
            ),
            Err(NoGrant::RuleOff)
        );
        let combo = used(Some(viewer()), 1, BitsUse::Combo);
        assert_eq!(combo.key(), ("bits", "rule:bits"));
        assert_eq!(combo.source(), VipSource::Bits);
    }
}
