//! Español.

use crate::model::{BadInput, DurationError, Field, WarningLeadsError};

fn field(f: Field) -> &'static str {
    match f {
        Field::DefaultDuration => "duración predeterminada",
        Field::MaximumWait => "espera máxima",
        Field::SubscriptionVip => "VIP por una suscripción",
        Field::GiftVip => "VIP por suscripciones regaladas",
        Field::GiftsNeeded => "suscripciones regaladas necesarias",
        Field::BitsVip => "VIP por bits",
        Field::BitsNeeded => "bits necesarios",
        Field::ViewerCooldown => "enfriamiento por espectador",
        Field::RewardDuration => "duración del VIP",
        Field::Cost => "coste",
        Field::Cooldown => "enfriamiento",
        Field::MaxPerStream => "máximo por directo",
        Field::MaxPerViewerPerStream => "máximo por espectador y directo",
    }
}

fn leads(e: WarningLeadsError) -> &'static str {
    match e {
        WarningLeadsError::Zero => "un aviso debe llegar al menos 1 segundo antes",
        WarningLeadsError::TooLong => {
            "un aviso puede llegar como mucho 86400 segundos (un día) antes"
        }
        WarningLeadsError::TooMany => "como mucho 5 avisos",
    }
}

pub(super) fn say(bad: &BadInput, duration: fn(&DurationError) -> String) -> String {
    match bad {
        BadInput::Duration { field: f, error } => format!("{}: {}", field(*f), duration(error)),
        BadInput::VipLength(error) => duration(error),
        BadInput::NotAWholeNumber { field: f, value } => {
            format!("{}: «{value}» no es un número entero", field(*f))
        }
        BadInput::WarningNotANumber(v) => {
            format!("avisos de expiración: «{v}» no es un número entero de segundos")
        }
        BadInput::WarningLeads(e) => format!("avisos de expiración: {}", leads(*e)),
        BadInput::Grace(v) => format!(
            "margen tras el fin del directo: «{v}» no es un número de segundos entre 1 y 31536000"
        ),
        BadInput::CooldownTooLong => "el enfriamiento puede ser como mucho de 7 días".into(),
        BadInput::TitleLength => "el título debe tener de 1 a 45 caracteres".into(),
        BadInput::CostZero => "el coste debe ser de al menos 1 punto".into(),
        BadInput::PromptTooLong => "la descripción puede tener como mucho 200 caracteres".into(),
        BadInput::LimitsZero => "los límites y enfriamientos deben ser al menos 1".into(),
        BadInput::ChatMessageLength { name, max } => {
            format!("el mensaje de chat «{name}» debe tener de 1 a {max} caracteres")
        }
        BadInput::DiscordWebhook => {
            "el webhook de Discord debe tener la forma https://discord.com/api/webhooks/<id>/<token>"
                .into()
        }
        BadInput::TimeZone(name) => format!(
            "zona horaria: «{name}» no es una zona horaria IANA como Europe/Madrid o America/Mexico_City"
        ),
    }
}
