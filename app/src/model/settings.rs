use serde::{Deserialize, Serialize};

use super::{ChatCommands, ChatIdentity, GrantLength, VipDuration, WarningLeads};

/// What a repeat grant to a viewer who is already a timed VIP does. One rule, applied everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StackingRule {
    /// Add the new duration to the time left.
    #[default]
    Extend,
    /// Start over: now + the new duration.
    Reset,
}

/// What happens to a redemption when the channel has no free VIP slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotsFullPolicy {
    /// Cancel the redemption: Twitch returns the points.
    #[default]
    Refund,
    /// Queue the viewer (first in, first out) until a slot frees; refund after the maximum wait.
    Waitlist,
}

/// Chat message templates. Placeholders: `{viewer}`, `{duration}`, `{reason}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatTemplates {
    pub granted: String,
    pub extended: String,
    pub expired: String,
    pub refunded: String,
    /// An expiry warning; `{duration}` is the time left. Absent in settings stored before it existed.
    #[serde(default = "default_warning_template")]
    pub warning: String,
}

fn default_warning_template() -> String {
    crate::i18n::Lang::En.texts().chat.warning.into()
}

/// English; a new channel gets [`ChatTemplates::in_language`] of its streamer's language.
impl Default for ChatTemplates {
    fn default() -> Self {
        Self::in_language(crate::i18n::Lang::En)
    }
}

/// A channel's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub default_duration: VipDuration,
    pub stacking: StackingRule,
    /// Remove VIP when the time is up. Off: sessions still expire and the streamer is told, nobody is removed.
    pub auto_remove: bool,
    pub slots_full: SlotsFullPolicy,
    /// How long a waitlisted redemption waits before it is refunded.
    pub waitlist_max_wait: VipDuration,
    pub chat_enabled: bool,
    pub chat: ChatTemplates,
    /// Moderators may list, grant, extend and revoke VIPs.
    pub moderators_can_manage: bool,
    /// Moderators may create, edit and delete rewards. Absent (off) in settings stored before it.
    #[serde(default)]
    pub moderators_manage_rewards: bool,
    /// Moderators may read the activity log, without settings changes, logins and API tokens.
    /// Absent (off) in settings stored before it.
    #[serde(default)]
    pub moderators_read_log: bool,
    pub public_page: bool,
    /// Where grants, extensions, refunds and expiries are announced (a Discord webhook). A secret:
    /// never logged, never shown back in full.
    pub discord_webhook_url: Option<String>,
    /// VIP for subscriptions, gifted subs and bits. Absent in settings stored before it existed.
    #[serde(default)]
    pub grant_rules: GrantRules,
    /// Chat commands (`!vip`, `!vips …`). Off in settings stored before they existed.
    #[serde(default = "ChatCommands::stored_before")]
    pub chat_commands: ChatCommands,
    /// Who reads and writes chat: the streamer's account or the app's bot.
    #[serde(default)]
    pub chat_identity: ChatIdentity,
    /// How long after `stream.offline` a VIP that lasts until the stream ends is removed; the
    /// stream coming back within it keeps the VIP. Absent in settings stored before it existed.
    #[serde(default = "default_stream_end_grace")]
    pub stream_end_grace_secs: VipDuration,
    /// Lead times before a VIP ends at which the viewer is warned in chat (empty: none).
    #[serde(default)]
    pub expiry_warnings_secs: WarningLeads,
    /// Also post expiry warnings to the Discord webhook.
    #[serde(default)]
    pub discord_warnings: bool,
    /// The streamer's time zone (an IANA name, checked by the server): where analytics days
    /// begin and end. `None` until the streamer saves one: UTC.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The language of what the app writes for the channel itself: the reason in a refund's chat
    /// message and Discord notices. A new channel gets its streamer's language; `None` (channels
    /// made before): English.
    #[serde(default)]
    pub language: Option<crate::i18n::Lang>,
}

/// Ten minutes: a crashed stream is usually back by then.
fn default_stream_end_grace() -> VipDuration {
    VipDuration::from_secs(600).expect("ten minutes is valid")
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            default_duration: VipDuration::from_secs(24 * 3_600).expect("one day is valid"),
            stacking: StackingRule::default(),
            auto_remove: true,
            slots_full: SlotsFullPolicy::default(),
            waitlist_max_wait: VipDuration::from_secs(24 * 3_600).expect("one day is valid"),
            chat_enabled: true,
            chat: ChatTemplates::default(),
            moderators_can_manage: false,
            moderators_manage_rewards: false,
            moderators_read_log: false,
            public_page: false,
            discord_webhook_url: None,
            grant_rules: GrantRules::default(),
            chat_commands: ChatCommands::default(),
            chat_identity: ChatIdentity::default(),
            stream_end_grace_secs: default_stream_end_grace(),
            expiry_warnings_secs: WarningLeads::default(),
            discord_warnings: false,
            time_zone: None,
            language: None,
        }
    }
}

/// Grants beyond channel points: each rule is off (`None`) unless the streamer sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GrantRules {
    /// A viewer who subscribes (EventSub `channel.subscribe`; gifted subs are the gifter's, see
    /// `gift`) or shares a resubscription (`channel.subscription.message`) is VIP for this long.
    /// Seconds, or `"stream_end"` (until the stream ends), as for every rule's duration.
    #[serde(default, with = "super::grant_length::secs_or_stream_end::option")]
    pub subscription: Option<GrantLength>,
    /// A viewer who gifts at least `min_gifts` subs at once (`channel.subscription.gift`) is VIP.
    /// Anonymous gifts grant nobody.
    #[serde(default)]
    pub gift: Option<GiftRule>,
    /// A viewer who spends at least `min_bits` bits at once is VIP: in one cheer (`channel.cheer`),
    /// one Power-up or one Combo (`channel.bits.use`, whose cheers are not counted again).
    /// Anonymous cheers grant nobody.
    #[serde(default)]
    pub bits: Option<BitsRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftRule {
    /// Gifted subs needed in one gift (0 counts as 1).
    pub min_gifts: u32,
    #[serde(with = "super::grant_length::secs_or_stream_end")]
    pub duration: GrantLength,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BitsRule {
    /// Bits needed in one cheer, Power-up or Combo (0 counts as 1).
    pub min_bits: u32,
    #[serde(with = "super::grant_length::secs_or_stream_end")]
    pub duration: GrantLength,
}

/// Why a subscription, gift or cheer grants nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoGrant {
    /// The channel has no rule for this kind of support.
    RuleOff,
    /// Fewer gifts or bits than the rule asks for.
    BelowThreshold,
    /// The supporter chose to stay anonymous: nobody to make VIP.
    Anonymous,
    /// A sub someone else gifted: the gift rule rewards the gifter instead.
    GiftedSub,
    /// A cheer as `channel.bits.use` reports it: the same cheer counts once, through
    /// `channel.cheer` (which says whether it was anonymous).
    CountedAsCheer,
}

impl GrantRules {
    /// Whether any rule is on (the channel then needs the matching EventSub subscriptions).
    pub fn any(&self) -> bool {
        self.subscription.is_some() || self.gift.is_some() || self.bits.is_some()
    }

    /// How long a new subscription makes the subscriber VIP.
    ///
    /// # Errors
    /// The [`NoGrant`] reason when it grants nothing.
    pub fn for_subscription(&self, is_gift: bool) -> Result<GrantLength, NoGrant> {
        let duration = self.subscription.ok_or(NoGrant::RuleOff)?;
        if is_gift {
            return Err(NoGrant::GiftedSub);
        }
        Ok(duration)
    }

    /// How long a gift of `total` subs makes the gifter VIP.
    ///
    /// # Errors
    /// The [`NoGrant`] reason when it grants nothing.
    pub fn for_gift(&self, total: u32, anonymous: bool) -> Result<GrantLength, NoGrant> {
        let rule = self.gift.ok_or(NoGrant::RuleOff)?;
        if anonymous {
            return Err(NoGrant::Anonymous);
        }
        if total < rule.min_gifts.max(1) {
            return Err(NoGrant::BelowThreshold);
        }
        Ok(rule.duration)
    }

    /// How long a cheer (or a Power-up or Combo) of `bits` makes the viewer VIP.
    ///
    /// # Errors
    /// The [`NoGrant`] reason when it grants nothing.
    pub fn for_cheer(&self, bits: u32, anonymous: bool) -> Result<GrantLength, NoGrant> {
        let rule = self.bits.ok_or(NoGrant::RuleOff)?;
        if anonymous {
            return Err(NoGrant::Anonymous);
        }
        if bits < rule.min_bits.max(1) {
            return Err(NoGrant::BelowThreshold);
        }
        Ok(rule.duration)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_durations_read_seconds_or_stream_end() {
        let json = r#"{"subscription": "stream_end", "gift": {"min_gifts": 2, "duration": 60},
            "bits": {"min_bits": 1, "duration": "stream_end"}}"#;
        let rules: GrantRules = serde_json::from_str(json).unwrap();
        assert_eq!(rules.subscription, Some(GrantLength::StreamEnd));
        assert_eq!(rules.gift.unwrap().duration.secs(), Some(60));
        assert_eq!(rules.for_cheer(1, false), Ok(GrantLength::StreamEnd));
        let back = serde_json::to_value(rules).unwrap();
        assert_eq!(back["subscription"], "stream_end");
        assert_eq!(back["gift"]["duration"], 60);
        let none: GrantRules = serde_json::from_str("{}").unwrap();
        assert_eq!(none, GrantRules::default());
        assert_eq!(
            serde_json::to_value(none).unwrap()["subscription"],
            serde_json::Value::Null
        );
        assert!(serde_json::from_str::<GrantRules>(r#"{"subscription": "later"}"#).is_err());
    }

    fn hours(n: u64) -> GrantLength {
        VipDuration::from_secs(n * 3_600).unwrap().into()
    }

    fn all_on() -> GrantRules {
        GrantRules {
            subscription: Some(hours(24)),
            gift: Some(GiftRule {
                min_gifts: 5,
                duration: hours(48),
            }),
            bits: Some(BitsRule {
                min_bits: 500,
                duration: hours(2),
            }),
        }
    }

    #[test]
    fn rules_are_off_by_default() {
        let off = GrantRules::default();
        assert!(!off.any());
        assert_eq!(off.for_subscription(false), Err(NoGrant::RuleOff));
        assert_eq!(off.for_gift(100, false), Err(NoGrant::RuleOff));
        assert_eq!(off.for_cheer(100_000, false), Err(NoGrant::RuleOff));
    }

    #[test]
    fn thresholds_are_inclusive_and_anonymous_grants_nobody() {
        let rules = all_on();
        assert!(rules.any());
        assert_eq!(rules.for_subscription(false), Ok(hours(24)));
        assert_eq!(rules.for_subscription(true), Err(NoGrant::GiftedSub));
        assert_eq!(rules.for_gift(5, false), Ok(hours(48)));
        assert_eq!(rules.for_gift(4, false), Err(NoGrant::BelowThreshold));
        assert_eq!(rules.for_gift(50, true), Err(NoGrant::Anonymous));
        assert_eq!(rules.for_cheer(500, false), Ok(hours(2)));
        assert_eq!(rules.for_cheer(499, false), Err(NoGrant::BelowThreshold));
        assert_eq!(rules.for_cheer(1_000, true), Err(NoGrant::Anonymous));
    }

    #[test]
    fn a_zero_minimum_still_needs_one() {
        let rules = GrantRules {
            bits: Some(BitsRule {
                min_bits: 0,
                duration: hours(1),
            }),
            ..GrantRules::default()
        };
        assert_eq!(rules.for_cheer(0, false), Err(NoGrant::BelowThreshold));
        assert_eq!(rules.for_cheer(1, false), Ok(hours(1)));
    }

    #[test]
    fn settings_stored_before_the_rules_existed_still_load() {
        let mut stored = serde_json::to_value(Settings::default()).unwrap();
        stored.as_object_mut().unwrap().remove("grant_rules");
        let loaded: Settings = serde_json::from_value(stored).unwrap();
        assert_eq!(loaded.grant_rules, GrantRules::default());
        let mut stored = serde_json::to_value(Settings::default()).unwrap();
        stored
            .as_object_mut()
            .unwrap()
            .remove("stream_end_grace_secs");
        let loaded: Settings = serde_json::from_value(stored).unwrap();
        assert_eq!(loaded.stream_end_grace_secs.as_secs(), 600);

        let partial: GrantRules =
            serde_json::from_str(r#"{"bits":{"min_bits":100,"duration":60}}"#).unwrap();
        assert_eq!(partial.subscription, None);
        assert_eq!(partial.bits.unwrap().min_bits, 100);
        let on = Settings {
            grant_rules: all_on(),
            ..Settings::default()
        };
        let round: Settings = serde_json::from_str(&serde_json::to_string(&on).unwrap()).unwrap();
        assert_eq!(round, on);
    }
}

#[cfg(test)]
mod moderator_permission_tests {
    use super::Settings;

    #[test]
    fn settings_stored_before_the_split_moderator_permissions_keep_their_meaning() {
        let mut stored = serde_json::to_value(Settings {
            moderators_can_manage: true,
            ..Settings::default()
        })
        .unwrap();
        let fields = stored.as_object_mut().unwrap();
        fields.remove("moderators_manage_rewards");
        fields.remove("moderators_read_log");
        let loaded: Settings = serde_json::from_value(stored).unwrap();
        assert!(loaded.moderators_can_manage);
        assert!(!loaded.moderators_manage_rewards && !loaded.moderators_read_log);
    }
}
