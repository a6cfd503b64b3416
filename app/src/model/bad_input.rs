//! A form input the app refuses, kept as the field and the reason rather than as a sentence, so
//! that the server can say it in the language of the page that sent it (`i18n::input_errors`);
//! its `Display` is the English the REST API answers with. It becomes an
//! [`AppError::Invalid`](crate::error::AppError::Invalid) with its words ([`BadInput::words`]):
//! only the sentence crosses the wire, so none of this reaches the browser's bundle.

use super::{DurationError, WarningLeadsError};

/// A form field a refusal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    DefaultDuration,
    MaximumWait,
    SubscriptionVip,
    GiftVip,
    GiftsNeeded,
    BitsVip,
    BitsNeeded,
    ViewerCooldown,
    RewardDuration,
    Cost,
    Cooldown,
    MaxPerStream,
    MaxPerViewerPerStream,
}

impl Field {
    pub const ALL: [Field; 13] = [
        Self::DefaultDuration,
        Self::MaximumWait,
        Self::SubscriptionVip,
        Self::GiftVip,
        Self::GiftsNeeded,
        Self::BitsVip,
        Self::BitsNeeded,
        Self::ViewerCooldown,
        Self::RewardDuration,
        Self::Cost,
        Self::Cooldown,
        Self::MaxPerStream,
        Self::MaxPerViewerPerStream,
    ];

    /// The field's English name, as the REST API's messages give it.
    pub fn english(self) -> &'static str {
        match self {
            Self::DefaultDuration => "default duration",
            Self::MaximumWait => "maximum wait",
            Self::SubscriptionVip => "VIP for a subscription",
            Self::GiftVip => "VIP for gifted subs",
            Self::GiftsNeeded => "gifted subs needed",
            Self::BitsVip => "VIP for bits",
            Self::BitsNeeded => "bits needed",
            Self::ViewerCooldown => "viewer cooldown",
            Self::RewardDuration => "VIP duration",
            Self::Cost => "cost",
            Self::Cooldown => "cooldown",
            Self::MaxPerStream => "max per stream",
            Self::MaxPerViewerPerStream => "max per viewer per stream",
        }
    }
}

/// Why a form's input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadInput {
    #[error("{}: {error}", field.english())]
    Duration { field: Field, error: DurationError },
    /// The length typed into a VIP form of the dashboard (grant, extend, give a deadline): the
    /// form's one duration, so no field is named.
    #[error("{0}")]
    VipLength(DurationError),
    #[error("{}: “{value}” is not a whole number", field.english())]
    NotAWholeNumber { field: Field, value: String },
    #[error("expiry warnings: “{0}” is not a whole number of seconds")]
    WarningNotANumber(String),
    #[error("expiry warnings: {0}")]
    WarningLeads(WarningLeadsError),
    #[error("grace after the stream ends: “{0}” is not a number of seconds from 1 to 31536000")]
    Grace(String),
    #[error("the cooldown can be at most 7 days")]
    CooldownTooLong,
    #[error("the title must be 1 to 45 characters")]
    TitleLength,
    #[error("the cost must be at least 1 point")]
    CostZero,
    #[error("the prompt can be at most 200 characters")]
    PromptTooLong,
    #[error("limits and cooldowns must be at least 1")]
    LimitsZero,
    /// `name` is the template's key (`granted`, `warning`, …).
    #[error("the “{name}” chat message must be 1 to {max} characters")]
    ChatMessageLength { name: String, max: usize },
    #[error("the Discord webhook must look like https://discord.com/api/webhooks/<id>/<token>")]
    DiscordWebhook,
    #[error(
        "`time_zone`: “{0}” is not an IANA time zone such as Europe/Berlin or America/New_York"
    )]
    TimeZone(String),
}

impl BadInput {
    /// What the person who sent the form reads: in the language of the page being rendered or
    /// the server function being run, and in English outside one (the REST API, the browser).
    pub fn words(&self) -> String {
        #[cfg(feature = "ssr")]
        if leptos::prelude::Owner::current().is_some() {
            return crate::i18n::input_errors::say(crate::i18n::Lang::served(), self);
        }
        self.to_string()
    }

    /// One of each kind, for tests that every language says each.
    #[cfg(test)]
    pub fn examples() -> Vec<BadInput> {
        let mut all: Vec<BadInput> = Field::ALL
            .into_iter()
            .flat_map(|field| {
                [
                    Self::Duration {
                        field,
                        error: DurationError::TooLong,
                    },
                    Self::NotAWholeNumber {
                        field,
                        value: "x".into(),
                    },
                ]
            })
            .collect();
        all.extend([
            Self::VipLength(DurationError::UnknownUnit("weeks".into())),
            Self::WarningNotANumber("x".into()),
            Self::WarningLeads(WarningLeadsError::TooMany),
            Self::Grace("x".into()),
            Self::CooldownTooLong,
            Self::TitleLength,
            Self::CostZero,
            Self::PromptTooLong,
            Self::LimitsZero,
            Self::ChatMessageLength {
                name: "granted".into(),
                max: 500,
            },
            Self::DiscordWebhook,
            Self::TimeZone("Mars/Olympus".into()),
        ]);
        all
    }
}
