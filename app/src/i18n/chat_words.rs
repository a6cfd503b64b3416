//! Every word the bot answers chat commands with, in each language of the app: the channel's
//! language (`Settings::language`) picks them. Every language fills every field, so a missing one
//! is a compile error. Server-side only.

use super::Lang;

/// The bot's answers in one language.
pub struct ChatWords {
    /// “your VIP ends in {left}”
    pub ends_in: fn(&str) -> String,
    /// “you are a VIP with no end date (not a timed VIP)”
    pub no_end_date: &'static str,
    /// “you are not a timed VIP”
    pub not_timed_self: &'static str,
    /// “no VIPs right now”
    pub none_now: &'static str,
    /// “{name} (no end)”
    pub no_end_item: fn(&str) -> String,
    /// “VIPs ({n}): ”
    pub list_head: fn(usize) -> String,
    /// “a moment”
    pub moment: &'static str,
    /// “{name} is a moderator; moderators cannot be VIPs”
    pub refused_moderator: fn(&str) -> String,
    /// “{name} is a permanent VIP; the app does not change VIPs it did not grant”
    pub refused_permanent: fn(&str) -> String,
    /// “all VIP slots are taken; {name} was not added”
    pub refused_full: fn(&str) -> String,
    /// “{name} was not added: {reason}”
    pub refused_other: fn(&str, &str) -> String,
    /// “setexpire takes a time such as 1d; to make a VIP last until the stream ends, remove it and add it with stream_end”
    pub setexpire_stream_end: &'static str,
    /// “that VIP is changing right now; try again”
    pub contended: &'static str,
    /// “there is no Twitch user “{login}””
    pub no_user: fn(&str) -> String,
    /// “{name} is VIP for {left}”
    pub vip_for: fn(&str, &str) -> String,
    /// “{name} is VIP until the stream ends”
    pub vip_until_stream_end: fn(&str) -> String,
    /// “{name} is VIP”
    pub vip: fn(&str) -> String,
    /// “all VIP slots are taken; {name} is on the waitlist”
    pub waitlisted: fn(&str) -> String,
    /// “the streamer must log in to the VIP manager again”
    pub reauth: &'static str,
    /// “Twitch did not answer; try again”
    pub no_answer: &'static str,
    /// “{name} is no longer VIP”
    pub removed: fn(&str) -> String,
    /// “{name} is not a timed VIP”
    pub not_timed: fn(&str) -> String,
    /// “{name}'s VIP now ends in {left}”
    pub now_ends_in: fn(&str, &str) -> String,
    /// “{name}'s VIP lasts until the stream ends; there is no time to change”
    pub stream_end_no_time: fn(&str) -> String,
    /// “{name} is a permanent VIP; the app only changes VIPs it granted”
    pub not_managed: fn(&str) -> String,
    /// “only the broadcaster and the moderators it allows can manage VIPs”
    pub not_allowed: &'static str,
    /// “usage: {command} add|remove|extend|setexpire @user 2h, or {command} list”
    pub usage: fn(&str) -> String,
    /// “unknown sub-command “{sub}”; {usage}”
    pub unknown_sub: fn(&str, &str) -> String,
    /// “name a user; {usage}”
    pub missing_user: fn(&str) -> String,
    /// ““{login}” is not a Twitch login”
    pub bad_user: fn(&str) -> String,
    /// “give a duration such as 30m, 2h or 1d”
    pub missing_duration: &'static str,
    /// “stream_end cannot extend a VIP; give a duration such as 30m”
    pub stream_end_not_here: &'static str,
    /// “too many words; {usage}”
    pub too_many: fn(&str) -> String,
}

/// The bot's answers in `lang` (`None`: English).
pub fn chat_words(lang: Option<Lang>) -> &'static ChatWords {
    match lang.unwrap_or_default() {
        Lang::En => &EN,
        Lang::De => &DE,
        Lang::Es => &ES,
        Lang::Fr => &FR,
        Lang::PtBr => &PTBR,
        Lang::Ja => &JA,
    }
}

const EN: ChatWords = ChatWords {
    ends_in: |left| format!("your VIP ends in {left}"),
    no_end_date: "you are a VIP with no end date (not a timed VIP)",
    not_timed_self: "you are not a timed VIP",
    none_now: "no VIPs right now",
    no_end_item: |name| format!("{name} (no end)"),
    list_head: |n| format!("VIPs ({n}): "),
    moment: "a moment",
    refused_moderator: |name| format!("{name} is a moderator; moderators cannot be VIPs"),
    refused_permanent: |name| format!("{name} is a permanent VIP; the app does not change VIPs it did not grant"),
    refused_full: |name| format!("all VIP slots are taken; {name} was not added"),
    refused_other: |name, reason| format!("{name} was not added: {reason}"),
    setexpire_stream_end: "setexpire takes a time such as 1d; to make a VIP last until the stream ends, remove it and add it with stream_end",
    contended: "that VIP is changing right now; try again",
    no_user: |login| format!("there is no Twitch user “{login}”"),
    vip_for: |name, left| format!("{name} is VIP for {left}"),
    vip_until_stream_end: |name| format!("{name} is VIP until the stream ends"),
    vip: |name| format!("{name} is VIP"),
    waitlisted: |name| format!("all VIP slots are taken; {name} is on the waitlist"),
    reauth: "the streamer must log in to the VIP manager again",
    no_answer: "Twitch did not answer; try again",
    removed: |name| format!("{name} is no longer VIP"),
    not_timed: |name| format!("{name} is not a timed VIP"),
    now_ends_in: |name, left| format!("{name}'s VIP now ends in {left}"),
    stream_end_no_time: |name| format!("{name}'s VIP lasts until the stream ends; there is no time to change"),
    not_managed: |name| format!("{name} is a permanent VIP; the app only changes VIPs it granted"),
    not_allowed: "only the broadcaster and the moderators it allows can manage VIPs",
    usage: |command| format!("usage: {command} add|remove|extend|setexpire @user 2h, or {command} list"),
    unknown_sub: |sub, usage| format!("unknown sub-command “{sub}”; {usage}"),
    missing_user: |usage| format!("name a user; {usage}"),
    bad_user: |login| format!("“{login}” is not a Twitch login"),
    missing_duration: "give a duration such as 30m, 2h or 1d",
    stream_end_not_here: "stream_end cannot extend a VIP; give a duration such as 30m",
    too_many: |usage| format!("too many words; {usage}"),
};

const DE: ChatWords = ChatWords {
    ends_in: |left| format!("dein VIP endet in {left}"),
    no_end_date: "du bist VIP ohne Enddatum (kein VIP auf Zeit)",
    not_timed_self: "du bist kein VIP auf Zeit",
    none_now: "gerade keine VIPs",
    no_end_item: |name| format!("{name} (ohne Ende)"),
    list_head: |n| format!("VIPs ({n}): "),
    moment: "einem Moment",
    refused_moderator: |name| format!("{name} ist Moderator; Moderatoren können keine VIPs sein"),
    refused_permanent: |name| format!("{name} ist dauerhaft VIP; die App ändert keine VIPs, die sie nicht vergeben hat"),
    refused_full: |name| format!("alle VIP-Plätze sind belegt; {name} wurde nicht hinzugefügt"),
    refused_other: |name, reason| format!("{name} wurde nicht hinzugefügt: {reason}"),
    setexpire_stream_end: "setexpire braucht eine Zeit wie 1d; damit ein VIP bis zum Streamende gilt, entferne ihn und füge ihn mit stream_end hinzu",
    contended: "dieser VIP wird gerade geändert; versuche es gleich noch einmal",
    no_user: |login| format!("es gibt keinen Twitch-Nutzer „{login}“"),
    vip_for: |name, left| format!("{name} ist VIP für {left}"),
    vip_until_stream_end: |name| format!("{name} ist VIP bis zum Streamende"),
    vip: |name| format!("{name} ist VIP"),
    waitlisted: |name| format!("alle VIP-Plätze sind belegt; {name} steht auf der Warteliste"),
    reauth: "der Streamer muss sich erneut beim VIP Manager anmelden",
    no_answer: "Twitch hat nicht geantwortet; versuche es gleich noch einmal",
    removed: |name| format!("{name} ist nicht mehr VIP"),
    not_timed: |name| format!("{name} ist kein VIP auf Zeit"),
    now_ends_in: |name, left| format!("der VIP von {name} endet jetzt in {left}"),
    stream_end_no_time: |name| format!("der VIP von {name} gilt bis zum Streamende; da gibt es keine Zeit zu ändern"),
    not_managed: |name| format!("{name} ist dauerhaft VIP; die App ändert nur VIPs, die sie vergeben hat"),
    not_allowed: "nur der Streamer und die Moderatoren, denen er es erlaubt, können VIPs verwalten",
    usage: |command| format!("so geht’s: {command} add|remove|extend|setexpire @user 2h, oder {command} list"),
    unknown_sub: |sub, usage| format!("unbekannter Unterbefehl „{sub}“; {usage}"),
    missing_user: |usage| format!("nenne einen Nutzer; {usage}"),
    bad_user: |login| format!("„{login}“ ist kein Twitch-Login"),
    missing_duration: "gib eine Dauer an, etwa 30m, 2h oder 1d",
    stream_end_not_here: "stream_end kann einen VIP nicht verlängern; gib eine Dauer wie 30m an",
    too_many: |usage| format!("zu viele Wörter; {usage}"),
};

const ES: ChatWords = ChatWords {
    ends_in: |left| format!("tu VIP termina en {left}"),
    no_end_date: "eres VIP sin fecha de fin (no es un VIP temporal)",
    not_timed_self: "no eres VIP temporal",
    none_now: "ahora no hay VIPs",
    no_end_item: |name| format!("{name} (sin fin)"),
    list_head: |n| format!("VIPs ({n}): "),
    moment: "un momento",
    refused_moderator: |name| format!("{name} es moderador; los moderadores no pueden ser VIP"),
    refused_permanent: |name| format!("{name} es VIP permanente; la app no cambia VIPs que no otorgó"),
    refused_full: |name| format!("todas las plazas VIP están ocupadas; {name} no fue añadido"),
    refused_other: |name, reason| format!("{name} no fue añadido: {reason}"),
    setexpire_stream_end: "setexpire necesita un tiempo como 1d; para que un VIP dure hasta el final del directo, quítalo y añádelo con stream_end",
    contended: "ese VIP está cambiando ahora mismo; inténtalo de nuevo",
    no_user: |login| format!("no existe el usuario de Twitch «{login}»"),
    vip_for: |name, left| format!("{name} es VIP durante {left}"),
    vip_until_stream_end: |name| format!("{name} es VIP hasta que termine el directo"),
    vip: |name| format!("{name} es VIP"),
    waitlisted: |name| format!("todas las plazas VIP están ocupadas; {name} está en la lista de espera"),
    reauth: "el streamer debe volver a iniciar sesión en VIP Manager",
    no_answer: "Twitch no respondió; inténtalo de nuevo",
    removed: |name| format!("{name} ya no es VIP"),
    not_timed: |name| format!("{name} no es VIP temporal"),
    now_ends_in: |name, left| format!("el VIP de {name} ahora termina en {left}"),
    stream_end_no_time: |name| format!("el VIP de {name} dura hasta el final del directo; no hay tiempo que cambiar"),
    not_managed: |name| format!("{name} es VIP permanente; la app solo cambia los VIPs que otorgó"),
    not_allowed: "solo el streamer y los moderadores que autorice pueden gestionar VIPs",
    usage: |command| format!("uso: {command} add|remove|extend|setexpire @usuario 2h, o {command} list"),
    unknown_sub: |sub, usage| format!("subcomando desconocido «{sub}»; {usage}"),
    missing_user: |usage| format!("indica un usuario; {usage}"),
    bad_user: |login| format!("«{login}» no es un login de Twitch"),
    missing_duration: "indica una duración como 30m, 2h o 1d",
    stream_end_not_here: "stream_end no puede ampliar un VIP; indica una duración como 30m",
    too_many: |usage| format!("demasiadas palabras; {usage}"),
};

const FR: ChatWords = ChatWords {
    ends_in: |left| format!("ton VIP se termine dans {left}"),
    no_end_date: "tu es VIP sans date de fin (pas un VIP temporaire)",
    not_timed_self: "tu n’es pas VIP temporaire",
    none_now: "aucun VIP pour le moment",
    no_end_item: |name| format!("{name} (sans fin)"),
    list_head: |n| format!("VIP ({n}) : "),
    moment: "un instant",
    refused_moderator: |name| format!("{name} est modérateur ; les modérateurs ne peuvent pas être VIP"),
    refused_permanent: |name| format!("{name} est VIP permanent ; l’app ne modifie pas les VIP qu’elle n’a pas accordés"),
    refused_full: |name| format!("toutes les places VIP sont prises ; {name} n’a pas été ajouté"),
    refused_other: |name, reason| format!("{name} n’a pas été ajouté : {reason}"),
    setexpire_stream_end: "setexpire prend une durée comme 1d ; pour qu’un VIP dure jusqu’à la fin du live, retire-le et ajoute-le avec stream_end",
    contended: "ce VIP est en cours de modification ; réessaie",
    no_user: |login| format!("il n’y a pas d’utilisateur Twitch « {login} »"),
    vip_for: |name, left| format!("{name} est VIP pour {left}"),
    vip_until_stream_end: |name| format!("{name} est VIP jusqu’à la fin du live"),
    vip: |name| format!("{name} est VIP"),
    waitlisted: |name| format!("toutes les places VIP sont prises ; {name} est sur la liste d’attente"),
    reauth: "le streamer doit se reconnecter à VIP Manager",
    no_answer: "Twitch n’a pas répondu ; réessaie",
    removed: |name| format!("{name} n’est plus VIP"),
    not_timed: |name| format!("{name} n’est pas VIP temporaire"),
    now_ends_in: |name, left| format!("le VIP de {name} se termine maintenant dans {left}"),
    stream_end_no_time: |name| format!("le VIP de {name} dure jusqu’à la fin du live ; il n’y a pas de durée à changer"),
    not_managed: |name| format!("{name} est VIP permanent ; l’app ne modifie que les VIP qu’elle a accordés"),
    not_allowed: "seuls le streamer et les modérateurs qu’il autorise peuvent gérer les VIP",
    usage: |command| format!("usage : {command} add|remove|extend|setexpire @user 2h, ou {command} list"),
    unknown_sub: |sub, usage| format!("sous-commande inconnue « {sub} » ; {usage}"),
    missing_user: |usage| format!("indique un utilisateur ; {usage}"),
    bad_user: |login| format!("« {login} » n’est pas un identifiant Twitch"),
    missing_duration: "indique une durée comme 30m, 2h ou 1d",
    stream_end_not_here: "stream_end ne peut pas prolonger un VIP ; indique une durée comme 30m",
    too_many: |usage| format!("trop de mots ; {usage}"),
};

const PTBR: ChatWords = ChatWords {
    ends_in: |left| format!("seu VIP termina em {left}"),
    no_end_date: "você é VIP sem data de fim (não é um VIP temporário)",
    not_timed_self: "você não é VIP temporário",
    none_now: "nenhum VIP agora",
    no_end_item: |name| format!("{name} (sem fim)"),
    list_head: |n| format!("VIPs ({n}): "),
    moment: "um instante",
    refused_moderator: |name| format!("{name} é moderador; moderadores não podem ser VIP"),
    refused_permanent: |name| format!("{name} é VIP permanente; o app não altera VIPs que não concedeu"),
    refused_full: |name| format!("todas as vagas de VIP estão ocupadas; {name} não foi adicionado"),
    refused_other: |name, reason| format!("{name} não foi adicionado: {reason}"),
    setexpire_stream_end: "setexpire precisa de um tempo como 1d; para um VIP durar até o fim da live, remova-o e adicione com stream_end",
    contended: "esse VIP está sendo alterado agora; tente de novo",
    no_user: |login| format!("não existe usuário da Twitch “{login}”"),
    vip_for: |name, left| format!("{name} é VIP por {left}"),
    vip_until_stream_end: |name| format!("{name} é VIP até o fim da live"),
    vip: |name| format!("{name} é VIP"),
    waitlisted: |name| format!("todas as vagas de VIP estão ocupadas; {name} está na lista de espera"),
    reauth: "o streamer precisa entrar de novo no VIP Manager",
    no_answer: "a Twitch não respondeu; tente de novo",
    removed: |name| format!("{name} não é mais VIP"),
    not_timed: |name| format!("{name} não é VIP temporário"),
    now_ends_in: |name, left| format!("o VIP de {name} agora termina em {left}"),
    stream_end_no_time: |name| format!("o VIP de {name} dura até o fim da live; não há tempo para mudar"),
    not_managed: |name| format!("{name} é VIP permanente; o app só altera VIPs que concedeu"),
    not_allowed: "só o streamer e os moderadores que ele permitir podem gerenciar VIPs",
    usage: |command| format!("uso: {command} add|remove|extend|setexpire @usuario 2h, ou {command} list"),
    unknown_sub: |sub, usage| format!("subcomando desconhecido “{sub}”; {usage}"),
    missing_user: |usage| format!("informe um usuário; {usage}"),
    bad_user: |login| format!("“{login}” não é um login da Twitch"),
    missing_duration: "informe uma duração como 30m, 2h ou 1d",
    stream_end_not_here: "stream_end não pode estender um VIP; informe uma duração como 30m",
    too_many: |usage| format!("palavras demais; {usage}"),
};

const JA: ChatWords = ChatWords {
    ends_in: |left| format!("あなたの VIP はあと {left} で終わります"),
    no_end_date: "あなたは終了日のない VIP です（期間限定 VIP ではありません）",
    not_timed_self: "あなたは期間限定 VIP ではありません",
    none_now: "現在 VIP はいません",
    no_end_item: |name| format!("{name}（期限なし）"),
    list_head: |n| format!("VIP（{n}）："),
    moment: "数秒",
    refused_moderator: |name| format!("{name} はモデレーターです。モデレーターは VIP になれません"),
    refused_permanent: |name| format!("{name} は永続 VIP です。アプリは自分が付与していない VIP を変更しません"),
    refused_full: |name| format!("VIP 枠がすべて埋まっています。{name} は追加されませんでした"),
    refused_other: |name, reason| format!("{name} は追加されませんでした：{reason}"),
    setexpire_stream_end: "setexpire には 1d のような時間を指定してください。配信終了までの VIP にするには、一度外して stream_end で追加してください",
    contended: "その VIP は変更中です。もう一度お試しください",
    no_user: |login| format!("Twitch ユーザー「{login}」は存在しません"),
    vip_for: |name, left| format!("{name} は {left} の VIP です"),
    vip_until_stream_end: |name| format!("{name} は配信終了まで VIP です"),
    vip: |name| format!("{name} は VIP です"),
    waitlisted: |name| format!("VIP 枠がすべて埋まっています。{name} は順番待ちリストに入りました"),
    reauth: "配信者が VIP Manager に再ログインする必要があります",
    no_answer: "Twitch から応答がありませんでした。もう一度お試しください",
    removed: |name| format!("{name} は VIP ではなくなりました"),
    not_timed: |name| format!("{name} は期間限定 VIP ではありません"),
    now_ends_in: |name, left| format!("{name} の VIP はあと {left} で終わります"),
    stream_end_no_time: |name| format!("{name} の VIP は配信終了までです。変更できる時間はありません"),
    not_managed: |name| format!("{name} は永続 VIP です。アプリは自分が付与した VIP だけを変更します"),
    not_allowed: "VIP を管理できるのは配信者と、配信者が許可したモデレーターだけです",
    usage: |command| format!("使い方：{command} add|remove|extend|setexpire @user 2h、または {command} list"),
    unknown_sub: |sub, usage| format!("不明なサブコマンド「{sub}」。{usage}"),
    missing_user: |usage| format!("ユーザーを指定してください。{usage}"),
    bad_user: |login| format!("「{login}」は Twitch のログイン名ではありません"),
    missing_duration: "30m、2h、1d のように期間を指定してください",
    stream_end_not_here: "stream_end では VIP を延長できません。30m のように期間を指定してください",
    too_many: |usage| format!("単語が多すぎます。{usage}"),
};
