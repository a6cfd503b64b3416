//! Français.

use crate::model::{BadInput, DurationError, Field, WarningLeadsError};

fn field(f: Field) -> &'static str {
    match f {
        Field::DefaultDuration => "durée par défaut",
        Field::MaximumWait => "attente maximale",
        Field::SubscriptionVip => "VIP pour un abonnement",
        Field::GiftVip => "VIP pour des abonnements offerts",
        Field::GiftsNeeded => "abonnements offerts requis",
        Field::BitsVip => "VIP pour des bits",
        Field::BitsNeeded => "bits requis",
        Field::ViewerCooldown => "délai par spectateur",
        Field::RewardDuration => "durée du VIP",
        Field::Cost => "coût",
        Field::Cooldown => "délai de récupération",
        Field::MaxPerStream => "maximum par stream",
        Field::MaxPerViewerPerStream => "maximum par spectateur et par stream",
    }
}

fn leads(e: WarningLeadsError) -> &'static str {
    match e {
        WarningLeadsError::Zero => "un avertissement doit venir au moins 1 seconde avant",
        WarningLeadsError::TooLong => {
            "un avertissement peut venir au plus 86400 secondes (un jour) avant"
        }
        WarningLeadsError::TooMany => "5 avertissements au plus",
    }
}

pub(super) fn say(bad: &BadInput, duration: fn(&DurationError) -> String) -> String {
    match bad {
        BadInput::Duration { field: f, error } => format!("{} : {}", field(*f), duration(error)),
        BadInput::VipLength(error) => duration(error),
        BadInput::NotAWholeNumber { field: f, value } => {
            format!("{} : « {value} » n’est pas un nombre entier", field(*f))
        }
        BadInput::WarningNotANumber(v) => {
            format!("avertissements d’expiration : « {v} » n’est pas un nombre entier de secondes")
        }
        BadInput::WarningLeads(e) => format!("avertissements d’expiration : {}", leads(*e)),
        BadInput::Grace(v) => format!(
            "délai après la fin du stream : « {v} » n’est pas un nombre de secondes entre 1 et 31536000"
        ),
        BadInput::CooldownTooLong => "le délai de récupération peut être de 7 jours au plus".into(),
        BadInput::TitleLength => "le titre doit faire de 1 à 45 caractères".into(),
        BadInput::CostZero => "le coût doit être d’au moins 1 point".into(),
        BadInput::PromptTooLong => "la description peut faire 200 caractères au plus".into(),
        BadInput::LimitsZero => "les limites et délais doivent valoir au moins 1".into(),
        BadInput::ChatMessageLength { name, max } => {
            format!("le message de chat « {name} » doit faire de 1 à {max} caractères")
        }
        BadInput::DiscordWebhook => {
            "le webhook Discord doit avoir la forme https://discord.com/api/webhooks/<id>/<token>"
                .into()
        }
        BadInput::TimeZone(name) => format!(
            "fuseau horaire : « {name} » n’est pas un fuseau IANA comme Europe/Paris ou America/Montreal"
        ),
    }
}
