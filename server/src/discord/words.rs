//! The words of Discord notices in each language of the app: the channel's language
//! (`Settings::language`) picks them. Every language fills every field, so a missing one is a
//! compile error. Names arrive escaped, times as Discord's relative timestamps (`<t:…:R>`).

use app::i18n::Lang;
use app::model::VipSource;

/// Every sentence of a notice in one language. `viewer` and `channel` are escaped already.
pub struct Words {
    /// (viewer, channel, duration, source, ends)
    pub granted: fn(&str, &str, &str, &str, &str) -> String,
    /// (viewer, channel, duration, source, ends)
    pub extended: fn(&str, &str, &str, &str, &str) -> String,
    /// (viewer, channel, reason)
    pub refunded: fn(&str, &str, &str) -> String,
    /// (viewer, channel, unix time)
    pub ends_soon: fn(&str, &str, i64) -> String,
    /// (viewer, channel): the VIP was removed.
    pub removed: fn(&str, &str) -> String,
    /// (viewer, channel): auto-remove is off, the VIP stays.
    pub kept: fn(&str, &str) -> String,
    /// After a grant or extension with a deadline (unix time).
    pub ends: fn(i64) -> String,
    /// The duration of a VIP that lasts until the stream ends.
    pub stream_end: &'static str,
    pub source: fn(VipSource) -> &'static str,
}

/// The notices' words in `lang` (`None`: English).
pub fn words(lang: Option<Lang>) -> &'static Words {
    match lang.unwrap_or_default() {
        Lang::En => &EN,
        Lang::De => &DE,
        Lang::Es => &ES,
        Lang::Fr => &FR,
        Lang::PtBr => &PTBR,
        Lang::Ja => &JA,
    }
}

const EN: Words = Words {
    granted: |viewer, channel, duration, source, ends| {
        format!("{viewer} is now VIP in {channel} for {duration} ({source}){ends}.")
    },
    extended: |viewer, channel, duration, source, ends| {
        format!("{viewer}'s VIP in {channel} was extended by {duration} ({source}){ends}.")
    },
    refunded: |viewer, channel, reason| {
        format!("{viewer}'s VIP redemption in {channel} was refunded: {reason}.")
    },
    ends_soon: |viewer, channel, at| format!("{viewer}'s VIP in {channel} ends <t:{at}:R>."),
    removed: |viewer, channel| format!("{viewer}'s VIP time in {channel} is up; VIP removed."),
    kept: |viewer, channel| {
        format!("{viewer}'s VIP time in {channel} is up (auto-remove is off, so they stay VIP).")
    },
    ends: |at| format!("; ends <t:{at}:R>"),
    stream_end: "the rest of the stream",
    source: |source| match source {
        VipSource::ChannelPoints => "channel points",
        VipSource::Manual => "granted by hand",
        VipSource::Subscription => "subscription",
        VipSource::Bits => "bits",
        VipSource::External => "added on Twitch",
    },
};

const DE: Words = Words {
    granted: |viewer, channel, duration, source, ends| {
        format!("{viewer} ist jetzt VIP in {channel} für {duration} ({source}){ends}.")
    },
    extended: |viewer, channel, duration, source, ends| {
        format!("Der VIP-Status von {viewer} in {channel} wurde um {duration} verlängert ({source}){ends}.")
    },
    refunded: |viewer, channel, reason| {
        format!("Die VIP-Einlösung von {viewer} in {channel} wurde erstattet: {reason}.")
    },
    ends_soon: |viewer, channel, at| {
        format!("Der VIP-Status von {viewer} in {channel} endet <t:{at}:R>.")
    },
    removed: |viewer, channel| {
        format!("Die VIP-Zeit von {viewer} in {channel} ist abgelaufen; VIP entfernt.")
    },
    kept: |viewer, channel| {
        format!("Die VIP-Zeit von {viewer} in {channel} ist abgelaufen (automatisches Entfernen ist aus, VIP bleibt).")
    },
    ends: |at| format!("; endet <t:{at}:R>"),
    stream_end: "den Rest des Streams",
    source: |source| match source {
        VipSource::ChannelPoints => "Kanalpunkte",
        VipSource::Manual => "von Hand vergeben",
        VipSource::Subscription => "Abo",
        VipSource::Bits => "Bits",
        VipSource::External => "auf Twitch hinzugefügt",
    },
};

const ES: Words = Words {
    granted: |viewer, channel, duration, source, ends| {
        format!("{viewer} ahora es VIP en {channel} durante {duration} ({source}){ends}.")
    },
    extended: |viewer, channel, duration, source, ends| {
        format!("El VIP de {viewer} en {channel} se amplió {duration} ({source}){ends}.")
    },
    refunded: |viewer, channel, reason| {
        format!("El canje de VIP de {viewer} en {channel} fue reembolsado: {reason}.")
    },
    ends_soon: |viewer, channel, at| format!("El VIP de {viewer} en {channel} termina <t:{at}:R>."),
    removed: |viewer, channel| {
        format!("Se acabó el tiempo de VIP de {viewer} en {channel}; VIP retirado.")
    },
    kept: |viewer, channel| {
        format!("Se acabó el tiempo de VIP de {viewer} en {channel} (la retirada automática está desactivada, sigue siendo VIP).")
    },
    ends: |at| format!("; termina <t:{at}:R>"),
    stream_end: "el resto del directo",
    source: |source| match source {
        VipSource::ChannelPoints => "puntos del canal",
        VipSource::Manual => "otorgado a mano",
        VipSource::Subscription => "suscripción",
        VipSource::Bits => "bits",
        VipSource::External => "añadido en Twitch",
    },
};

const FR: Words = Words {
    granted: |viewer, channel, duration, source, ends| {
        format!("{viewer} est maintenant VIP sur {channel} pour {duration} ({source}){ends}.")
    },
    extended: |viewer, channel, duration, source, ends| {
        format!("Le VIP de {viewer} sur {channel} a été prolongé de {duration} ({source}){ends}.")
    },
    refunded: |viewer, channel, reason| {
        format!("L’échange VIP de {viewer} sur {channel} a été remboursé : {reason}.")
    },
    ends_soon: |viewer, channel, at| {
        format!("Le VIP de {viewer} sur {channel} se termine <t:{at}:R>.")
    },
    removed: |viewer, channel| {
        format!("Le temps VIP de {viewer} sur {channel} est écoulé ; VIP retiré.")
    },
    kept: |viewer, channel| {
        format!("Le temps VIP de {viewer} sur {channel} est écoulé (retrait automatique désactivé, il reste VIP).")
    },
    ends: |at| format!(" ; se termine <t:{at}:R>"),
    stream_end: "le reste du live",
    source: |source| match source {
        VipSource::ChannelPoints => "points de chaîne",
        VipSource::Manual => "accordé à la main",
        VipSource::Subscription => "abonnement",
        VipSource::Bits => "bits",
        VipSource::External => "ajouté sur Twitch",
    },
};

const PTBR: Words = Words {
    granted: |viewer, channel, duration, source, ends| {
        format!("{viewer} agora é VIP em {channel} por {duration} ({source}){ends}.")
    },
    extended: |viewer, channel, duration, source, ends| {
        format!("O VIP de {viewer} em {channel} foi estendido em {duration} ({source}){ends}.")
    },
    refunded: |viewer, channel, reason| {
        format!("O resgate de VIP de {viewer} em {channel} foi reembolsado: {reason}.")
    },
    ends_soon: |viewer, channel, at| format!("O VIP de {viewer} em {channel} termina <t:{at}:R>."),
    removed: |viewer, channel| {
        format!("O tempo de VIP de {viewer} em {channel} acabou; VIP removido.")
    },
    kept: |viewer, channel| {
        format!("O tempo de VIP de {viewer} em {channel} acabou (a remoção automática está desligada, continua VIP).")
    },
    ends: |at| format!("; termina <t:{at}:R>"),
    stream_end: "o resto da live",
    source: |source| match source {
        VipSource::ChannelPoints => "pontos do canal",
        VipSource::Manual => "dado manualmente",
        VipSource::Subscription => "inscrição",
        VipSource::Bits => "bits",
        VipSource::External => "adicionado na Twitch",
    },
};

const JA: Words = Words {
    granted: |viewer, channel, duration, source, ends| {
        format!("{viewer} が {channel} で {duration} の VIP になりました（{source}）{ends}。")
    },
    extended: |viewer, channel, duration, source, ends| {
        format!("{channel} での {viewer} の VIP が {duration} 延長されました（{source}）{ends}。")
    },
    refunded: |viewer, channel, reason| {
        format!("{channel} での {viewer} の VIP 引き換えは返金されました：{reason}。")
    },
    ends_soon: |viewer, channel, at| {
        format!("{channel} での {viewer} の VIP は <t:{at}:R> に終わります。")
    },
    removed: |viewer, channel| {
        format!("{channel} での {viewer} の VIP 期間が終了し、VIP を外しました。")
    },
    kept: |viewer, channel| {
        format!("{channel} での {viewer} の VIP 期間が終了しました（自動削除はオフのため VIP のままです）。")
    },
    ends: |at| format!("、<t:{at}:R> に終了"),
    stream_end: "配信の終わりまで",
    source: |source| match source {
        VipSource::ChannelPoints => "チャンネルポイント",
        VipSource::Manual => "手動で付与",
        VipSource::Subscription => "サブスク",
        VipSource::Bits => "ビッツ",
        VipSource::External => "Twitch で追加",
    },
};
