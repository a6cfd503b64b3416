//! Why a redemption was refunded, in the channel's language, for what the app writes in the
//! channel's name (the `{reason}` of the refund's chat message). English is the reason's own
//! sentence ([`RefundReason::describe`]); every other language names every reason, so a missing
//! one is a compile error. Server-side only: the browser never needs these.

use crate::i18n::Lang;
use crate::model::RefundReason;

/// `reason` as the channel's language (`None`: English) says it.
pub fn refund_reason_in(reason: RefundReason, lang: Option<Lang>) -> &'static str {
    match lang.unwrap_or_default() {
        Lang::En => reason.describe(),
        Lang::De => de(reason),
        Lang::Es => es(reason),
        Lang::Fr => fr(reason),
        Lang::PtBr => ptbr(reason),
        Lang::Ja => ja(reason),
    }
}

fn de(reason: RefundReason) -> &'static str {
    match reason {
        RefundReason::IsModerator => "Moderatoren können keine VIPs sein",
        RefundReason::AlreadyVip => "du bist bereits dauerhaft VIP",
        RefundReason::SlotsFull => "alle VIP-Plätze sind belegt",
        RefundReason::WaitlistTimedOut => "es wurde nicht rechtzeitig ein VIP-Platz frei",
        RefundReason::BuildACommunityRequired => {
            "der Kanal muss erst „Community aufbauen“ abschließen, bevor er VIPs hinzufügen kann"
        }
        RefundReason::UserBlocked => "der Kanal hat diesen Zuschauer blockiert",
        RefundReason::UserNotFound => "das Konto des Zuschauers wurde nicht gefunden",
        RefundReason::RewardDisabled => "diese Belohnung ist deaktiviert",
        RefundReason::TwitchRefused => "Twitch hat das Hinzufügen des VIPs abgelehnt",
        RefundReason::TwitchUnavailable => "Twitch war zu lange nicht erreichbar",
        RefundReason::BroadcasterSelf => "der Streamer kann nicht VIP im eigenen Kanal sein",
        RefundReason::RewardDeleted => "die Belohnung wurde gelöscht",
        RefundReason::Excluded => "der Streamer vergibt an diesen Zuschauer kein VIP",
    }
}

fn es(reason: RefundReason) -> &'static str {
    match reason {
        RefundReason::IsModerator => "los moderadores no pueden ser VIP",
        RefundReason::AlreadyVip => "ya eres VIP permanente",
        RefundReason::SlotsFull => "todas las plazas VIP están ocupadas",
        RefundReason::WaitlistTimedOut => "no se liberó ninguna plaza VIP a tiempo",
        RefundReason::BuildACommunityRequired => {
            "el canal debe completar «Construir una comunidad» antes de añadir VIP"
        }
        RefundReason::UserBlocked => "el canal ha bloqueado a este espectador",
        RefundReason::UserNotFound => "no se encontró la cuenta del espectador",
        RefundReason::RewardDisabled => "esta recompensa está desactivada",
        RefundReason::TwitchRefused => "Twitch rechazó añadir el VIP",
        RefundReason::TwitchUnavailable => {
            "no se pudo contactar con Twitch durante demasiado tiempo"
        }
        RefundReason::BroadcasterSelf => "el streamer no puede ser VIP de su propio canal",
        RefundReason::RewardDeleted => "la recompensa fue eliminada",
        RefundReason::Excluded => "el streamer no ofrece VIP a este espectador",
    }
}

fn fr(reason: RefundReason) -> &'static str {
    match reason {
        RefundReason::IsModerator => "les modérateurs ne peuvent pas être VIP",
        RefundReason::AlreadyVip => "tu es déjà VIP permanent",
        RefundReason::SlotsFull => "toutes les places VIP sont prises",
        RefundReason::WaitlistTimedOut => "aucune place VIP ne s’est libérée à temps",
        RefundReason::BuildACommunityRequired => {
            "la chaîne doit terminer « Construire une communauté » avant d’ajouter des VIP"
        }
        RefundReason::UserBlocked => "la chaîne a bloqué ce spectateur",
        RefundReason::UserNotFound => "le compte du spectateur est introuvable",
        RefundReason::RewardDisabled => "cette récompense est désactivée",
        RefundReason::TwitchRefused => "Twitch a refusé d’ajouter le VIP",
        RefundReason::TwitchUnavailable => "Twitch est resté injoignable trop longtemps",
        RefundReason::BroadcasterSelf => "le streamer ne peut pas être VIP de sa propre chaîne",
        RefundReason::RewardDeleted => "la récompense a été supprimée",
        RefundReason::Excluded => "le streamer ne propose pas le VIP à ce spectateur",
    }
}

fn ptbr(reason: RefundReason) -> &'static str {
    match reason {
        RefundReason::IsModerator => "moderadores não podem ser VIP",
        RefundReason::AlreadyVip => "você já é VIP permanente",
        RefundReason::SlotsFull => "todas as vagas de VIP estão ocupadas",
        RefundReason::WaitlistTimedOut => "nenhuma vaga de VIP foi liberada a tempo",
        RefundReason::BuildACommunityRequired => {
            "o canal precisa concluir “Construir uma comunidade” antes de adicionar VIPs"
        }
        RefundReason::UserBlocked => "o canal bloqueou este espectador",
        RefundReason::UserNotFound => "a conta do espectador não foi encontrada",
        RefundReason::RewardDisabled => "esta recompensa está desativada",
        RefundReason::TwitchRefused => "a Twitch recusou adicionar o VIP",
        RefundReason::TwitchUnavailable => "não foi possível falar com a Twitch por tempo demais",
        RefundReason::BroadcasterSelf => "o streamer não pode ser VIP do próprio canal",
        RefundReason::RewardDeleted => "a recompensa foi excluída",
        RefundReason::Excluded => "o streamer não oferece VIP a este espectador",
    }
}

fn ja(reason: RefundReason) -> &'static str {
    match reason {
        RefundReason::IsModerator => "モデレーターは VIP になれません",
        RefundReason::AlreadyVip => "すでに永続 VIP です",
        RefundReason::SlotsFull => "VIP 枠がすべて埋まっています",
        RefundReason::WaitlistTimedOut => "時間内に VIP 枠が空きませんでした",
        RefundReason::BuildACommunityRequired => {
            "VIP を追加するには、チャンネルが「コミュニティを作ろう」を達成する必要があります"
        }
        RefundReason::UserBlocked => "チャンネルがこの視聴者をブロックしています",
        RefundReason::UserNotFound => "視聴者のアカウントが見つかりませんでした",
        RefundReason::RewardDisabled => "この報酬は無効です",
        RefundReason::TwitchRefused => "Twitch が VIP の追加を拒否しました",
        RefundReason::TwitchUnavailable => "長時間 Twitch に接続できませんでした",
        RefundReason::BroadcasterSelf => "配信者は自分のチャンネルの VIP になれません",
        RefundReason::RewardDeleted => "報酬が削除されました",
        RefundReason::Excluded => "配信者はこの視聴者に VIP を提供していません",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_written_in_the_channels_language_and_english_without_one() {
        let full = RefundReason::SlotsFull;
        assert_eq!(refund_reason_in(full, None), full.describe());
        assert_eq!(refund_reason_in(full, Some(Lang::En)), full.describe());
        assert_eq!(
            refund_reason_in(full, Some(Lang::De)),
            "alle VIP-Plätze sind belegt"
        );
        assert_eq!(
            refund_reason_in(full, Some(Lang::Ja)),
            "VIP 枠がすべて埋まっています"
        );
    }
}
