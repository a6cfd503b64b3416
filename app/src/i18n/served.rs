//! The served language's words, carried by the page: the browser's bundle holds only the English
//! table's words (every other language's plain texts are empty there, see [`super::walk`]), so the
//! server writes the served language's plain texts into the page's head as a JSON list, in walk
//! order, and the browser fills its table from that list before anything reads it. Hydration
//! therefore renders the very words the server rendered.

use leptos::prelude::*;

#[cfg(not(feature = "ssr"))]
use super::keys::Texts;
use super::Lang;

/// The `id` of the `<script type="application/json">` element carrying the list.
pub const ELEMENT_ID: &str = "i18n-texts";

/// The plain texts of `lang` as a JSON list safe inside a `<script>` element (`<` escaped), made
/// once per language.
#[cfg(feature = "ssr")]
pub fn json(lang: Lang) -> &'static str {
    use std::sync::OnceLock;
    static JSON: [OnceLock<String>; Lang::ALL.len()] = [const { OnceLock::new() }; Lang::ALL.len()];
    let slot = Lang::ALL
        .iter()
        .position(|l| *l == lang)
        .unwrap_or_default();
    JSON[slot].get_or_init(|| {
        let texts = super::walk::plain_texts(lang.table());
        serde_json::to_string(&texts)
            .unwrap_or_else(|_| "[]".to_owned())
            .replace('<', "\\u003c")
    })
}

/// In the page's head: the served language's words for the browser (none for English, whose
/// words the bundle has).
#[component]
pub fn ServedTexts() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let list = {
        let lang = Lang::served();
        (lang != Lang::En).then(|| json(lang))
    };
    #[cfg(not(feature = "ssr"))]
    let list: Option<&'static str> = None;
    list.map(|list| {
        view! { <script type="application/json" id=ELEMENT_ID inner_html=list></script> }
    })
}

/// The table of `lang` in the browser: English as bundled; the page's language filled from the
/// page once; any other language (nothing reads one) falls back to English.
#[cfg(not(feature = "ssr"))]
pub fn in_browser(lang: Lang) -> &'static Texts {
    use std::sync::OnceLock;
    static FILLED: OnceLock<(Lang, &'static Texts)> = OnceLock::new();
    let english = Lang::En.table();
    let (page, filled) = *FILLED.get_or_init(|| {
        let page = Lang::from_page();
        (page, fill(page).unwrap_or(english))
    });
    if lang == page {
        filled
    } else {
        english
    }
}

/// `lang`'s table with the page's words, or `None` (logged) when the page carries none that fit.
#[cfg(not(feature = "ssr"))]
fn fill(lang: Lang) -> Option<&'static Texts> {
    if lang == Lang::En {
        return Some(Lang::En.table());
    }
    let words = document()
        .get_element_by_id(ELEMENT_ID)
        .and_then(|e| e.text_content())
        .and_then(|json| serde_json::from_str::<Vec<String>>(&json).ok());
    match words.and_then(|words| with_words(lang, words)) {
        Some(table) => Some(Box::leak(Box::new(table))),
        None => {
            leptos::logging::warn!(
                "the page carries no texts for `{}`; showing English",
                lang.tag()
            );
            None
        }
    }
}

/// `lang`'s table with `words` as its plain texts, in walk order; `None` unless they are exactly
/// as many as its plain texts (a page and a bundle of different versions).
#[cfg_attr(feature = "ssr", allow(dead_code))]
fn with_words(lang: Lang, words: Vec<String>) -> Option<super::keys::Texts> {
    use super::walk::Walk;
    let mut table = lang.table().clone();
    if words.len() != super::walk::plain_texts(&table).len() {
        return None;
    }
    let mut words = words.into_iter();
    table.walk(&mut |text| {
        if let Some(word) = words.next() {
            *text = word.leak();
        }
    });
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::super::walk::{plain_texts, Walk};
    use super::*;

    #[test]
    fn every_language_has_as_many_plain_texts_and_none_is_empty() {
        let english = plain_texts(Lang::En.table()).len();
        assert!(english > 300, "{english}");
        for lang in Lang::ALL {
            let texts = plain_texts(lang.table());
            assert_eq!(texts.len(), english, "{lang:?}");
            assert!(texts.iter().all(|t| !t.is_empty()), "{lang:?}");
        }
    }

    #[test]
    fn a_table_emptied_as_in_the_browser_is_filled_back_from_the_page() {
        for lang in Lang::ALL {
            let json = json(lang);
            assert!(!json.contains('<'), "safe inside <script>");
            let words: Vec<String> = serde_json::from_str(json).unwrap();
            let mut emptied = lang.table().clone();
            emptied.walk(&mut |t| *t = "");
            assert!(plain_texts(&emptied).iter().all(|t| t.is_empty()));
            // What the browser does with the page's list (its table is the emptied one).
            let filled = with_words(lang, words.clone()).unwrap();
            assert_eq!(plain_texts(&filled), plain_texts(lang.table()), "{lang:?}");
            // The texts that take values are the language's own.
            assert_eq!((filled.home.uptime)(90), (lang.table().home.uptime)(90));
            // A list of another length fits no table.
            assert!(with_words(lang, words[1..].to_vec()).is_none());
        }
    }
}
