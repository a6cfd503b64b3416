//! The chat templates a new channel starts with, in the language its streamer used the app in
//! when the channel was made.

use super::Lang;
use crate::model::ChatTemplates;

impl ChatTemplates {
    /// The default templates in `lang`.
    pub fn in_language(lang: Lang) -> Self {
        let t = &lang.texts().chat;
        Self {
            granted: t.granted.into(),
            extended: t.extended.into(),
            expired: t.expired.into(),
            refunded: t.refunded.into(),
            warning: t.warning.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = ["{viewer}", "{duration}", "{reason}"]
            .into_iter()
            .filter(|p| text.contains(p))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_language_has_every_template_with_the_same_placeholders() {
        let en = ChatTemplates::in_language(Lang::En);
        for lang in Lang::ALL {
            let t = ChatTemplates::in_language(lang);
            for (ours, english) in [
                (&t.granted, &en.granted),
                (&t.extended, &en.extended),
                (&t.expired, &en.expired),
                (&t.refunded, &en.refunded),
                (&t.warning, &en.warning),
            ] {
                assert!(!ours.trim().is_empty(), "{lang:?}");
                assert_eq!(
                    placeholders(ours),
                    placeholders(english),
                    "{lang:?}: {ours}"
                );
            }
        }
    }

    #[test]
    fn english_is_the_default() {
        assert_eq!(
            ChatTemplates::default(),
            ChatTemplates::in_language(Lang::En)
        );
        let de = ChatTemplates::in_language(Lang::De);
        assert_eq!(de.granted, "{viewer} ist jetzt VIP für {duration}!");
    }
}
