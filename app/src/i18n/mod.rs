//! The languages of the interface: which one a page is served in ([`Lang`], chosen by
//! [`negotiate`] on the server and read back from `<html lang>` in the browser, so hydration never
//! renders another language), and the text of every view in each of them ([`Texts`], one typed
//! table per language in `locales/`). The browser's bundle carries the English words only; the
//! page carries its own language's ([`served`]).
//!
//! Adding a text: add a field to the area's struct in [`keys`] (inside `texts! { … }`), then write
//! it in every file of `locales/` (outside English as `text!("…")`); a language without it does
//! not compile. Components read it with `let t = use_texts();` and `{t.area.field}`.

#[macro_use]
pub mod walk;

mod chat_defaults;
#[cfg(feature = "ssr")]
pub mod chat_words;
mod errors;
#[cfg(feature = "ssr")]
pub mod input_errors;
pub mod keys;
mod locales;
mod negotiate;
mod served;

pub use keys::Texts;
#[cfg(feature = "ssr")]
pub use negotiate::from_headers;
pub use negotiate::{negotiate, LANG_COOKIE, LANG_QUERY};
pub use served::ServedTexts;

use leptos::prelude::*;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    De,
    Es,
    Fr,
    PtBr,
    Ja,
}

impl Lang {
    /// Every language, in the order the switcher lists them.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::De, Lang::Es, Lang::Fr, Lang::PtBr, Lang::Ja];

    /// The BCP 47 tag: `<html lang>`, the cookie and the switcher's links.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::PtBr => "pt-BR",
            Lang::Ja => "ja",
        }
    }

    /// The language's own name for itself.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Es => "Español",
            Lang::Fr => "Français",
            Lang::PtBr => "Português (Brasil)",
            Lang::Ja => "日本語",
        }
    }

    /// The language a tag asks for: its primary subtag decides (`de-AT` is German, any `pt` is
    /// Brazilian Portuguese, the one Portuguese served); `None` for a language not served.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL
            .into_iter()
            .find(|l| l.tag().split('-').next() == Some(primary.as_str()))
    }

    /// Every text of the interface in this language (in the browser, whose bundle has only the
    /// English words, the page's language is filled from the page: [`served`]).
    pub fn texts(self) -> &'static Texts {
        #[cfg(feature = "ssr")]
        return self.table();
        #[cfg(not(feature = "ssr"))]
        return served::in_browser(self);
    }

    /// The language's table as compiled (outside English, plain texts are empty in the browser).
    fn table(self) -> &'static Texts {
        match self {
            Lang::En => &locales::en::TEXTS,
            Lang::De => &locales::de::TEXTS,
            Lang::Es => &locales::es::TEXTS,
            Lang::Fr => &locales::fr::TEXTS,
            Lang::PtBr => &locales::pt_br::TEXTS,
            Lang::Ja => &locales::ja::TEXTS,
        }
    }

    /// The language this page is served in. On the server: negotiated from the request (and
    /// remembered in a cookie when the page was asked for with `?lang=`). In the browser: the
    /// `lang` of the document the server rendered, so the first render agrees with the HTML.
    pub fn served() -> Lang {
        if let Some(lang) = use_context::<Lang>() {
            return lang;
        }
        let lang = Self::from_page();
        provide_context(lang);
        lang
    }

    #[cfg(feature = "ssr")]
    fn from_page() -> Lang {
        negotiate::from_request()
    }

    #[cfg(not(feature = "ssr"))]
    fn from_page() -> Lang {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or_default()
    }
}

/// A language is stored and sent as its tag (`pt-BR`); any tag whose language is served is read.
impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.tag())
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(deserializer)?;
        Lang::from_tag(&tag).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{tag}` is not a language of the app (en, de, es, fr, pt-BR, ja)"
            ))
        })
    }
}

/// The texts of the language this page is served in.
pub fn use_texts() -> &'static Texts {
    Lang::served().texts()
}
