//! The one list of OAuth scopes the app asks a streamer for, each tied to the feature that needs it.
//!
//! `REQUIRED_SCOPES` are asked at every login. `OPTIONAL_SCOPES` serve the grant rules for subs,
//! gifts and bits, and chat commands: Twitch may suspend apps that ask for more than they need
//! (Twitch docs), so they are asked only once the channel turns the matching feature on (the login
//! that follows asks for them; Twitch shows the consent screen again for new scopes). Until
//! granted, the matching EventSub subscriptions are skipped and the feature does nothing.
//!
//! Chat commands as the streamer need `user:read:chat` (Twitch: "Channel Chat Message" with a user
//! token); on the webhook transport the subscription uses the app token, so Twitch also wants
//! `user:bot` and `channel:bot` from the streamer. As the app's bot, the streamer grants
//! `channel:bot`; on WebSocket, which takes only user tokens, chat is then read with the streamer's
//! `user:read:chat` (a user token reads only its own user's chat), so that is asked too.

use app::model::{ChatIdentity, Settings};

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

/// What a moderator is asked for (`/api/auth/login?as=moderator`): nothing. The app acts on a
/// channel with its streamer's token, and asks Twitch whether the signed-in user moderates it with
/// that token too (Get Moderators); the moderator's own token serves only to tell who they are
/// (`/validate`), which needs no scope.
pub const MODERATOR_SCOPES: [&str; 0] = [];

/// A feature that needs an optional scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleFeature {
    /// VIP for a subscription, a shared resubscription or a gift of subs (`channel.subscribe`,
    /// `channel.subscription.message`, `channel.subscription.gift`).
    Subs,
    /// VIP for a cheer, a Power-up or a Combo (`channel.cheer`, `channel.bits.use`).
    Bits,
    /// Chat commands read as the streamer (`channel.chat.message`): the streamer's identity, or
    /// the bot's on WebSocket.
    ChatRead,
    /// Chat commands read as the streamer with the app token (webhook transport).
    ChatAppToken,
    /// The app (its bot, or the app token on webhooks) in the streamer's chat.
    ChannelBot,
}

impl RuleFeature {
    /// Whether the channel's settings use this feature (`webhook`: the server's EventSub
    /// transport is webhooks).
    pub fn enabled(self, settings: &Settings, webhook: bool) -> bool {
        let rules = &settings.grant_rules;
        let chat = settings.chat_commands.enabled;
        let streamer = settings.chat_identity == ChatIdentity::Streamer;
        match self {
            Self::Subs => rules.subscription.is_some() || rules.gift.is_some(),
            Self::Bits => rules.bits.is_some(),
            Self::ChatRead => chat && (streamer || !webhook),
            Self::ChatAppToken => chat && streamer && webhook,
            Self::ChannelBot => chat && (webhook || !streamer),
        }
    }
}

/// (scope, why, the feature it enables) — asked only while the feature is on.
pub const OPTIONAL_SCOPES: [(&str, &str, RuleFeature); 5] = [
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
    (
        "user:read:chat",
        "read chat commands (!vip, !vips)",
        RuleFeature::ChatRead,
    ),
    (
        "user:bot",
        "read chat commands through webhooks",
        RuleFeature::ChatAppToken,
    ),
    (
        "channel:bot",
        "let the app read and answer in your chat",
        RuleFeature::ChannelBot,
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

/// The scopes to ask for: the required ones, plus those the channel's features need (`None`: a
/// first login, asked as for a new channel's settings).
pub fn wanted(settings: Option<&Settings>, webhook: bool) -> Vec<&'static str> {
    wanted_with_reasons(settings, webhook)
        .into_iter()
        .map(|(scope, _)| scope)
        .collect()
}

/// [`wanted`], each scope with why the app needs it.
pub fn wanted_with_reasons(
    settings: Option<&Settings>,
    webhook: bool,
) -> Vec<(&'static str, &'static str)> {
    let new_channel = Settings::default();
    let settings = settings.unwrap_or(&new_channel);
    let optional = OPTIONAL_SCOPES
        .iter()
        .filter(|(_, _, f)| f.enabled(settings, webhook))
        .map(|(s, why, _)| (*s, *why));
    REQUIRED_SCOPES.iter().copied().chain(optional).collect()
}

/// The scopes for a channel with these settings (none: a first login), space-separated.
pub fn scope_param_for(settings: Option<&Settings>, webhook: bool) -> String {
    wanted(settings, webhook).join(" ")
}

/// Required scopes missing from `granted`.
pub fn missing<'a>(granted: impl IntoIterator<Item = &'a str> + Clone) -> Vec<&'static str> {
    REQUIRED_SCOPES
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| !granted.clone().into_iter().any(|g| g == *s))
        .collect()
}

/// Scopes the channel's features need that `granted` lacks (the streamer should log in again).
pub fn missing_for_rules<'a>(
    settings: &Settings,
    webhook: bool,
    granted: impl IntoIterator<Item = &'a str> + Clone,
) -> Vec<&'static str> {
    OPTIONAL_SCOPES
        .iter()
        .filter(|(s, _, f)| {
            f.enabled(settings, webhook) && !granted.clone().into_iter().any(|g| g == *s)
        })
        .map(|(s, _, _)| *s)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{BitsRule, ChatCommands, GrantRules, VipDuration};

    #[test]
    fn every_scope_is_explained_in_every_language_and_in_english_as_here() {
        use app::i18n::Lang;
        let asked = REQUIRED_SCOPES
            .iter()
            .copied()
            .chain(OPTIONAL_SCOPES.iter().map(|(s, why, _)| (*s, *why)));
        for (scope, why) in asked {
            assert_eq!(Lang::En.texts().account.scope_reason(scope), Some(why));
            for lang in Lang::ALL {
                let reason = lang.texts().account.scope_reason(scope);
                assert!(reason.is_some_and(|r| !r.is_empty()), "{scope} in {lang:?}");
            }
        }
        assert_eq!(Lang::De.texts().account.scope_reason("chat:edit"), None);
    }

    fn stored(rules: GrantRules) -> Settings {
        Settings {
            grant_rules: rules,
            chat_commands: ChatCommands::stored_before(),
            ..Settings::default()
        }
    }

    #[test]
    fn missing_lists_what_was_not_granted() {
        assert_eq!(
            missing(["channel:manage:vips", "moderation:read"]),
            vec!["channel:manage:redemptions", "user:write:chat"]
        );
        assert!(missing(REQUIRED_SCOPES.map(|(s, _)| s)).is_empty());
        let first = scope_param_for(None, false);
        assert!(first.contains("channel:manage:vips channel:manage:redemptions"));
    }

    #[test]
    fn optional_scopes_are_asked_only_for_enabled_rules() {
        let off = stored(GrantRules::default());
        let required = REQUIRED_SCOPES.map(|(s, _)| s).join(" ");
        assert_eq!(scope_param_for(Some(&off), false), required);
        let bits = GrantRules {
            bits: Some(BitsRule {
                min_bits: 100,
                duration: VipDuration::from_secs(60).unwrap().into(),
            }),
            ..GrantRules::default()
        };
        let param = scope_param_for(Some(&stored(bits)), false);
        assert!(param.ends_with(" bits:read"), "{param}");
        assert!(!param.contains("channel:read:subscriptions"));
        let subs = stored(GrantRules {
            subscription: Some(VipDuration::from_secs(60).unwrap().into()),
            ..bits
        });
        assert_eq!(
            missing_for_rules(&subs, false, ["bits:read"]),
            vec!["channel:read:subscriptions"]
        );
        assert!(
            missing_for_rules(&subs, false, ["bits:read", "channel:read:subscriptions"]).is_empty()
        );
        assert_eq!(scope_for(RuleFeature::Subs), "channel:read:subscriptions");
    }

    #[test]
    fn chat_scopes_follow_the_chat_settings_and_the_transport() {
        let on = Settings::default();
        assert!(on.chat_commands.enabled);
        assert_eq!(missing_for_rules(&on, false, []), vec!["user:read:chat"]);
        assert_eq!(
            missing_for_rules(&on, true, []),
            vec!["user:read:chat", "user:bot", "channel:bot"]
        );
        assert!(scope_param_for(None, false).ends_with(" user:read:chat"));
        let bot = Settings {
            chat_identity: ChatIdentity::Bot,
            ..Settings::default()
        };
        assert_eq!(
            missing_for_rules(&bot, false, []),
            vec!["user:read:chat", "channel:bot"]
        );
        assert_eq!(missing_for_rules(&bot, true, []), vec!["channel:bot"]);
        let off = stored(GrantRules::default());
        assert!(missing_for_rules(&off, true, []).is_empty());
    }
}
