//! Deutsch.

use crate::model::{BadInput, DurationError, Field, WarningLeadsError};

fn field(f: Field) -> &'static str {
    match f {
        Field::DefaultDuration => "Standarddauer",
        Field::MaximumWait => "maximale Wartezeit",
        Field::SubscriptionVip => "VIP für ein Abo",
        Field::GiftVip => "VIP für verschenkte Abos",
        Field::GiftsNeeded => "nötige verschenkte Abos",
        Field::BitsVip => "VIP für Bits",
        Field::BitsNeeded => "nötige Bits",
        Field::ViewerCooldown => "Abklingzeit pro Zuschauer",
        Field::RewardDuration => "VIP-Dauer",
        Field::Cost => "Kosten",
        Field::Cooldown => "Abklingzeit",
        Field::MaxPerStream => "höchstens pro Stream",
        Field::MaxPerViewerPerStream => "höchstens pro Zuschauer und Stream",
    }
}

fn leads(e: WarningLeadsError) -> &'static str {
    match e {
        WarningLeadsError::Zero => "eine Vorlaufzeit muss mindestens 1 Sekunde betragen",
        WarningLeadsError::TooLong => {
            "eine Vorlaufzeit darf höchstens 86400 Sekunden (ein Tag) betragen"
        }
        WarningLeadsError::TooMany => "höchstens 5 Vorlaufzeiten",
    }
}

pub(super) fn say(bad: &BadInput, duration: fn(&DurationError) -> String) -> String {
    match bad {
        BadInput::Duration { field: f, error } => format!("{}: {}", field(*f), duration(error)),
        BadInput::VipLength(error) => duration(error),
        BadInput::NotAWholeNumber { field: f, value } => {
            format!("{}: „{value}“ ist keine ganze Zahl", field(*f))
        }
        BadInput::WarningNotANumber(v) => {
            format!("Ablaufwarnungen: „{v}“ ist keine ganze Zahl von Sekunden")
        }
        BadInput::WarningLeads(e) => format!("Ablaufwarnungen: {}", leads(*e)),
        BadInput::Grace(v) => format!(
            "Nachlaufzeit nach Streamende: „{v}“ ist keine Zahl von Sekunden zwischen 1 und 31536000"
        ),
        BadInput::CooldownTooLong => "die Abklingzeit darf höchstens 7 Tage betragen".into(),
        BadInput::TitleLength => "der Titel muss 1 bis 45 Zeichen lang sein".into(),
        BadInput::CostZero => "die Kosten müssen mindestens 1 Punkt betragen".into(),
        BadInput::PromptTooLong => "der Hinweistext darf höchstens 200 Zeichen lang sein".into(),
        BadInput::LimitsZero => "Limits und Abklingzeiten müssen mindestens 1 sein".into(),
        BadInput::ChatMessageLength { name, max } => {
            format!("die Chatnachricht „{name}“ muss 1 bis {max} Zeichen lang sein")
        }
        BadInput::DiscordWebhook => {
            "der Discord-Webhook muss so aussehen: https://discord.com/api/webhooks/<id>/<token>"
                .into()
        }
        BadInput::TimeZone(name) => format!(
            "Zeitzone: „{name}“ ist keine IANA-Zeitzone wie Europe/Berlin oder America/New_York"
        ),
    }
}
