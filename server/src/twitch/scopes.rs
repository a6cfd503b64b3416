//! The one list of OAuth scopes the app asks a streamer for, each tied to the feature that needs it.
//!
//! `REQUIRED_SCOPES` are asked at every login. `OPTIONAL_SCOPES` serve the grant rules for subs,
//! gifts and bits: Twitch may suspend apps that ask for more than they need (Twitch docs), so
//! they are asked only once the channel turns the matching rule on (the login that follows asks
//! for them; Twitch shows the consent screen again for new scopes). Until granted, the matching
//! EventSub subscriptions are skipped and the rule grants nothing.

use app::model::GrantRules;

/// (scope, why the app needs it) — shown on the account page.
pub const REQUIRED_SCOPES: [(&str, &str); 4] = [
    (
        "channel:manage:vips",
        "grant, list and remove VIPs; see manual VIP changes",
    ),
    (
        "channel:manage:redemptions",
        "create the VIP reward, receive its redemptions, fulfil or refund them",
    ),
    (
        "moderation:read",
        "tell moderators apart from VIPs, let moderators manage VIPs",
    ),
    ("user:write:chat", "announce grants and refunds in chat"),
];

/// A feature that needs an optional scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleFeature {
    /// VIP for a subscription, a shared resubscription or a gift of subs (`channel.subscribe`,
    /// `channel.subscription.message`, `channel.subscription.gift`).
    Subs,
    /// VIP for a cheer, a Power-up or a Combo (`channel.cheer`, `channel.bits.use`).
    Bits,
}

impl RuleFeature {
    /// Whether the channel's rules use this feature.
    pub fn enabled(self, rules: &GrantRules) -> bool {
        match self {
            Self::Subs => rules.subscription.is_some() || rules.gift.is_some(),
            Self::Bits => rules.bits.is_some(),
        }
    }
}

/// (scope, why, the feature it enables) — asked only while the feature is on.
pub const OPTIONAL_SCOPES: [(&str, &str, RuleFeature); 2] = [
    (
        "channel:read:subscriptions",
        "grant VIP for subscriptions, resubscriptions and gifted subs",
        RuleFeature::Subs,
    ),
    (
        "bits:read",
        "grant VIP for cheers, Power-ups and Combos",
        RuleFeature::Bits,
    ),
];

/// The optional scope that the feature needs.
pub fn scope_for(feature: RuleFeature) -> &'static str {
    OPTIONAL_SCOPES
        .iter()
        .find(|(_, _, f)| *f == feature)
        .map(|(s, _, _)| *s)
        .expect("every feature has a scope")
}

/// The scopes to ask for: the required ones, plus those the channel's enabled rules need.
pub fn wanted(rules: Option<&GrantRules>) -> Vec<&'static str> {
    wanted_with_reasons(rules)
        .into_iter()
        .map(|(scope, _)| scope)
        .collect()
}

/// [`wanted`], each scope with why the app needs it.
pub fn wanted_with_reasons(rules: Option<&GrantRules>) -> Vec<(&'static str, &'static str)> {
    let optional = OPTIONAL_SCOPES
        .iter()
        .filter(|(_, _, f)| rules.is_some_and(|r| f.enabled(r)))
        .map(|(s, why, _)| (*s, *why));
    REQUIRED_SCOPES.iter().copied().chain(optional).collect()
}

/// The required scopes as Twitch's `scope` parameter wants them: space-separated.
pub fn scope_param() -> String {
    scope_param_for(None)
}

/// The scopes for a channel with these rules (none: a first login), space-separated.
pub fn scope_param_for(rules: Option<&GrantRules>) -> String {
    wanted(rules).join(" ")
}

/// Required scopes missing from `granted`.
pub fn missing<'a>(granted: impl IntoIterator<Item = &'a str> + Clone) -> Vec<&'static str> {
    REQUIRED_SCOPES
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| !granted.clone().into_iter().any(|g| g == *s))
        .collect()
}

/// Scopes the channel's enabled rules need that `granted` lacks (the streamer should log in again).
pub fn missing_for_rules<'a>(
    rules: &GrantRules,
    granted: impl IntoIterator<Item = &'a str> + Clone,
) -> Vec<&'static str> {
    OPTIONAL_SCOPES
        .iter()
        .filter(|(s, _, f)| f.enabled(rules) && !granted.clone().into_iter().any(|g| g == *s))
        .map(|(s, _, _)| *s)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{BitsRule, VipDuration};

    #[test]
    fn missing_lists_what_was_not_granted() {
        assert_eq!(
            missing(["channel:manage:vips", "moderation:read"]),
            vec!["channel:manage:redemptions", "user:write:chat"]
        );
        assert!(missing(REQUIRED_SCOPES.map(|(s, _)| s)).is_empty());
        assert!(scope_param().contains("channel:manage:vips channel:manage:redemptions"));
    }

    #[test]
    fn optional_scopes_are_asked_only_for_enabled_rules() {
        let off = GrantRules::default();
        assert_eq!(scope_param_for(Some(&off)), scope_param());
        assert!(!scope_param().contains("bits:read"));
        let bits = GrantRules {
            bits: Some(BitsRule {
                min_bits: 100,
                duration: VipDuration::from_secs(60).unwrap(),
            }),
            ..GrantRules::default()
        };
        let param = scope_param_for(Some(&bits));
        assert!(param.ends_with(" bits:read"), "{param}");
        assert!(!param.contains("channel:read:subscriptions"));
        let subs = GrantRules {
            subscription: Some(VipDuration::from_secs(60).unwrap()),
            ..bits
        };
        assert_eq!(
            missing_for_rules(&subs, ["bits:read"]),
            vec!["channel:read:subscriptions"]
        );
        assert!(missing_for_rules(&subs, ["bits:read", "channel:read:subscriptions"]).is_empty());
        assert_eq!(scope_for(RuleFeature::Subs), "channel:read:subscriptions");
    }
}
