//! Which language a request is answered in: the one just picked in the switcher (`?lang=`), else
//! the one picked before (the `lang` cookie), else the best of the browser's `Accept-Language`,
//! else English.

use super::Lang;

/// The cookie that remembers the language picked in the switcher.
pub const LANG_COOKIE: &str = "lang";
/// The query parameter the switcher's links set.
pub const LANG_QUERY: &str = "lang";

/// The language for a request's `?lang=`, `lang` cookie and `Accept-Language` header.
pub fn negotiate(query: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    query
        .and_then(Lang::from_tag)
        .or_else(|| cookie.and_then(Lang::from_tag))
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or_default()
}

/// The served language the browser prefers most (highest `q`, the earlier on a tie); `q=0`
/// means "not this one", `*` names none in particular.
fn from_accept_language(header: &str) -> Option<Lang> {
    let mut ranked: Vec<(u16, Lang)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .next()
                .map_or(Some(1000), quality)?;
            Some((q, Lang::from_tag(tag)?)).filter(|(q, _)| *q > 0)
        })
        .collect();
    ranked.sort_by_key(|(q, _)| std::cmp::Reverse(*q));
    ranked.first().map(|(_, lang)| *lang)
}

/// A `q` value in thousandths (`0.8` → 800); `None` when it is not a number from 0 to 1.
fn quality(text: &str) -> Option<u16> {
    let q: f32 = text.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&q)
        .then(|| (q * 1000.0).round() as u16)
}

/// The language a request's `lang` cookie and `Accept-Language` ask for (a request outside the
/// pages, such as the login callback).
#[cfg(feature = "ssr")]
pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
    use axum::http::header::ACCEPT_LANGUAGE;

    let cookie = crate::ssr::cookies::cookie(headers, LANG_COOKIE);
    let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    negotiate(None, cookie, accept)
}

/// The language of the request being rendered; a `?lang=` is remembered in the cookie for a year.
#[cfg(feature = "ssr")]
pub(super) fn from_request() -> Lang {
    use axum::http::header::{SET_COOKIE, VARY};
    use axum::http::HeaderValue;
    use leptos::prelude::use_context;

    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return Lang::default();
    };
    let query = parts.uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == LANG_QUERY)
            .map(|(_, value)| value)
    });
    let lang = query
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| from_headers(&parts.headers));
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
        if query.and_then(Lang::from_tag).is_some() {
            let cookie = format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                lang.tag()
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.append_header(SET_COOKIE, value);
            }
        }
    }
    lang
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_quality_served_language_wins() {
        let lang = negotiate(None, None, Some("zh-CN, fr;q=0.4, de;q=0.9, en;q=0.8"));
        assert_eq!(lang, Lang::De);
        let lang = negotiate(None, None, Some("es;q=0.5,ja"));
        assert_eq!(lang, Lang::Ja, "no q is q=1");
    }

    #[test]
    fn a_tie_goes_to_the_language_named_first() {
        assert_eq!(negotiate(None, None, Some("fr;q=0.7, de;q=0.7")), Lang::Fr);
    }

    #[test]
    fn a_language_refused_with_q_zero_is_never_served() {
        assert_eq!(negotiate(None, None, Some("de;q=0, es;q=0.1")), Lang::Es);
        assert_eq!(negotiate(None, None, Some("de;q=0")), Lang::En);
    }

    #[test]
    fn regions_fall_back_to_their_language() {
        assert_eq!(negotiate(None, None, Some("pt-BR")), Lang::PtBr);
        assert_eq!(negotiate(None, None, Some("pt")), Lang::PtBr);
        assert_eq!(negotiate(None, None, Some("pt-PT;q=0.9")), Lang::PtBr);
        assert_eq!(negotiate(None, None, Some("de-AT")), Lang::De);
        assert_eq!(negotiate(None, None, Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(negotiate(None, None, Some("ja-JP")), Lang::Ja);
    }

    #[test]
    fn unknown_or_broken_headers_fall_back_to_english() {
        assert_eq!(negotiate(None, None, None), Lang::En);
        assert_eq!(
            negotiate(None, None, Some("zh-CN, ru;q=0.9, *;q=0.5")),
            Lang::En
        );
        assert_eq!(negotiate(None, None, Some("de;q=abc")), Lang::En);
        assert_eq!(negotiate(None, None, Some(";;,,")), Lang::En);
    }

    #[test]
    fn the_chosen_language_beats_the_browser() {
        assert_eq!(negotiate(None, Some("fr"), Some("de")), Lang::Fr);
        assert_eq!(negotiate(Some("ja"), Some("fr"), Some("de")), Lang::Ja);
        assert_eq!(negotiate(Some("xx"), Some("nope"), Some("de")), Lang::De);
    }

    #[test]
    fn tags_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
    }
}
