//! Português (Brasil).

use crate::model::{BadInput, DurationError, Field, WarningLeadsError};

fn field(f: Field) -> &'static str {
    match f {
        Field::DefaultDuration => "duração padrão",
        Field::MaximumWait => "espera máxima",
        Field::SubscriptionVip => "VIP por uma inscrição",
        Field::GiftVip => "VIP por inscrições presenteadas",
        Field::GiftsNeeded => "inscrições presenteadas necessárias",
        Field::BitsVip => "VIP por bits",
        Field::BitsNeeded => "bits necessários",
        Field::ViewerCooldown => "intervalo por espectador",
        Field::RewardDuration => "duração do VIP",
        Field::Cost => "custo",
        Field::Cooldown => "intervalo de espera",
        Field::MaxPerStream => "máximo por live",
        Field::MaxPerViewerPerStream => "máximo por espectador por live",
    }
}

fn leads(e: WarningLeadsError) -> &'static str {
    match e {
        WarningLeadsError::Zero => "um aviso deve vir pelo menos 1 segundo antes",
        WarningLeadsError::TooLong => "um aviso pode vir no máximo 86400 segundos (um dia) antes",
        WarningLeadsError::TooMany => "no máximo 5 avisos",
    }
}

pub(super) fn say(bad: &BadInput, duration: fn(&DurationError) -> String) -> String {
    match bad {
        BadInput::Duration { field: f, error } => format!("{}: {}", field(*f), duration(error)),
        BadInput::VipLength(error) => duration(error),
        BadInput::NotAWholeNumber { field: f, value } => {
            format!("{}: “{value}” não é um número inteiro", field(*f))
        }
        BadInput::WarningNotANumber(v) => {
            format!("avisos de expiração: “{v}” não é um número inteiro de segundos")
        }
        BadInput::WarningLeads(e) => format!("avisos de expiração: {}", leads(*e)),
        BadInput::Grace(v) => format!(
            "tolerância após o fim da live: “{v}” não é um número de segundos entre 1 e 31536000"
        ),
        BadInput::CooldownTooLong => "o intervalo de espera pode ser de no máximo 7 dias".into(),
        BadInput::TitleLength => "o título deve ter de 1 a 45 caracteres".into(),
        BadInput::CostZero => "o custo deve ser de pelo menos 1 ponto".into(),
        BadInput::PromptTooLong => "a descrição pode ter no máximo 200 caracteres".into(),
        BadInput::LimitsZero => "limites e intervalos devem ser pelo menos 1".into(),
        BadInput::ChatMessageLength { name, max } => {
            format!("a mensagem de chat “{name}” deve ter de 1 a {max} caracteres")
        }
        BadInput::DiscordWebhook => {
            "o webhook do Discord deve ter a forma https://discord.com/api/webhooks/<id>/<token>"
                .into()
        }
        BadInput::TimeZone(name) => format!(
            "fuso horário: “{name}” não é um fuso horário IANA como America/Sao_Paulo ou Europe/Lisbon"
        ),
    }
}
