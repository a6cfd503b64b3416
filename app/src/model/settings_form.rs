//! The settings page's forms as the browser posts them (text fields, checkboxes that are absent when
//! unticked) and their pure conversion into typed values. The same conversion runs whether the form
//! was posted by a plain HTML form or by the hydrated page.

use serde::{Deserialize, Serialize};

use super::{
    BadInput, BitsRule, ChatTemplates, DurationUnit, Field, GiftRule, GrantLength, GrantRules,
    Settings, SlotsFullPolicy, StackingRule, VipDuration, WarningLeads, STREAM_END,
};
use crate::error::AppError;

/// The channel settings form. Field names are the form's input names (`form[default_amount]`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub default_amount: String,
    pub default_unit: String,
    pub stacking: String,
    pub auto_remove: Option<String>,
    pub slots_full: String,
    pub max_wait_amount: String,
    pub max_wait_unit: String,
    pub chat_enabled: Option<String>,
    pub chat_granted: String,
    pub chat_extended: String,
    pub chat_expired: String,
    pub chat_refunded: String,
    pub moderators_can_manage: Option<String>,
    pub moderators_manage_rewards: Option<String>,
    pub moderators_read_log: Option<String>,
    pub public_page: Option<String>,
    /// Blank keeps the stored webhook (the page never shows it back in full).
    #[serde(default)]
    pub discord_webhook_url: String,
    /// Present when the stored webhook should be removed.
    pub discord_webhook_clear: Option<String>,
    pub sub_enabled: Option<String>,
    #[serde(default)]
    pub sub_amount: String,
    #[serde(default)]
    pub sub_unit: String,
    pub gift_enabled: Option<String>,
    #[serde(default)]
    pub gift_min: String,
    #[serde(default)]
    pub gift_amount: String,
    #[serde(default)]
    pub gift_unit: String,
    pub bits_enabled: Option<String>,
    #[serde(default)]
    pub bits_min: String,
    #[serde(default)]
    pub bits_amount: String,
    #[serde(default)]
    pub bits_unit: String,
    /// Present when the form shows the chat-command fields below (a form without them keeps the
    /// stored chat commands and identity).
    pub chat_commands_shown: Option<String>,
    pub chat_commands_enabled: Option<String>,
    #[serde(default)]
    pub chat_prefix: String,
    /// Names separated by spaces or commas, e.g. `vip checkvip`.
    #[serde(default)]
    pub chat_check_names: String,
    #[serde(default)]
    pub chat_manage_names: String,
    #[serde(default)]
    pub chat_add_names: String,
    #[serde(default)]
    pub chat_remove_names: String,
    #[serde(default)]
    pub chat_viewer_cooldown_secs: String,
    #[serde(default)]
    pub chat_ignored_bots: String,
    /// `streamer` or `bot`.
    #[serde(default)]
    pub chat_identity: String,
    /// Seconds; blank (or absent) keeps the stored grace period.
    #[serde(default)]
    pub stream_end_grace_secs: String,
    /// Absent keeps the stored template.
    pub chat_warning: Option<String>,
    /// Lead times in seconds, separated by commas or spaces; blank: no warnings; absent keeps them.
    pub warning_leads: Option<String>,
    pub discord_warnings: Option<String>,
    /// An IANA zone name; blank: none (UTC); absent keeps the stored zone.
    pub time_zone: Option<String>,
    /// The channel's language as a tag (`de`); blank: none (English); absent keeps it.
    #[serde(default)]
    pub language: Option<String>,
}

/// Lead times typed as `600, 3600`.
///
/// # Errors
/// [`AppError::Invalid`] naming the problem.
pub fn parse_warning_leads(text: &str) -> Result<WarningLeads, AppError> {
    let leads = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<u64>()
                .map_err(|_| BadInput::WarningNotANumber(t.to_owned()))
        })
        .collect::<Result<Vec<u64>, BadInput>>()?;
    Ok(WarningLeads::try_from(leads).map_err(BadInput::WarningLeads)?)
}

/// A reward form: create and edit post the same fields. Blank limits mean "no limit".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardForm {
    pub title: String,
    pub cost: String,
    #[serde(default)]
    pub prompt: String,
    pub amount: String,
    pub unit: String,
    #[serde(default)]
    pub cooldown_minutes: String,
    #[serde(default)]
    pub max_per_stream: String,
    #[serde(default)]
    pub max_per_user_per_stream: String,
    /// Present (any value) when the reward should be enabled.
    pub enabled: Option<String>,
}

fn duration(amount: &str, unit: &str, field: Field) -> Result<VipDuration, AppError> {
    VipDuration::from_form(amount, unit).map_err(|error| BadInput::Duration { field, error }.into())
}

/// A grant rule's length: [`duration`], or until the stream ends (unit `stream_end`, the amount
/// ignored).
fn rule_length(amount: &str, unit: &str, field: Field) -> Result<GrantLength, AppError> {
    if unit == STREAM_END {
        return Ok(GrantLength::StreamEnd);
    }
    duration(amount, unit, field).map(GrantLength::For)
}

/// A whole number from a form field; blank is `None`.
///
/// # Errors
/// [`AppError::Invalid`] naming the field when the text is not a whole number.
pub fn parse_optional(value: &str, field: Field) -> Result<Option<u32>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| {
        BadInput::NotAWholeNumber {
            field,
            value: value.to_owned(),
        }
        .into()
    })
}

impl SettingsForm {
    /// The settings this form asks for; `current` supplies the webhook when the field is left blank.
    ///
    /// # Errors
    /// [`AppError::Invalid`] naming the first field that does not parse.
    pub fn apply(&self, current: &Settings) -> Result<Settings, AppError> {
        let stacking = match self.stacking.as_str() {
            "extend" => StackingRule::Extend,
            "reset" => StackingRule::Reset,
            other => {
                return Err(AppError::Invalid(format!(
                    "unknown stacking rule “{other}”"
                )))
            }
        };
        let slots_full = match self.slots_full.as_str() {
            "refund" => SlotsFullPolicy::Refund,
            "waitlist" => SlotsFullPolicy::Waitlist,
            other => {
                return Err(AppError::Invalid(format!(
                    "unknown slots-full policy “{other}”"
                )))
            }
        };
        let url = self.discord_webhook_url.trim();
        let discord_webhook_url = if self.discord_webhook_clear.is_some() {
            None
        } else if url.is_empty() {
            current.discord_webhook_url.clone()
        } else {
            Some(url.to_owned())
        };
        Ok(Settings {
            default_duration: duration(
                &self.default_amount,
                &self.default_unit,
                Field::DefaultDuration,
            )?,
            stacking,
            auto_remove: self.auto_remove.is_some(),
            slots_full,
            waitlist_max_wait: duration(
                &self.max_wait_amount,
                &self.max_wait_unit,
                Field::MaximumWait,
            )?,
            chat_enabled: self.chat_enabled.is_some(),
            chat: ChatTemplates {
                granted: self.chat_granted.trim().to_owned(),
                extended: self.chat_extended.trim().to_owned(),
                expired: self.chat_expired.trim().to_owned(),
                refunded: self.chat_refunded.trim().to_owned(),
                warning: self
                    .chat_warning
                    .as_ref()
                    .map_or_else(|| current.chat.warning.clone(), |t| t.trim().to_owned()),
            },
            moderators_can_manage: self.moderators_can_manage.is_some(),
            moderators_manage_rewards: self.moderators_manage_rewards.is_some(),
            moderators_read_log: self.moderators_read_log.is_some(),
            public_page: self.public_page.is_some(),
            discord_webhook_url,
            grant_rules: self.grant_rules()?,
            chat_commands: self.chat_commands(current)?,
            chat_identity: self.chat_identity(current)?,
            expiry_warnings_secs: match &self.warning_leads {
                Some(text) => parse_warning_leads(text)?,
                None => current.expiry_warnings_secs.clone(),
            },
            discord_warnings: self.discord_warnings.is_some(),
            time_zone: match self.time_zone.as_deref().map(str::trim) {
                Some("") => None,
                Some(name) => Some(name.to_owned()),
                None => current.time_zone.clone(),
            },
            language: match self.language.as_deref().map(str::trim) {
                Some("") => None,
                Some(tag) => Some(crate::i18n::Lang::from_tag(tag).ok_or_else(|| {
                    AppError::Invalid(format!(
                        "`language`: “{tag}” is not a language of the app (en, de, es, fr, pt-BR, ja)"
                    ))
                })?),
                None => current.language,
            },
            stream_end_grace_secs: match self.stream_end_grace_secs.trim() {
                "" => current.stream_end_grace_secs,
                secs => secs
                    .parse::<u64>()
                    .ok()
                    .and_then(|s| VipDuration::from_secs(s).ok())
                    .ok_or_else(|| BadInput::Grace(secs.to_owned()))?,
            },
        })
    }

    fn grant_rules(&self) -> Result<GrantRules, AppError> {
        let minimum =
            |v: &str, field: Field| parse_optional(v, field).map(Option::unwrap_or_default);
        Ok(GrantRules {
            subscription: self
                .sub_enabled
                .as_ref()
                .map(|_| rule_length(&self.sub_amount, &self.sub_unit, Field::SubscriptionVip))
                .transpose()?,
            gift: self
                .gift_enabled
                .as_ref()
                .map(|_| -> Result<GiftRule, AppError> {
                    Ok(GiftRule {
                        min_gifts: minimum(&self.gift_min, Field::GiftsNeeded)?,
                        duration: rule_length(&self.gift_amount, &self.gift_unit, Field::GiftVip)?,
                    })
                })
                .transpose()?,
            bits: self
                .bits_enabled
                .as_ref()
                .map(|_| -> Result<BitsRule, AppError> {
                    Ok(BitsRule {
                        min_bits: minimum(&self.bits_min, Field::BitsNeeded)?,
                        duration: rule_length(&self.bits_amount, &self.bits_unit, Field::BitsVip)?,
                    })
                })
                .transpose()?,
        })
    }
}

/// A duration as an amount in the largest unit that holds it exactly (minutes, rounded up, when
/// none does), for pre-filling amount + unit fields.
pub fn split_duration(d: VipDuration) -> (u64, DurationUnit) {
    let secs = d.as_secs();
    [DurationUnit::Days, DurationUnit::Hours]
        .into_iter()
        .find(|u| secs.is_multiple_of(u.seconds()))
        .map_or((secs.div_ceil(60), DurationUnit::Minutes), |u| {
            (secs / u.seconds(), u)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        SettingsForm {
            default_amount: "2".into(),
            default_unit: "hours".into(),
            stacking: "reset".into(),
            auto_remove: None,
            slots_full: "waitlist".into(),
            max_wait_amount: "30".into(),
            max_wait_unit: "minutes".into(),
            chat_enabled: Some("on".into()),
            chat_granted: " {viewer} is VIP ".into(),
            chat_extended: "e".into(),
            chat_expired: "x".into(),
            chat_refunded: "r".into(),
            moderators_can_manage: Some("on".into()),
            moderators_read_log: Some("on".into()),
            public_page: None,
            discord_webhook_url: "  ".into(),
            bits_enabled: Some("on".into()),
            bits_min: "500".into(),
            bits_amount: "2".into(),
            bits_unit: "hours".into(),
            gift_min: "oops".into(),
            ..SettingsForm::default()
        }
    }

    #[test]
    fn a_rule_may_last_until_the_stream_ends() {
        let until_end = SettingsForm {
            bits_amount: String::new(),
            bits_unit: STREAM_END.into(),
            sub_enabled: Some("on".into()),
            sub_amount: "1".into(),
            sub_unit: "days".into(),
            ..form()
        };
        let rules = until_end.apply(&Settings::default()).unwrap().grant_rules;
        assert_eq!(rules.bits.unwrap().duration, GrantLength::StreamEnd);
        assert_eq!(rules.subscription.unwrap().secs(), Some(86_400));
        let blank = SettingsForm {
            bits_amount: String::new(),
            ..form()
        };
        assert!(blank
            .apply(&Settings::default())
            .unwrap_err()
            .to_string()
            .starts_with("VIP for bits:"));
    }

    #[test]
    fn a_form_becomes_settings() {
        let current = Settings {
            discord_webhook_url: Some("https://discord.com/api/webhooks/1/x".into()),
            ..Settings::default()
        };
        let s = form().apply(&current).unwrap();
        assert_eq!(s.default_duration.as_secs(), 7_200);
        assert_eq!(s.stacking, StackingRule::Reset);
        assert!(!s.auto_remove);
        assert_eq!(s.slots_full, SlotsFullPolicy::Waitlist);
        assert_eq!(s.waitlist_max_wait.as_secs(), 1_800);
        assert!(s.chat_enabled && s.moderators_can_manage && !s.public_page);
        assert!(s.moderators_read_log && !s.moderators_manage_rewards);
        assert_eq!(s.chat.granted, "{viewer} is VIP");
        assert_eq!(
            s.discord_webhook_url, current.discord_webhook_url,
            "blank keeps it"
        );
        assert_eq!(s.grant_rules.bits.unwrap().min_bits, 500);
        assert_eq!(
            s.grant_rules.gift, None,
            "a rule that is off ignores its fields"
        );
        assert_eq!(s.grant_rules.subscription, None);
        let cleared = SettingsForm {
            discord_webhook_clear: Some("on".into()),
            ..form()
        };
        assert_eq!(cleared.apply(&current).unwrap().discord_webhook_url, None);
        let set = SettingsForm {
            discord_webhook_url: " https://discord.com/api/webhooks/2/y ".into(),
            ..form()
        };
        let new = set.apply(&current).unwrap().discord_webhook_url;
        assert_eq!(new.as_deref(), Some("https://discord.com/api/webhooks/2/y"));
    }

    #[test]
    fn bad_fields_are_named() {
        let zero = SettingsForm {
            default_amount: "0".into(),
            ..form()
        };
        let err = zero.apply(&Settings::default()).unwrap_err().to_string();
        assert!(err.starts_with("default duration:"), "{err}");
        let rule = SettingsForm {
            stacking: "double".into(),
            ..form()
        };
        assert!(rule.apply(&Settings::default()).is_err());
    }

    #[test]
    fn optional_numbers_may_be_blank() {
        assert_eq!(parse_optional(" ", Field::MaxPerStream), Ok(None));
        assert_eq!(parse_optional("3", Field::MaxPerStream), Ok(Some(3)));
        // Outside a page render or server function: the REST API's English.
        assert_eq!(
            parse_optional("-1", Field::MaxPerStream),
            Err(AppError::Invalid(
                "max per stream: “-1” is not a whole number".into()
            ))
        );
    }

    #[test]
    fn durations_split_into_the_largest_exact_unit() {
        let d = |s| VipDuration::from_secs(s).unwrap();
        assert_eq!(split_duration(d(172_800)), (2, DurationUnit::Days));
        assert_eq!(split_duration(d(7_200)), (2, DurationUnit::Hours));
        assert_eq!(split_duration(d(5_400)), (90, DurationUnit::Minutes));
        assert_eq!(split_duration(d(61)), (2, DurationUnit::Minutes));
    }
}
