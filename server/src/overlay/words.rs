//! Every word the overlay shows, in each language of the interface. The overlay is written whole
//! by the server, so its words stay out of the browser's bundle; the match in [`words`] names every
//! language, and each table fills every field, so a missing word is a compile error as in the
//! interface's own tables.

use app::i18n::Lang;

/// Every word the overlay shows, in one language.
pub struct Words {
    /// The page's title.
    pub title: &'static str,
    /// The alert's label above the new VIP's name.
    pub new_vip: &'static str,
    /// Time left of a VIP that lasts until the stream ends.
    pub until_stream_end: &'static str,
    /// Time left of a VIP without an end.
    pub no_end: &'static str,
    /// The list's label for screen readers.
    pub list_label: &'static str,
    /// The answer to a wrong, replaced or revoked URL.
    pub not_found: &'static str,
    /// Before the sentence naming a bad option.
    pub bad_option: &'static str,
}

/// The overlay's words in `lang`.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::De => &DE,
        Lang::Es => &ES,
        Lang::Fr => &FR,
        Lang::PtBr => &PTBR,
        Lang::Ja => &JA,
    }
}

const EN: Words = Words {
    title: "VIP overlay",
    new_vip: "New VIP",
    until_stream_end: "until stream ends",
    no_end: "no end",
    list_label: "VIPs and time left",
    not_found:
        "This overlay URL does not exist or was revoked: make a new one on the settings page.",
    bad_option: "Overlay option",
};

const DE: Words = Words {
    title: "VIP-Overlay",
    new_vip: "Neuer VIP",
    until_stream_end: "bis der Stream endet",
    no_end: "ohne Ende",
    list_label: "VIPs und verbleibende Zeit",
    not_found: "Diese Overlay-URL gibt es nicht oder sie wurde widerrufen: Erstelle auf der Einstellungsseite eine neue.",
    bad_option: "Overlay-Option",
};

const ES: Words = Words {
    title: "Overlay de VIP",
    new_vip: "Nuevo VIP",
    until_stream_end: "hasta que termine el directo",
    no_end: "sin fin",
    list_label: "VIPs y tiempo restante",
    not_found:
        "Esta URL del overlay no existe o fue revocada: crea una nueva en la página de ajustes.",
    bad_option: "Opción del overlay",
};

const FR: Words = Words {
    title: "Overlay VIP",
    new_vip: "Nouveau VIP",
    until_stream_end: "jusqu’à la fin du live",
    no_end: "sans fin",
    list_label: "VIP et temps restant",
    not_found: "Cette URL d’overlay n’existe pas ou a été révoquée : créez-en une nouvelle dans les paramètres.",
    bad_option: "Option de l’overlay",
};

const PTBR: Words = Words {
    title: "Overlay de VIP",
    new_vip: "Novo VIP",
    until_stream_end: "até o fim da live",
    no_end: "sem fim",
    list_label: "VIPs e tempo restante",
    not_found:
        "Esta URL de overlay não existe ou foi revogada: crie uma nova na página de configurações.",
    bad_option: "Opção do overlay",
};

const JA: Words = Words {
    title: "VIP オーバーレイ",
    new_vip: "新しい VIP",
    until_stream_end: "配信終了まで",
    no_end: "期限なし",
    list_label: "VIP と残り時間",
    not_found: "このオーバーレイ URL は存在しないか、取り消されました。設定ページで新しい URL を作成してください。",
    bad_option: "オーバーレイのオプション",
};
